"""Officers' time in the community (驻社区时间): hours a week against the 40-hour target."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Float, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from db.models import Community, Officer, Presence
from services import clock
from services.actor import Actor, Perm, require
from services.errors import Invalid
from services.sqlutil import seconds_between
from services.stats.common import frame, in_scope

TARGET_HOURS = 40.0


@dataclass(frozen=True)
class Range:
    """[first, end) in days: presence starting from the first day up to, not including, end."""

    first: date
    end: date

    @property
    def weeks(self) -> float:
        return (self.end - self.first).days / 7


@dataclass(frozen=True)
class HoursChange:
    before: Range
    after: Range
    hours_before: float
    hours_after: float
    officers_before: int
    officers_after: int

    @property
    def per_week_before(self) -> float | None:
        return _per_week(self.hours_before, self.before, self.officers_before)

    @property
    def per_week_after(self) -> float | None:
        return _per_week(self.hours_after, self.after, self.officers_after)


def _per_week(hours: float, rng: Range, officers: int) -> float | None:
    if rng.weeks <= 0 or officers == 0:
        return None
    return round(hours / rng.weeks / officers, 1)


def ranges(today: date, split: date | None = None) -> tuple[Range, Range]:
    """Before = [1 January of the split's year, split), after = [split, today); split 1 July."""
    split = split or date(today.year, 7, 1)
    if split >= today:
        raise Invalid({"split": "stats.error.split_future"})
    january = date(split.year, 1, 1)
    first = january if split != january else date(split.year - 1, 1, 1)
    return Range(first, split), Range(split, today)


def _hours(session: Session):  # type: ignore[no-untyped-def]
    """Hours of one presence row: the manual entry's hours, else check-out − check-in."""
    span = seconds_between(session, Presence.started_at, Presence.ended_at) / 3600.0
    return func.coalesce(Presence.hours, case((Presence.ended_at.is_not(None), span), else_=0.0))


def _officer_scope(actor: Actor, communities: Collection[int] | None):  # type: ignore[no-untyped-def]
    """Officers who look after a community in scope."""
    return Officer.id.in_(select(Community.officer_id).where(
        Community.officer_id.is_not(None), in_scope(actor, Community.id, communities)))


def per_officer(session: Session, *, actor: Actor, today: date | None = None,
                split: date | None = None,
                communities: Collection[int] | None = None) -> pd.DataFrame:
    """Each active officer in scope: hours a week before and after the split, below target."""
    require(actor, Perm.VIEW_STATS)
    before, after = ranges(today or clock.local_today(), split)
    b0, b1 = clock.day_start(before.first), clock.day_start(before.end)
    a0, a1 = clock.day_start(after.first), clock.day_start(after.end)
    hours = _hours(session)
    started = Presence.started_at
    in_before = and_(started >= b0, started < b1)
    in_after = and_(started >= a0, started < a1)
    sums = (select(Presence.officer_id.label("oid"),
                   func.sum(case((in_before, hours), else_=0.0)).label("hb"),
                   func.sum(case((in_after, hours), else_=0.0)).label("ha"))
            .where(or_(in_before, in_after), in_scope(actor, Presence.community_id, communities))
            .group_by(Presence.officer_id).subquery())
    rows = session.execute(
        select(Officer.id, Officer.name, Officer.badge_no,
               func.coalesce(sums.c.hb, 0.0), func.coalesce(sums.c.ha, 0.0))
        .outerjoin(sums, sums.c.oid == Officer.id)
        .where(Officer.active.is_(True), or_(_officer_scope(actor, communities),
                                             sums.c.oid.is_not(None)))
        .order_by(Officer.badge_no)
    ).all()
    out = frame(rows, ["officer_id", "name", "badge_no", "hours_before", "hours_after"])
    out["per_week_before"] = (out["hours_before"].astype(float) / before.weeks).round(1)
    out["per_week_after"] = (out["hours_after"].astype(float) / after.weeks).round(1)
    out["below_target"] = out["per_week_after"] < TARGET_HOURS
    return out


def hours_change(session: Session, *, actor: Actor, today: date | None = None,
                 split: date | None = None,
                 communities: Collection[int] | None = None) -> HoursChange:
    """Hours a week per active officer before and after the split (6 h → 40 h on the demo)."""
    require(actor, Perm.VIEW_STATS)
    before, after = ranges(today or clock.local_today(), split)
    result = []
    for rng in (before, after):
        start, end = clock.day_start(rng.first), clock.day_start(rng.end)
        total = session.scalar(select(cast(func.coalesce(func.sum(_hours(session)), 0.0), Float))
                               .where(Presence.started_at >= start, Presence.started_at < end,
                                      in_scope(actor, Presence.community_id, communities)))
        officers = session.scalar(select(func.count()).select_from(Officer).where(
            Officer.active.is_(True),
            or_(_officer_scope(actor, communities), Officer.id.in_(
                select(Presence.officer_id).where(
                    Presence.started_at >= start, Presence.started_at < end,
                    in_scope(actor, Presence.community_id, communities))))))
        result.append((float(total or 0.0), int(officers or 0)))
    (hb, ob), (ha, oa) = result
    return HoursChange(before, after, hb, ha, ob, oa)
