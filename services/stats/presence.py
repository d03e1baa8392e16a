"""Officers' time in the community (驻社区时间): hours a week against the 40-hour target."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Float, and_, bindparam, case, cast, func, or_, select
from sqlalchemy.orm import Session

from db.models import Community, Officer, Presence
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.core.sqlutil import seconds_between
from services.stats.common import frame, prepared, scope_ids, scope_param

TARGET_HOURS = 40.0


@dataclass(frozen=True)
class Range:
    """[first, end) in days, both Mondays: whole weeks (services.core.clock.whole_weeks)."""

    first: date
    end: date

    @property
    def weeks(self) -> int:
        return (self.end - self.first).days // 7


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
    """The whole weeks (Monday to Sunday) of [1 January of the split's year, split) and of
    [split, today): the week holding the split, if it is cut, and the current week, not over
    yet, count in neither (the presence page shows the current week apart, "so far")."""
    split = split or date(today.year, 7, 1)
    if split >= today:
        raise Invalid({"split": "stats.error.split_future"})
    january = date(split.year, 1, 1)
    first = january if split != january else date(split.year - 1, 1, 1)
    return Range(*clock.whole_weeks(first, split)), Range(*clock.whole_weeks(split, today))


def _hours(session: Session):  # type: ignore[no-untyped-def]
    """Hours of one presence row: the manual entry's hours, else check-out − check-in."""
    span = seconds_between(session, Presence.started_at, Presence.ended_at) / 3600.0
    return func.coalesce(Presence.hours, case((Presence.ended_at.is_not(None), span), else_=0.0))


def _officer_scope(ids: list[int] | None) -> ColumnElement[bool]:
    """Officers who look after a community in scope."""
    return Officer.id.in_(select(Community.officer_id).where(
        Community.officer_id.is_not(None), scope_param(Community.id, ids)))


def _started(lo: str, hi: str) -> ColumnElement[bool]:
    return and_(Presence.started_at >= bindparam(lo), Presence.started_at < bindparam(hi))


def _params(before: Range, after: Range, ids: list[int] | None) -> dict[str, Any]:
    values = {"b0": clock.day_start(before.first), "b1": clock.day_start(before.end),
              "a0": clock.day_start(after.first), "a1": clock.day_start(after.end)}
    return values if ids is None else {**values, "cids": ids}


def _per_officer_stmt(session: Session, ids: list[int] | None) -> Any:
    hours = _hours(session)
    in_before, in_after = _started("b0", "b1"), _started("a0", "a1")
    sums = (select(Presence.officer_id.label("oid"),
                   func.sum(case((in_before, hours), else_=0.0)).label("hb"),
                   func.sum(case((in_after, hours), else_=0.0)).label("ha"))
            .where(or_(in_before, in_after), scope_param(Presence.community_id, ids))
            .group_by(Presence.officer_id).subquery())
    return (select(Officer.id, Officer.name, Officer.badge_no,
                   func.coalesce(sums.c.hb, 0.0), func.coalesce(sums.c.ha, 0.0))
            .outerjoin(sums, sums.c.oid == Officer.id)
            .where(Officer.active.is_(True), or_(_officer_scope(ids), sums.c.oid.is_not(None)))
            .order_by(Officer.badge_no))


def per_officer(session: Session, *, actor: Actor, today: date | None = None,
                split: date | None = None,
                communities: Collection[int] | None = None) -> pd.DataFrame:
    """Each active officer in scope: hours a week before and after the split, below target."""
    require(actor, Perm.VIEW_STATS)
    before, after = ranges(today or clock.local_today(), split)
    ids = scope_ids(actor, communities)
    stmt = prepared(("per_officer", session.get_bind().dialect.name, ids is not None),
                    lambda: _per_officer_stmt(session, ids))
    rows = session.execute(stmt, _params(before, after, ids)).all()
    out = frame(rows, ["officer_id", "name", "badge_no", "hours_before", "hours_after"])
    for col in ("hours_before", "hours_after"):
        out[col] = out[col].astype(float)
    for col, rng in (("before", before), ("after", after)):
        out[f"per_week_{col}"] = (out[f"hours_{col}"] / rng.weeks).round(1) \
            if rng.weeks else float("nan")  # no whole week yet: no figure
    out["below_target"] = out["per_week_after"] < TARGET_HOURS
    out[["hours_before", "hours_after"]] = out[["hours_before", "hours_after"]].round(1)
    return out


def _change_stmt(session: Session, ids: list[int] | None) -> Any:
    scope = scope_param(Presence.community_id, ids)
    parts = []
    for lo, hi in (("b0", "b1"), ("a0", "a1")):
        inside = and_(_started(lo, hi), scope)
        hours = select(cast(func.coalesce(func.sum(_hours(session)), 0.0), Float)).where(inside)
        officers = select(func.count()).select_from(Officer).where(or_(
            and_(Officer.active.is_(True), _officer_scope(ids)),
            Officer.id.in_(select(Presence.officer_id).where(inside))))
        parts += [hours.scalar_subquery(), officers.scalar_subquery()]
    return select(*parts)


def hours_change(session: Session, *, actor: Actor, today: date | None = None,
                 split: date | None = None,
                 communities: Collection[int] | None = None) -> HoursChange:
    """Hours a week per officer before and after the split (6 h → 40 h on the demo), over
    whole weeks (see `ranges`).

    The officers of a range (docs/FIGURES.md): those who logged time in scope in it (an
    officer since made inactive included: their hours count, so they do too), and the active
    officers who look after a community in scope (they count with no time logged).
    """
    require(actor, Perm.VIEW_STATS)
    before, after = ranges(today or clock.local_today(), split)
    ids = scope_ids(actor, communities)
    stmt = prepared(("hours_change", session.get_bind().dialect.name, ids is not None),
                    lambda: _change_stmt(session, ids))
    hb, ob, ha, oa = session.execute(stmt, _params(before, after, ids)).one()
    return HoursChange(before, after, float(hb or 0.0), float(ha or 0.0), int(ob or 0),
                       int(oa or 0))
