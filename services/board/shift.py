"""Shifts of the command centre (08:00–20:00 and 20:00–08:00 in Asia/Shanghai) and the
headline figures of one shift, computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent
from services.core import clock
from services.core.errors import Invalid
from services.core.sqlutil import percentile, seconds_between

DAY_START, NIGHT_START = time(8), time(20)
KINDS = ("day", "night")
ESCALATIONS = ("escalate", "auto_escalate")


@dataclass(frozen=True)
class Shift:
    day: date  # the local day the shift starts on
    kind: str  # day | night
    start: datetime  # UTC
    end: datetime  # UTC


@dataclass(frozen=True)
class ShiftFigures:
    shift: Shift
    reported: int
    dispatched: int
    accepted: int
    accepted_in_time: int
    median_dispatch_s: float | None
    median_accept_s: float | None
    median_to_scene_s: float | None  # from dispatch to the officer's "on scene"
    escalations: int


def shift(day: date, kind: str) -> Shift:
    if kind not in KINDS:
        raise Invalid({"shift": "board.bad_shift"})
    begins = DAY_START if kind == "day" else NIGHT_START
    start = datetime.combine(day, begins, tzinfo=clock.TZ).astimezone(UTC)
    return Shift(day, kind, start, start + timedelta(hours=12))


def shift_at(at: datetime) -> Shift:
    """The shift running at `at`."""
    local = at.astimezone(clock.TZ)
    if DAY_START <= local.time() < NIGHT_START:
        return shift(local.date(), "day")
    day = local.date() if local.time() >= NIGHT_START else local.date() - timedelta(days=1)
    return shift(day, "night")


def figures(session: Session, base: list[ColumnElement[bool]], sh: Shift,
            now: datetime) -> ShiftFigures:
    """Leads reported in the shift (up to now), in scope: how many, dispatched, accepted
    (in time), median time to dispatch and to accept, and the escalations made in it."""
    end = min(sh.end, now)
    in_shift = [*base, Lead.created_at >= sh.start, Lead.created_at < end]
    in_time = case((and_(Lead.accepted_at.is_not(None), Lead.accept_due_at.is_not(None),
                         Lead.accepted_at <= Lead.accept_due_at), 1), else_=0)
    reported, dispatched, accepted, ok = session.execute(
        select(func.count(), func.count(Lead.dispatched_at), func.count(Lead.accepted_at),
               func.coalesce(func.sum(in_time), 0)).where(*in_shift)).one()
    dispatch_s = percentile(session, select(
        seconds_between(session, Lead.created_at, Lead.dispatched_at)).where(*in_shift), 0.5)
    accept_s = percentile(session, select(
        seconds_between(session, Lead.dispatched_at, Lead.accepted_at)).where(*in_shift), 0.5)
    scene = (select(func.min(LeadEvent.at)).where(LeadEvent.lead_id == Lead.id,
                                                   LeadEvent.action == "on_scene")
             .scalar_subquery())
    scene_s = percentile(session, select(seconds_between(session, Lead.dispatched_at, scene))
                         .where(*in_shift, Lead.dispatched_at.is_not(None)), 0.5)
    escalations = session.scalar(
        select(func.count()).select_from(LeadEvent).join(Lead, Lead.id == LeadEvent.lead_id)
        .where(*base, LeadEvent.action.in_(ESCALATIONS), LeadEvent.at >= sh.start,
               LeadEvent.at < end)) or 0
    return ShiftFigures(sh, int(reported), int(dispatched), int(accepted), int(ok), dispatch_s,
                        accept_s, scene_s, int(escalations))
