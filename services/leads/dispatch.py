"""Dispatch: the first rule that finds an active person on duty gets the lead."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, Officer, PoliceOffice, Station, User
from services.leads.rules import active_rule_kinds, deadline_minutes

Found = tuple[int | None, int | None]  # (officer id, user id)


@dataclass(frozen=True)
class Assignment:
    rule: str | None
    officer_id: int | None
    user_id: int | None
    level: str


def officer_user(session: Session, officer_id: int) -> int | None:
    """The active account of an officer, if they have one."""
    return session.scalar(select(User.id).where(User.officer_id == officer_id,
                                                User.active.is_(True)).limit(1))


def _ready(session: Session, officer_id: int | None, exclude: Collection[int]) -> Found | None:
    if officer_id is None or officer_id in exclude:
        return None
    ready = session.scalar(select(Officer.active & Officer.on_duty)
                           .where(Officer.id == officer_id))
    if not ready:
        return None
    return officer_id, officer_user(session, officer_id)


@dataclass(frozen=True)
class Where:
    """The community's links that dispatch follows (boundaries are never loaded here)."""

    officer_id: int | None
    police_office_id: int
    station_id: int


def where_of(session: Session, community_id: int) -> Where | None:
    row = session.execute(select(Community.officer_id, Community.police_office_id,
                                 Community.station_id).where(Community.id == community_id)).first()
    return Where(*row) if row else None


def _community_officer(s: Session, c: Where, exclude: Collection[int]) -> Found | None:
    return _ready(s, c.officer_id, exclude)


def _office_backup(s: Session, c: Where, exclude: Collection[int]) -> Found | None:
    backup = s.scalar(select(PoliceOffice.backup_officer_id)
                      .where(PoliceOffice.id == c.police_office_id))
    return _ready(s, backup, exclude)


def _station_duty(s: Session, c: Where, exclude: Collection[int]) -> Found | None:
    uid = duty_supervisor(s, c.station_id)
    if uid is None or not s.scalar(select(User.active).where(User.id == uid)):
        return None
    return None, uid


def duty_supervisor(session: Session, station_id: int) -> int | None:
    return session.scalar(select(Station.duty_supervisor_id).where(Station.id == station_id))


FINDERS: dict[str, Callable[[Session, Where, Collection[int]], Found | None]] = {
    "community_officer": _community_officer,
    "office_backup": _office_backup,
    "station_duty_supervisor": _station_duty,
}
LEVEL_OF_RULE = {"community_officer": "community", "office_backup": "community",
                 "station_duty_supervisor": "station"}


def choose(session: Session, community_id: int, *, exclude: Collection[int] = ()) -> Assignment:
    """Walk the active rules in order; Assignment(rule=None) when nobody can take it."""
    community = where_of(session, community_id)
    if community is not None:
        for kind in active_rule_kinds(session):
            found = FINDERS[kind](session, community, exclude)
            if found is not None:
                return Assignment(kind, found[0], found[1], LEVEL_OF_RULE[kind])
    return Assignment(None, None, None, "community")


def deadlines(
    session: Session, category: str, urgency: str, *, created_at: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """(accept by, resolve by): accepting counts from now, resolving from the report."""
    accept, resolve = deadline_minutes(session, category, urgency)
    return now + timedelta(minutes=accept), created_at + timedelta(minutes=resolve)
