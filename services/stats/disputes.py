"""Disputes (矛盾纠纷): resolution rate against the year before, open ones by age, repeats."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, case, func, literal, literal_column, or_, select, true
from sqlalchemy.orm import Session, aliased

from db.models import Dispute
from services import clock
from services.actor import Actor, Perm, require
from services.sqlutil import seconds_between
from services.stats.common import bounds, frame, in_scope
from services.stats.periods import Period, share

CAME_BACK_DAYS = 90
AGE_BUCKETS = ((7, "0_7"), (30, "8_30"), (90, "31_90"))  # upper bound in days, label
AGE_OLDEST = "over_90"


@dataclass(frozen=True)
class Resolution:
    reported: int
    resolved: int

    @property
    def rate(self) -> float | None:
        return share(self.resolved, self.reported)

    @property
    def exact(self) -> float | None:
        return None if self.rate is None else self.resolved / self.reported * 100


@dataclass(frozen=True)
class ResolutionChange:
    period: Period
    this: Resolution
    before: Resolution

    @property
    def points(self) -> float | None:
        """The change in percentage points, one decimal; None when either base is small."""
        if self.this.exact is None or self.before.exact is None:
            return None
        return round(self.this.exact - self.before.exact, 1)


def _resolution(session: Session, actor: Actor, period: Period,
                communities: Collection[int] | None) -> Resolution:
    start, end = bounds(period)
    reported, resolved = session.execute(
        select(func.count(), func.coalesce(func.sum(case((Dispute.resolved, 1), else_=0)), 0))
        .where(Dispute.reported_at >= start, Dispute.reported_at < end,
               in_scope(actor, Dispute.community_id, communities))
    ).one()
    return Resolution(int(reported), int(resolved))


def resolution_change(session: Session, *, actor: Actor, period: Period,
                      communities: Collection[int] | None = None) -> ResolutionChange:
    """Disputes reported in the period that are resolved, against the same days a year before."""
    require(actor, Perm.VIEW_STATS)
    return ResolutionChange(period, _resolution(session, actor, period, communities),
                            _resolution(session, actor, period.year_before(), communities))


def resolution_by_kind(session: Session, *, actor: Actor, period: Period,
                       communities: Collection[int] | None = None) -> pd.DataFrame:
    require(actor, Perm.VIEW_STATS)
    start, end = bounds(period)
    rows = session.execute(
        select(Dispute.kind, func.count(), func.sum(case((Dispute.resolved, 1), else_=0)))
        .where(Dispute.reported_at >= start, Dispute.reported_at < end,
               in_scope(actor, Dispute.community_id, communities))
        .group_by(Dispute.kind).order_by(func.count().desc())
    ).all()
    out = frame(rows, ["kind", "reported", "resolved"])
    out["resolved"] = out["resolved"].fillna(0).astype(int)
    out["rate"] = [share(a, b) for a, b in zip(out["resolved"], out["reported"], strict=True)]
    return out


def open_by_age(session: Session, *, actor: Actor, now: datetime | None = None,
                communities: Collection[int] | None = None) -> pd.DataFrame:
    """Unresolved disputes counted by days since they were reported (every bucket listed)."""
    require(actor, Perm.VIEW_STATS)
    now = now or clock.now()
    bucket = case(*[(Dispute.reported_at > now - timedelta(days=d), label)
                    for d, label in AGE_BUCKETS], else_=literal(AGE_OLDEST))
    rows = session.execute(
        select(bucket, func.count())
        .where(Dispute.resolved.is_(False), Dispute.reported_at <= now,
               in_scope(actor, Dispute.community_id, communities))
        .group_by(bucket)
    ).all()
    found = {b: int(n) for b, n in rows}
    labels = [label for _, label in AGE_BUCKETS] + [AGE_OLDEST]
    return pd.DataFrame({"age": labels, "open": [found.get(b, 0) for b in labels]})


def _party_names(session: Session) -> tuple[object, ColumnElement[str]]:
    """A lateral table of each dispute's party names (strings or objects with a name)."""
    if session.get_bind().dialect.name == "sqlite":
        je = func.json_each(Dispute.parties).table_valued("value", "type").alias("je")
        name = case((je.c.type == "object", func.json_extract(je.c.value, "$.name")),
                    else_=je.c.value)
    else:
        je = func.json_array_elements(Dispute.parties).table_valued("value").lateral("je")
        name = case((func.json_typeof(je.c.value) == "object", je.c.value.op("->>")("name")),
                    else_=je.c.value.op("#>>")(literal_column("'{}'")))
    return je, func.trim(name)


@dataclass(frozen=True)
class CameBack:
    reported: int
    came_back: int
    pairs: pd.DataFrame  # dispute_id, earlier_id, reason (address | parties | linked)

    @property
    def rate(self) -> float | None:
        return share(self.came_back, self.reported)


def came_back(session: Session, *, actor: Actor, period: Period,
              communities: Collection[int] | None = None, limit: int = 500) -> CameBack:
    """Disputes reported in the period with an earlier one in the same community within 90 days
    at the same address or with a shared party, or explicitly linked as recurring."""
    require(actor, Perm.VIEW_STATS)
    start, end = bounds(period)
    a, b = aliased(Dispute, name="a"), aliased(Dispute, name="b")
    gap = seconds_between(session, b.reported_at, a.reported_at)
    pair_filter = [a.reported_at >= start, a.reported_at < end,
                   in_scope(actor, a.community_id, communities), b.community_id == a.community_id,
                   b.id != a.id, gap >= 0, gap <= CAME_BACK_DAYS * 86400,
                   or_(b.reported_at < a.reported_at, b.id < a.id)]
    same_address = select(a.id.label("dispute_id"), b.id.label("earlier_id"),
                          literal("address").label("reason")).where(
        *pair_filter, func.trim(a.address) != "", func.trim(a.address) == func.trim(b.address))
    je, name = _party_names(session)
    pa = select(Dispute.id.label("did"), name.label("name")).select_from(Dispute).join(
        je, true()).subquery("pa")
    pb = aliased(pa, name="pb")
    shared = (select(a.id, b.id, literal("parties")).select_from(a)
              .join(pa, pa.c.did == a.id).join(b, true()).join(pb, pb.c.did == b.id)
              .where(*pair_filter, pa.c.name != "", pa.c.name == pb.c.name))
    linked = select(a.id, a.recurring_of_id, literal("linked")).where(
        a.reported_at >= start, a.reported_at < end, a.recurring_of_id.is_not(None),
        in_scope(actor, a.community_id, communities))
    matches = same_address.union(shared, linked).subquery("m")
    n = session.scalar(select(func.count(func.distinct(matches.c.dispute_id)))) or 0
    pairs = session.execute(select(matches).order_by(matches.c.dispute_id).limit(limit)).all()
    reported = _resolution(session, actor, period, communities).reported
    return CameBack(reported, int(n), frame(pairs, ["dispute_id", "earlier_id", "reason"]))
