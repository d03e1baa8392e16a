"""Disputes (矛盾纠纷): resolution rate against the year before, open ones by age, repeats."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, func, literal, literal_column, or_, select, true
from sqlalchemy.orm import Session

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


def _parties(session: Session) -> tuple[Any, ColumnElement[str], ColumnElement[str]]:
    """A lateral table of each dispute's parties (names, or objects with a name and phone)."""
    if session.get_bind().dialect.name == "sqlite":
        je = func.json_each(Dispute.parties).table_valued("value", "type").alias("je")
        is_obj = je.c.type == "object"
        name = case((is_obj, func.json_extract(je.c.value, "$.name")), else_=je.c.value)
        phone = case((is_obj, func.json_extract(je.c.value, "$.phone")), else_="")
    else:
        je = func.json_array_elements(Dispute.parties).table_valued("value").lateral("je")
        is_obj = func.json_typeof(je.c.value) == "object"
        name = case((is_obj, je.c.value.op("->>")("name")),
                    else_=je.c.value.op("#>>")(literal_column("'{}'")))
        phone = case((is_obj, je.c.value.op("->>")("phone")), else_="")
    return je, func.trim(func.coalesce(name, "")), func.trim(func.coalesce(phone, ""))


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
    """Disputes reported in the period that follow an earlier one in the same community within
    90 days at the same address or with a shared party (same name, and same phone where both
    have one), or that were explicitly linked as recurring."""
    require(actor, Perm.VIEW_STATS)
    start, end = bounds(period)
    scope = in_scope(actor, Dispute.community_id, communities)
    window = [Dispute.reported_at >= start - timedelta(days=CAME_BACK_DAYS),
              Dispute.reported_at < end, scope]
    je, name, phone = _parties(session)
    people = (select(Dispute.id.label("did"), Dispute.community_id.label("cid"),
                     Dispute.reported_at.label("at"), name.label("name"), phone.label("phone"))
              .select_from(Dispute).join(je, true()).where(*window).cte("people"))
    places = (select(Dispute.id.label("did"), Dispute.community_id.label("cid"),
                     Dispute.reported_at.label("at"), func.trim(Dispute.address).label("name"),
                     literal("").label("phone")).where(*window).cte("places"))
    pairs = [_pairs(session, t, start, end, reason)
             for t, reason in ((places, "address"), (people, "parties"))]
    linked = select(Dispute.id, Dispute.recurring_of_id, literal("linked")).where(
        Dispute.reported_at >= start, Dispute.reported_at < end,
        Dispute.recurring_of_id.is_not(None), scope)
    matches = pairs[0].union(pairs[1], linked).subquery("m")
    n = session.scalar(select(func.count(func.distinct(matches.c[0])))) or 0
    rows = session.execute(select(matches).order_by(matches.c[0], matches.c[1]).limit(limit))
    reported = _resolution(session, actor, period, communities).reported
    return CameBack(reported, int(n), frame(rows.all(), ["dispute_id", "earlier_id", "reason"]))


def _pairs(session: Session, t: Any, start: datetime, end: datetime, reason: str) -> Any:
    """(later, earlier) pairs of one table of keys: same community and key, ≤ 90 days apart."""
    a, b = t.alias(f"{reason}_a"), t.alias(f"{reason}_b")
    gap = seconds_between(session, b.c.at, a.c.at)
    return (select(a.c.did, b.c.did, literal(reason))
            .join(b, (b.c.cid == a.c.cid) & (b.c.name == a.c.name) & (b.c.did != a.c.did))
            .where(a.c.at >= start, a.c.at < end, a.c.name != "",
                   or_(a.c.phone == "", b.c.phone == "", a.c.phone == b.c.phone),
                   or_(b.c.at < a.c.at, and_(b.c.at == a.c.at, b.c.did < a.c.did)),
                   gap <= CAME_BACK_DAYS * 86400))
