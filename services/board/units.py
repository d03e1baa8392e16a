"""The board's units panel: every officer and team in scope, their state and since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.models import Community, Lead, LeadEvent, Officer, Presence, Task, Team
from services.board.live import WORKING
from services.core.actor import Actor
from services.core.scope import community_filter

OFFICER_STATES = ("off_duty", "on_duty", "in_community", "on_lead", "en_route", "on_scene")
TEAM_STATES = ("standing_by", "on_task")
MOVES = {"accept": "on_lead", "start": "on_lead", "en_route": "en_route",
         "on_scene": "on_scene"}


@dataclass(frozen=True)
class Unit:
    kind: str  # officer | team
    id: int
    name: str
    where: str  # the officer's community (first of theirs) or the team's community
    state: str
    since: datetime | None
    lead_id: int | None = None  # the lead the state is about


def _officers(session: Session, actor: Actor,
              stations: tuple[int, ...]) -> list[tuple[int, str, bool, str]]:
    offices = select(Community.police_office_id).where(
        community_filter(actor, Community.id))
    if stations:
        offices = offices.where(Community.station_id.in_(stations))
    home = (select(func.min(Community.name)).where(Community.officer_id == Officer.id)
            .scalar_subquery())
    rows = session.execute(
        select(Officer.id, Officer.name, Officer.on_duty, func.coalesce(home, ""))
        .where(Officer.active.is_(True), Officer.police_office_id.in_(offices))
        .order_by(Officer.name, Officer.id)).all()
    return [(int(i), n, bool(d), w) for i, n, d, w in rows]


def _moves(session: Session, ids: list[int]) -> dict[int, tuple[str, datetime, int]]:
    """Each officer's newest movement on a lead they hold that is being worked."""
    newest = (select(func.max(LeadEvent.id)).join(Lead, Lead.id == LeadEvent.lead_id)
              .where(Lead.assigned_officer_id.in_(ids), Lead.status.in_(WORKING),
                     LeadEvent.action.in_(MOVES))
              .group_by(Lead.assigned_officer_id))
    rows = session.execute(
        select(Lead.assigned_officer_id, LeadEvent.action, LeadEvent.at, Lead.id)
        .join(Lead, Lead.id == LeadEvent.lead_id).where(LeadEvent.id.in_(newest))).all()
    return {int(o or 0): (MOVES[a], at, int(lid)) for o, a, at, lid in rows}


def _checked_in(session: Session, ids: list[int]) -> dict[int, datetime]:
    rows = session.execute(
        select(Presence.officer_id, func.max(Presence.started_at))
        .where(Presence.officer_id.in_(ids), Presence.ended_at.is_(None),
               Presence.source == "checkin").group_by(Presence.officer_id)).all()
    return {int(o): at for o, at in rows}


def officer_units(session: Session, actor: Actor, stations: tuple[int, ...] = ()) -> list[Unit]:
    officers = _officers(session, actor, stations)
    ids = [o[0] for o in officers]
    moves = _moves(session, ids) if ids else {}
    checked = _checked_in(session, ids) if ids else {}
    out = []
    for oid, name, on_duty, where in officers:
        if not on_duty:
            out.append(Unit("officer", oid, name, where, "off_duty", None))
            continue
        move, came = moves.get(oid), checked.get(oid)
        if move and (came is None or move[1] >= came):
            out.append(Unit("officer", oid, name, where, move[0], move[1], move[2]))
        elif came is not None:
            out.append(Unit("officer", oid, name, where, "in_community", came))
        else:
            out.append(Unit("officer", oid, name, where, "on_duty", None))
    return out


def team_units(session: Session, actor: Actor, stations: tuple[int, ...] = ()) -> list[Unit]:
    """Teams of the communities in scope; a team is on a task while one offered to it is
    claimed (since the claim)."""
    scope: list[ColumnElement[bool]] = [community_filter(actor, Team.community_id)]
    if stations:
        scope.append(Community.station_id.in_(stations))
    claimed = (select(Task.team_id, func.min(Task.claimed_at).label("at"),
                      func.min(Task.lead_id).label("lead"))
               .where(Task.status == "claimed", Task.team_id.is_not(None))
               .group_by(Task.team_id).subquery())
    rows = session.execute(
        select(Team.id, Team.name, Community.name, claimed.c.at, claimed.c.lead)
        .join(Community, Community.id == Team.community_id)
        .outerjoin(claimed, claimed.c.team_id == Team.id)
        .where(*scope, Team.active.is_(True)).order_by(Community.name, Team.name)).all()
    return [Unit("team", int(i), n, c, "on_task" if at else "standing_by", at,
                 int(lead) if lead else None) for i, n, c, at, lead in rows]
