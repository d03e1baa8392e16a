"""The shift handover (交接班): what one shift hands to the next, in the actor's scope, in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, not_, or_, select, true
from sqlalchemy.orm import Session

from db.base import UTCDateTime
from db.models import Alert, Community, Grid, IncidentCount, Lead, LeadEvent, Officer, Presence
from db.models import User as AppUser
from services.board.live import URGENCY_RANK, BoardFilters, Section, _section, late, scope_where
from services.board.shift import ESCALATIONS, Shift, ShiftFigures, figures
from services.board.shift import shift as make_shift
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.leadstate import UNACCEPTED_STATUSES, is_open
from services.core.masking import mask_text
from services.core.scope import community_filter
from services.core.sqlutil import seconds_between

ROWS = 300  # per list: a printed handover of more is not read; each list says of how many


@dataclass(frozen=True)
class Escalation:
    lead_id: int
    at: datetime
    automatic: bool  # by the worker at a missed deadline, not by a person
    by: str  # who escalated ('' when automatic)
    category: str
    urgency: str
    community: str
    level: str  # where the lead stands now
    note: str  # phone and ID numbers masked


@dataclass(frozen=True)
class AlertInForce:
    id: int
    title: str
    origin: str
    valid_from: datetime
    valid_to: datetime
    areas: tuple[str, ...]  # the target communities and grids that lie in scope


@dataclass(frozen=True)
class UnitHours:
    officer_id: int
    name: str
    hours: float  # checked in during the shift (the part of each stay inside the shift)
    stays: int
    still_in: bool  # checked in when the shift ends (or now)


@dataclass(frozen=True)
class Handover:
    shift: Shift
    made_at: datetime  # open and overdue leads are as they stand at this moment
    figures: ShiftFigures
    open: Section  # open, not late: urgency first, then oldest
    late: Section  # overdue or escalated
    escalations: tuple[Escalation, ...]
    escalations_total: int
    alerts: tuple[AlertInForce, ...]
    incidents: tuple[tuple[date, str, int], ...]  # the shift's day(s): (day, category, count)
    reported: Section  # leads reported in the shift, oldest first
    units: tuple[UnitHours, ...]


def _due() -> Any:
    return case((Lead.status.in_(UNACCEPTED_STATUSES), Lead.accept_due_at),
                else_=Lead.resolve_due_at)


def _places(actor: Actor, f: BoardFilters, column: Any) -> ColumnElement[bool]:
    """Communities in the actor's scope and the board's station/community filters."""
    where = [community_filter(actor, column)]
    if f.community_ids:
        where.append(column.in_(f.community_ids))
    if f.station_ids:
        where.append(column.in_(select(Community.id).where(
            Community.station_id.in_(f.station_ids))))
    return and_(true(), *where)


def _escalations(session: Session, base: list[ColumnElement[bool]], sh: Shift,
                 end: datetime) -> tuple[tuple[Escalation, ...], int]:
    where = [*base, LeadEvent.action.in_(ESCALATIONS), LeadEvent.at >= sh.start,
             LeadEvent.at < end]
    total = session.scalar(select(func.count()).select_from(LeadEvent)
                           .join(Lead, Lead.id == LeadEvent.lead_id).where(*where)) or 0
    rows = session.execute(
        select(LeadEvent.lead_id, LeadEvent.at, LeadEvent.action,
               func.coalesce(AppUser.display_name, ""), Lead.category, Lead.urgency,
               Community.name, Lead.level, LeadEvent.note)
        .join(Lead, Lead.id == LeadEvent.lead_id)
        .join(Community, Community.id == Lead.community_id)
        .outerjoin(AppUser, AppUser.id == LeadEvent.actor_user_id)
        .where(*where).order_by(LeadEvent.at, LeadEvent.id).limit(ROWS)).all()
    return tuple(Escalation(int(r[0]), r[1], r[2] == "auto_escalate", r[3], r[4], r[5], r[6],
                            r[7], mask_text(r[8])) for r in rows), int(total)


def _alerts(session: Session, actor: Actor, f: BoardFilters, sh: Shift,
            end: datetime) -> tuple[AlertInForce, ...]:
    """Published alerts valid at some moment of the shift whose area reaches the scope."""
    found = session.execute(
        select(Alert.id, Alert.title, Alert.origin_region, Alert.valid_from, Alert.valid_to,
               Alert.target)
        .where(Alert.status == "published", Alert.valid_from < end, Alert.valid_to >= sh.start)
        .order_by(Alert.valid_to, Alert.id)).all()
    out = []
    for alert_id, title, origin, valid_from, valid_to, target in found:
        target = target or {}
        names = [n for (n,) in session.execute(
            select(Community.name).where(Community.id.in_(
                [int(i) for i in target.get("community_ids") or []]),
                _places(actor, f, Community.id)).order_by(Community.name))]
        names += [n for (n,) in session.execute(
            select(Grid.name).where(Grid.id.in_([int(i) for i in target.get("grid_ids") or []]),
                                    _places(actor, f, Grid.community_id)).order_by(Grid.name))]
        if names:
            out.append(AlertInForce(int(alert_id), mask_text(title), mask_text(origin),
                                    valid_from, valid_to, tuple(names)))
    return tuple(out)


def _incidents(session: Session, actor: Actor, f: BoardFilters,
               sh: Shift) -> tuple[tuple[date, str, int], ...]:
    """Incidents are imported as daily counts: those of the day(s) the shift lies on."""
    days = [sh.day] if sh.kind == "day" else [sh.day, sh.day + timedelta(days=1)]
    rows = session.execute(
        select(IncidentCount.day, IncidentCount.category, func.sum(IncidentCount.count))
        .where(IncidentCount.day.in_(days), _places(actor, f, IncidentCount.community_id))
        .group_by(IncidentCount.day, IncidentCount.category)
        .order_by(IncidentCount.day, IncidentCount.category)).all()
    return tuple((d, c, int(n)) for d, c, n in rows)


def _units(session: Session, actor: Actor, f: BoardFilters, sh: Shift,
           end: datetime) -> tuple[UnitHours, ...]:
    """Each officer's check-ins in scope cut to the shift (a stay still open runs to `end`);
    weekly hours typed in by hand belong to no shift and are left out."""
    start_at, end_at = literal(sh.start, UTCDateTime()), literal(end, UTCDateTime())
    left = func.coalesce(Presence.ended_at, end_at)
    span = seconds_between(
        session, case((Presence.started_at > start_at, Presence.started_at), else_=start_at),
        case((left < end_at, left), else_=end_at))
    still_in = case((or_(Presence.ended_at.is_(None), Presence.ended_at >= end_at), 1), else_=0)
    rows = session.execute(
        select(Officer.id, Officer.name, func.sum(span), func.count(), func.max(still_in))
        .join(Officer, Officer.id == Presence.officer_id)
        .where(Presence.source == "checkin", Presence.started_at < end_at,
               func.coalesce(Presence.ended_at, end_at) > start_at,
               _places(actor, f, Presence.community_id))
        .group_by(Officer.id, Officer.name).order_by(Officer.name, Officer.id)).all()
    return tuple(UnitHours(int(i), n, round(float(s or 0) / 3600, 2), int(c), bool(o))
                 for i, n, s, c, o in rows)


def handover(session: Session, *, actor: Actor, day: date, kind: str,
             filters: BoardFilters | None = None, now: datetime | None = None) -> Handover:
    """The handover of one shift (a past one, or the one running: then up to now) for the
    actor's scope and the board's filters. Supervisors and admins only."""
    require(actor, Perm.SUPERVISE_LEADS)  # the board's supervisors: not the wall display
    sh = make_shift(day, kind)
    now = now or clock.now()
    f = filters or BoardFilters()
    end = min(sh.end, now)
    base = scope_where(session, actor, f)
    first = [URGENCY_RANK, Lead.created_at, Lead.id]
    escalations, n_escalations = _escalations(session, base, sh, end)
    return Handover(
        shift=sh, made_at=now, figures=figures(session, base, sh, now),
        open=_section(session, [*base, is_open(), not_(late(now))], _due(), first,
                      limit=ROWS),
        late=_section(session, [*base, is_open(), late(now)], _due(),
                      [URGENCY_RANK, _due().is_(None), _due(), Lead.id], limit=ROWS),
        escalations=escalations, escalations_total=n_escalations,
        alerts=_alerts(session, actor, f, sh, end),
        incidents=_incidents(session, actor, f, sh),
        reported=_section(session, [*base, Lead.created_at >= sh.start, Lead.created_at < end],
                          _due(), [Lead.created_at, Lead.id], limit=ROWS),
        units=_units(session, actor, f, sh, end),
    )
