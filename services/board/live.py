"""The command board's lead sections: waiting, in progress, overdue or escalated, in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Community, Lead, LeadEvent, Officer, Station, User
from services.core.actor import Actor
from services.core.leadstate import UNACCEPTED_STATUSES, is_open, is_overdue
from services.leads import visible

ROWS = 40  # per section: a wall screen shows no more; the counts say how many in all
WAITING = ("new", "dispatched", "returned")
WORKING = ("accepted", "in_progress", "needs_info")  # needs_info: asked the reporter
URGENCY_RANK = case((Lead.urgency == "emergency", 0), (Lead.urgency == "urgent", 1), else_=2)
_ASSIGNEE = aliased(User)


@dataclass(frozen=True)
class BoardFilters:
    """What the board shows: empty tuples mean everything in the actor's scope."""

    station_ids: tuple[int, ...] = ()
    community_ids: tuple[int, ...] = ()
    urgencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoardRow:
    id: int
    version: int
    created_at: datetime
    category: str
    urgency: str
    status: str
    level: str
    community: str
    station: str
    assignee: str
    dispatched_at: datetime | None
    due_at: datetime | None  # to accept (waiting) or to resolve (in progress)
    last_action: str = ""
    last_at: datetime | None = None


@dataclass(frozen=True)
class Section:
    rows: tuple[BoardRow, ...]
    total: int


def scope_where(session: Session, actor: Actor, f: BoardFilters) -> list[ColumnElement[bool]]:
    where = [visible(session, actor)]
    if f.community_ids:
        where.append(Lead.community_id.in_(f.community_ids))
    if f.station_ids:
        where.append(Lead.community_id.in_(
            select(Community.id).where(Community.station_id.in_(f.station_ids))))
    if f.urgencies:
        where.append(Lead.urgency.in_(f.urgencies))
    return where


def late(now: datetime) -> ColumnElement[bool]:
    """Overdue or escalated: its own section, never mixed into waiting or in progress."""
    return or_(Lead.status == "escalated", is_overdue(now))


def _rows(where: list[ColumnElement[bool]], due: Any) -> Any:
    return (select(Lead.id, Lead.version, Lead.created_at, Lead.category, Lead.urgency,
                   Lead.status, Lead.level, Community.name, Station.name,
                   func.coalesce(Officer.name, _ASSIGNEE.display_name, ""), Lead.dispatched_at,
                   due)
            .join(Community, Community.id == Lead.community_id)
            .join(Station, Station.id == Community.station_id)
            .outerjoin(Officer, Officer.id == Lead.assigned_officer_id)
            .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Lead.assigned_user_id)
            .where(*where))


def _section(session: Session, where: list[ColumnElement[bool]], due: Any,
             order: list[Any], total: int | None = None, limit: int = ROWS) -> Section:
    if total is None:
        total = session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0
    found = session.execute(_rows(where, due).order_by(*order).limit(limit)).all()
    last = last_steps(session, [r[0] for r in found])
    rows = tuple(BoardRow(*r, *last.get(r[0], ("", None))) for r in found)
    return Section(rows, int(total))


def waiting(session: Session, base: list[ColumnElement[bool]], now: datetime,
            total: int | None = None) -> Section:
    """Not accepted yet and not late: emergency, then urgent, then routine; soonest due first."""
    where = [*base, Lead.status.in_(WAITING), not_(late(now))]
    return _section(session, where, Lead.accept_due_at,
                    [URGENCY_RANK, Lead.accept_due_at.is_(None), Lead.accept_due_at, Lead.id],
                    total)


def in_progress(session: Session, base: list[ColumnElement[bool]], now: datetime,
                total: int | None = None) -> Section:
    """Accepted and not late, soonest resolve deadline first."""
    where = [*base, Lead.status.in_(WORKING), not_(late(now))]
    return _section(session, where, Lead.resolve_due_at,
                    [Lead.resolve_due_at.is_(None), Lead.resolve_due_at, Lead.id], total)


def overdue(session: Session, base: list[ColumnElement[bool]], now: datetime,
            total: int | None = None) -> Section:
    """Late or escalated, most urgent first, then longest overdue."""
    due = case((Lead.status.in_(UNACCEPTED_STATUSES), Lead.accept_due_at),
               else_=Lead.resolve_due_at)
    where = [*base, is_open(), late(now)]
    return _section(session, where, due, [URGENCY_RANK, due.is_(None), due, Lead.id], total)


def totals(session: Session, base: list[ColumnElement[bool]],
           now: datetime) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """One pass over the open leads: how many in each section, and the late ones by station
    (most first)."""
    section = case((late(now), "late"), (Lead.status.in_(WAITING), "waiting"),
                   (Lead.status.in_(WORKING), "progress"), else_="other")
    rows = session.execute(
        select(section, Station.name, func.count(Lead.id)).select_from(Lead)
        .join(Community, Community.id == Lead.community_id)
        .join(Station, Station.id == Community.station_id)
        .where(*base, is_open()).group_by(section, Station.name)).all()
    counts: dict[str, int] = {}
    stations: dict[str, int] = {}
    for name, station, n in rows:
        counts[name] = counts.get(name, 0) + int(n)
        if name == "late":
            stations[station] = stations.get(station, 0) + int(n)
    return counts, sorted(stations.items(), key=lambda kv: (-kv[1], kv[0]))


def last_steps(session: Session, lead_ids: list[int]) -> dict[int, tuple[str, datetime]]:
    """The newest step of each lead (one query over the lead-event index)."""
    if not lead_ids:
        return {}
    newest = (select(func.max(LeadEvent.id)).where(LeadEvent.lead_id.in_(lead_ids))
              .group_by(LeadEvent.lead_id))
    rows = session.execute(select(LeadEvent.lead_id, LeadEvent.action, LeadEvent.at)
                           .where(LeadEvent.id.in_(newest))).all()
    return {int(lid): (action, at) for lid, action, at in rows}

