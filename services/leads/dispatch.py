"""Dispatch: the first rule that finds an active person on duty gets the lead."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import Community, LeadEvent, Officer, PoliceOffice, Station, User
from services.leads.rules import active_rule_kinds, deadline_minutes

LEVEL_OF_RULE = {"community_officer": "community", "office_backup": "community",
                 "station_duty_supervisor": "station"}


@dataclass(frozen=True)
class Assignment:
    rule: str | None
    officer_id: int | None
    user_id: int | None
    level: str


@dataclass(frozen=True)
class Where:
    """The community's links that dispatch follows (boundaries are never loaded here)."""

    officer_id: int | None
    police_office_id: int
    station_id: int


@dataclass(frozen=True)
class Chain:
    """Everyone the rules may reach for one community, read in a single query."""

    officer_id: int | None
    officer_ready: bool
    backup_id: int | None
    backup_ready: bool
    duty_user_id: int | None
    duty_active: bool


def officer_user(session: Session, officer_id: int) -> int | None:
    """The active account of an officer, if they have one."""
    return session.scalar(select(User.id).where(User.officer_id == officer_id,
                                                User.active.is_(True)).limit(1))


def where_of(session: Session, community_id: int) -> Where | None:
    row = session.execute(select(Community.officer_id, Community.police_office_id,
                                 Community.station_id).where(Community.id == community_id)).first()
    return Where(*row) if row else None


def duty_supervisor(session: Session, station_id: int) -> int | None:
    """The station's duty supervisor, if the station has one whose account is active."""
    return session.scalar(select(Station.duty_supervisor_id)
                          .join(User, User.id == Station.duty_supervisor_id)
                          .where(Station.id == station_id, User.active.is_(True)))


# Made once: building an alias copies every column, which costs more than the query.
_OWN, _BACKUP, _DUTY = aliased(Officer), aliased(Officer), aliased(User)


def chain_of(session: Session, community_id: int) -> Chain | None:
    own, backup, duty = _OWN, _BACKUP, _DUTY
    row = session.execute(
        select(Community.officer_id, own.active & own.on_duty, PoliceOffice.backup_officer_id,
               backup.active & backup.on_duty, Station.duty_supervisor_id, duty.active)
        .join(PoliceOffice, PoliceOffice.id == Community.police_office_id)
        .join(Station, Station.id == Community.station_id)
        .outerjoin(own, own.id == Community.officer_id)
        .outerjoin(backup, backup.id == PoliceOffice.backup_officer_id)
        .outerjoin(duty, duty.id == Station.duty_supervisor_id)
        .where(Community.id == community_id)
    ).first()
    if row is None:
        return None
    return Chain(row[0], bool(row[1]), row[2], bool(row[3]), row[4], bool(row[5]))


def _pick(chain: Chain, kind: str, exclude: Collection[int]) -> tuple[int | None, int | None]:
    """(officer id, duty user id) the rule `kind` reaches, or (None, None)."""
    if kind == "community_officer" and chain.officer_ready and chain.officer_id not in exclude:
        return chain.officer_id, None
    if kind == "office_backup" and chain.backup_ready and chain.backup_id not in exclude:
        return chain.backup_id, None
    if kind == "station_duty_supervisor" and chain.duty_active:
        return None, chain.duty_user_id
    return None, None


def choose(session: Session, community_id: int, *, exclude: Collection[int] = (),
           kinds: Sequence[str] | None = None) -> Assignment:
    """Walk the active rules (`kinds`, read when not given) in order; Assignment(rule=None)
    when nobody can take it."""
    chain = chain_of(session, community_id)
    if chain is not None:
        for kind in active_rule_kinds(session) if kinds is None else kinds:
            officer_id, user_id = _pick(chain, kind, exclude)
            if officer_id is not None:
                return Assignment(kind, officer_id, officer_user(session, officer_id),
                                  LEVEL_OF_RULE[kind])
            if user_id is not None:
                return Assignment(kind, None, user_id, LEVEL_OF_RULE[kind])
    return Assignment(None, None, None, "community")


def dispatch_event(lead_id: int, at: datetime, who: Assignment) -> LeadEvent:
    """The event of an automatic dispatch, on submit or later: by the system, not a person."""
    return LeadEvent(lead_id=lead_id, at=at, actor_user_id=None, action="dispatch",
                     from_status="new", to_status="dispatched", note="",
                     data={"rule": who.rule, "officer_id": who.officer_id,
                           "user_id": who.user_id})


def deadlines(
    session: Session, category: str, urgency: str, *, created_at: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """(accept by, resolve by): accepting counts from now, resolving from the report."""
    accept, resolve = deadline_minutes(session, category, urgency)
    return now + timedelta(minutes=accept), created_at + timedelta(minutes=resolve)
