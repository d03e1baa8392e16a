"""Disputes (矛盾纠纷): resolution rate against the year before, open ones by age, repeats."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from db.models import Dispute
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.sqlutil import seconds_between
from services.stats.common import bounds, frame, prepared, scope_ids, scope_param
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


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _between(lo: str, hi: str) -> ColumnElement[bool]:
    return and_(Dispute.reported_at >= bindparam(lo), Dispute.reported_at < bindparam(hi))


def _params(ids: list[int] | None, **values: Any) -> dict[str, Any]:
    return values if ids is None else {**values, "cids": ids}


def _resolution_stmt(scoped: bool) -> Any:
    """COUNT and SUM(resolved) for both periods in one pass over their disputes."""
    cols = []
    for lo, hi in (("a0", "a1"), ("b0", "b1")):
        inside = _between(lo, hi)
        cols += [func.coalesce(func.sum(case((inside, 1), else_=0)), 0),
                 func.coalesce(func.sum(case((and_(inside, Dispute.resolved), 1), else_=0)), 0)]
    return select(*cols).where(or_(_between("a0", "a1"), _between("b0", "b1")),
                               scope_param(Dispute.community_id, [] if scoped else None))


def resolution_change(session: Session, *, actor: Actor, period: Period,
                      communities: Collection[int] | None = None) -> ResolutionChange:
    """Disputes reported in the period that are resolved, against the same days a year before."""
    require(actor, Perm.VIEW_STATS)
    ids = scope_ids(actor, communities)
    (a0, a1), (b0, b1) = bounds(period), bounds(period.year_before())
    stmt = prepared(("resolution", ids is not None), lambda: _resolution_stmt(ids is not None))
    n, r, nb, rb = session.execute(stmt, _params(ids, a0=a0, a1=a1, b0=b0, b1=b1)).one()
    return ResolutionChange(period, Resolution(int(n), int(r)), Resolution(int(nb), int(rb)))


def resolution_by_kind(session: Session, *, actor: Actor, period: Period,
                       communities: Collection[int] | None = None) -> pd.DataFrame:
    require(actor, Perm.VIEW_STATS)
    ids = scope_ids(actor, communities)
    stmt = prepared(("by_kind", ids is not None), lambda: (
        select(Dispute.kind, func.count(), func.sum(case((Dispute.resolved, 1), else_=0)))
        .where(_between("a0", "a1"), scope_param(Dispute.community_id, ids))
        .group_by(Dispute.kind).order_by(func.count().desc(), Dispute.kind)))
    a0, a1 = bounds(period)
    out = frame(session.execute(stmt, _params(ids, a0=a0, a1=a1)).all(),
                ["kind", "reported", "resolved"])
    out["resolved"] = out["resolved"].fillna(0).astype(int)
    out["rate"] = [share(a, b) for a, b in zip(out["resolved"], out["reported"], strict=True)]
    return out


def open_by_age(session: Session, *, actor: Actor, now: datetime | None = None,
                communities: Collection[int] | None = None) -> pd.DataFrame:
    """Unresolved disputes counted by days since they were reported (every bucket listed)."""
    require(actor, Perm.VIEW_STATS)
    now = now or clock.now()
    ids = scope_ids(actor, communities)

    def build() -> Any:
        bucket = case(*[(Dispute.reported_at > bindparam(f"d{d}"), label)
                        for d, label in AGE_BUCKETS], else_=literal(AGE_OLDEST))
        return (select(bucket, func.count())
                .where(Dispute.resolved.is_(False), Dispute.reported_at <= bindparam("now"),
                       scope_param(Dispute.community_id, ids)).group_by(bucket))

    limits = {f"d{d}": now - timedelta(days=d) for d, _ in AGE_BUCKETS}
    rows = session.execute(prepared(("age", ids is not None), build),
                           _params(ids, now=now, **limits)).all()
    found = {b: int(n) for b, n in rows}
    labels = [label for _, label in AGE_BUCKETS] + [AGE_OLDEST]
    return pd.DataFrame({"age": labels, "open": [found.get(b, 0) for b in labels]})


def _parties(session: Session) -> tuple[Any, ColumnElement[str], ColumnElement[str]]:
    """A lateral table of each dispute's parties (names, or objects with a name and phone)."""
    je: Any
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
    ids = scope_ids(actor, communities)
    count, listing = prepared(("came_back", _dialect(session), ids is not None),
                              lambda: _came_back_stmts(session, ids))
    start, end = bounds(period)
    params = _params(ids, a0=start, a1=end, w0=start - timedelta(days=CAME_BACK_DAYS),
                     gap=CAME_BACK_DAYS * 86400, limit=limit)
    n, base = session.execute(count, params).one()
    rows = session.execute(listing, params).all()
    return CameBack(int(base), int(n), frame(rows, ["dispute_id", "earlier_id", "reason"]))


def _came_back_stmts(session: Session, ids: list[int] | None) -> tuple[Any, Any]:
    scope = scope_param(Dispute.community_id, ids)
    window = [Dispute.reported_at >= bindparam("w0"), Dispute.reported_at < bindparam("a1"),
              scope]
    je, name, phone = _parties(session)
    people = (select(Dispute.id.label("did"), Dispute.community_id.label("cid"),
                     Dispute.reported_at.label("at"), name.label("name"), phone.label("phone"))
              .select_from(Dispute).join(je, true()).where(*window).cte("people"))
    places = (select(Dispute.id.label("did"), Dispute.community_id.label("cid"),
                     Dispute.reported_at.label("at"), func.trim(Dispute.address).label("name"),
                     literal("").label("phone")).where(*window).cte("places"))
    linked = select(Dispute.id, Dispute.recurring_of_id, literal("linked")).where(
        _between("a0", "a1"), Dispute.recurring_of_id.is_not(None), scope)
    matches = _pairs(session, places, "address").union(
        _pairs(session, people, "parties"), linked).subquery("m")
    reported = select(func.count()).where(_between("a0", "a1"), scope).scalar_subquery()
    count = select(func.count(func.distinct(matches.c[0])), reported)
    listing = select(matches).order_by(matches.c[0], matches.c[1]).limit(bindparam("limit"))
    return count, listing


def _pairs(session: Session, t: Any, reason: str) -> Any:
    """(later, earlier) pairs of one table of keys: same community and key, ≤ 90 days apart."""
    a, b = t.alias(f"{reason}_a"), t.alias(f"{reason}_b")
    gap = seconds_between(session, b.c.at, a.c.at)
    return (select(a.c.did, b.c.did, literal(reason))
            .join(b, (b.c.cid == a.c.cid) & (b.c.name == a.c.name) & (b.c.did != a.c.did))
            .where(a.c.at >= bindparam("a0"), a.c.at < bindparam("a1"), a.c.name != "",
                   or_(a.c.phone == "", b.c.phone == "", a.c.phone == b.c.phone),
                   or_(b.c.at < a.c.at, and_(b.c.at == a.c.at, b.c.did < a.c.did)),
                   gap <= bindparam("gap")))
