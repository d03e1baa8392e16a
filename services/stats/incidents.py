"""Incident (警情) counts: a period against the year before, by category and community; trends."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Date, bindparam, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from db.models import IncidentCount
from services.core.actor import Actor, Perm, require
from services.stats.common import Change, communities_frame, frame, prepared, scope_ids, scope_param
from services.stats.periods import Period, pct_change

CATEGORIES = ("criminal", "public_order", "other")
RANK_MIN_COUNT = 10  # communities with fewer incidents are not ranked by rate


@dataclass(frozen=True)
class IncidentComparison:
    period: Period
    before: Period
    by_category: dict[str, Change]
    total: Change


def _days(lo: str, hi: str) -> ColumnElement[bool]:
    return IncidentCount.day.between(bindparam(lo), bindparam(hi))


def _params(period: Period, ids: list[int] | None) -> dict[str, Any]:
    before = period.year_before()
    values = {"a0": period.first, "a1": period.last, "b0": before.first, "b1": before.last}
    return values if ids is None else {**values, "cids": ids}


def _two_periods(*keys: Any) -> Any:
    """SUM(count) in the period and in the year before, grouped by `keys`, reading only the
    two periods' days."""
    count = IncidentCount.count
    return (select(*keys, func.sum(case((_days("a0", "a1"), count), else_=0)),
                   func.sum(case((_days("b0", "b1"), count), else_=0)))
            .where(or_(_days("a0", "a1"), _days("b0", "b1"))).group_by(*keys))


def compare_incidents(session: Session, *, actor: Actor, period: Period,
                      communities: Collection[int] | None = None) -> IncidentComparison:
    """Counts per category for the period and the same days a year before."""
    require(actor, Perm.VIEW_STATS)
    ids = scope_ids(actor, communities)
    stmt = prepared(("compare", ids is not None), lambda: _two_periods(
        IncidentCount.category).where(scope_param(IncidentCount.community_id, ids)))
    rows = session.execute(stmt, _params(period, ids)).all()
    found = {cat: Change(int(a or 0), int(b or 0)) for cat, a, b in rows}
    by_category = {cat: found.get(cat, Change(0, 0)) for cat in CATEGORIES}
    by_category.update({k: v for k, v in found.items() if k not in by_category})
    total = Change(sum(c.this for c in by_category.values()),
                   sum(c.before for c in by_category.values()))
    return IncidentComparison(period, period.year_before(), by_category, total)


def incidents_by_community(session: Session, *, actor: Actor, period: Period,
                           communities: Collection[int] | None = None) -> pd.DataFrame:
    """One row per community in scope and category, zeros included, with the change."""
    require(actor, Perm.VIEW_STATS)
    ids = scope_ids(actor, communities)
    stmt = prepared(("by_community", ids is not None), lambda: _two_periods(
        IncidentCount.community_id, IncidentCount.category).where(
        scope_param(IncidentCount.community_id, ids)))
    sums = frame(session.execute(stmt, _params(period, ids)).all(),
                 ["community_id", "category", "this", "before"])
    places = communities_frame(session, actor=actor, communities=communities)
    grid = places.merge(pd.DataFrame({"category": list(CATEGORIES)}), how="cross")
    out = grid.merge(sums, on=["community_id", "category"], how="left")
    out[["this", "before"]] = out[["this", "before"]].fillna(0).astype(int)
    out["diff"] = out["this"] - out["before"]
    out["pct"] = [pct_change(a, b) for a, b in zip(out["this"], out["before"], strict=True)]
    out["small_base"] = out["pct"].isna()
    return out[["community_id", "name", "name_en", "station", "station_en", "population",
                "category", "this", "before", "diff", "pct", "small_base"]]


def community_ranking(session: Session, *, actor: Actor, period: Period,
                      category: str | None = None, min_count: int = RANK_MIN_COUNT,
                      communities: Collection[int] | None = None) -> pd.DataFrame:
    """Communities by incidents per 1,000 residents; those under `min_count` are not ranked."""
    require(actor, Perm.VIEW_STATS)
    ids = scope_ids(actor, communities)

    def build() -> Any:
        where = [_days("a0", "a1"), scope_param(IncidentCount.community_id, ids)]
        if category:
            where.append(IncidentCount.category == bindparam("category"))
        return (select(IncidentCount.community_id, func.sum(IncidentCount.count))
                .where(*where).group_by(IncidentCount.community_id))

    stmt = prepared(("ranking", ids is not None, bool(category)), build)
    params = _params(period, ids) | ({"category": category} if category else {})
    sums = frame(session.execute(stmt, params).all(), ["community_id", "count"])
    out = communities_frame(session, actor=actor, communities=communities).merge(
        sums, on="community_id", how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    pop = out["population"].where(out["population"] > 0)
    out["rate_per_1000"] = (out["count"] / pop * 1000).round(2)
    out["ranked"] = (out["count"] >= min_count) & pop.notna()
    out = out.sort_values(["ranked", "rate_per_1000", "count"], ascending=[False, False, False])
    out["rank"] = pd.Series(range(1, len(out) + 1), index=out.index).where(out["ranked"])
    return out[["rank", "community_id", "name", "name_en", "station", "station_en",
                "population", "count", "rate_per_1000", "ranked"]].reset_index(drop=True)


def _months(through: date) -> list[tuple[int, int, date, date]]:
    """(year, month, first day, last day) from January of the year before to `through`."""
    out: list[tuple[int, int, date, date]] = []
    for year in (through.year - 1, through.year):
        for month in range(1, 13):
            first = date(year, month, 1)
            if first > through:
                return out
            nxt = date(year + month // 12, month % 12 + 1, 1)
            out.append((year, month, first, min(nxt - timedelta(days=1), through)))
    return out


def monthly_trend(session: Session, *, actor: Actor, through: date,
                  communities: Collection[int] | None = None) -> pd.DataFrame:
    """Monthly counts per category for the year of `through` and the year before.

    Every month up to `through` appears, empty months with zero. The months are joined as
    day ranges, so the database reads the day index range by range instead of computing a
    month for every row.
    """
    require(actor, Perm.VIEW_STATS)
    months = _months(through)
    ids = scope_ids(actor, communities)

    def build() -> Any:
        ranges = union_all(*[
            select(literal(i).label("k"), bindparam(f"f{i}", type_=Date).label("f"),
                   bindparam(f"l{i}", type_=Date).label("l")) for i in range(len(months))
        ]).cte("months")
        return (select(ranges.c.k, IncidentCount.category, func.sum(IncidentCount.count))
                .join(IncidentCount, IncidentCount.day.between(ranges.c.f, ranges.c.l))
                .where(scope_param(IncidentCount.community_id, ids))
                .group_by(ranges.c.k, IncidentCount.category))

    params: dict[str, Any] = {} if ids is None else {"cids": ids}
    for i, (_, _, first, last) in enumerate(months):
        params |= {f"f{i}": first, f"l{i}": last}
    rows = session.execute(prepared(("trend", len(months), ids is not None), build),
                           params).all()
    found = {(months[int(k)][:2], c): int(n or 0) for k, c, n in rows}
    cats = list(CATEGORIES) + sorted({c for _, c in found} - set(CATEGORIES))
    data = [(y, m, c, found.get(((y, m), c), 0)) for y, m, _, _ in months for c in cats]
    return pd.DataFrame(data, columns=["year", "month", "category", "count"])


def month_over(day: date) -> bool:
    """True when `day` is the last day of its month: figures through it cover the month."""
    return (day + timedelta(days=1)).month != day.month


def trend_totals(trend: pd.DataFrame, through: date) -> pd.DataFrame:
    """monthly_trend's counts summed per year and month (year, month, count, partial).

    `partial` marks the month of `through` when it is not over: its days so far are not a
    month to set beside whole ones, and every chart draws it apart and says so.
    """
    totals = trend.groupby(["year", "month"], as_index=False)["count"].sum()
    totals["partial"] = ((totals["year"] == through.year) & (totals["month"] == through.month)
                         & (not month_over(through)))
    return totals
