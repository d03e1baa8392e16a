"""Shared pieces of the statistics: the scope filter, community lists, a period's UTC bounds."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from db.models import Community, Station
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.scope import check_community, community_filter
from services.stats.periods import Period, pct_change


@dataclass(frozen=True)
class Change:
    """A count this period against the same period a year before."""

    this: int
    before: int

    @property
    def diff(self) -> int:
        return self.this - self.before

    @property
    def pct(self) -> float | None:
        return pct_change(self.this, self.before)

    @property
    def small_base(self) -> bool:
        return self.pct is None


def in_scope(actor: Actor, column: Any,
             communities: Collection[int] | None = None) -> ColumnElement[bool]:
    """The actor's scope, narrowed to the chosen communities (each must lie in the scope)."""
    base = community_filter(actor, column)
    if communities is None:
        return base
    for community_id in communities:
        check_community(actor, community_id)
    return and_(base, column.in_(sorted(communities)))


def bounds(period: Period) -> tuple[datetime, datetime]:
    """[start of the first day, start of the day after the last) in UTC."""
    return clock.day_range(period.first, period.last)


def communities_frame(session: Session, *, actor: Actor,
                      communities: Collection[int] | None = None) -> pd.DataFrame:
    """The communities in scope: id, names, kind, station and population."""
    require(actor, Perm.VIEW_STATS)
    ids = scope_ids(actor, communities)
    stmt = prepared(("communities", ids is not None), lambda: (
        select(Community.id, Community.name, Community.name_en, Community.kind,
               Community.station_id, Station.name.label("station"),
               Station.name_en.label("station_en"), Community.population)
        .join(Station, Station.id == Community.station_id)
        .where(scope_param(Community.id, ids))
        .order_by(Community.station_id, Community.name)))
    rows = session.execute(stmt, {} if ids is None else {"cids": ids}).all()
    return pd.DataFrame(rows, columns=["community_id", "name", "name_en", "kind", "station_id",
                                       "station", "station_en", "population"])


def frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def quantiles(session: Session, query: Any, counts: Sequence[int],
              qs: Sequence[float]) -> list[list[float | None]]:
    """Nearest-rank quantiles of every column of `query`, reading its rows once.

    The same ranks as services.core.sqlutil.percentile (round(q × (n − 1)) in sorted order), but
    one statement for all columns and quantiles instead of a count and a sort for each:
    the rows go into a CTE (materialised, as it is read once per column) and each column
    is ranked with row_number(). `counts[i]` is the number of non-null values of column i,
    which the caller has already counted.
    """
    data = query.cte("qdata")
    ranks = [[min(n - 1, max(0, int(round(q * (n - 1))))) + 1 for q in qs] for n in counts]
    parts = []
    for i, col in enumerate(data.c):
        if counts[i] <= 0:
            continue
        ordered = select(col.label("v"), func.row_number().over(order_by=col).label("rn")) \
            .where(col.is_not(None)).subquery(f"q{i}")
        parts.append(select(literal(i).label("k"), ordered.c.rn, ordered.c.v)
                     .where(ordered.c.rn.in_(sorted(set(ranks[i])))))
    found: dict[tuple[int, int], Any] = {}
    if parts:
        found = {(int(k), int(rn)): v for k, rn, v in session.execute(union_all(*parts))}
    return [[float(found[(i, r)]) if found.get((i, r)) is not None else None for r in ranks[i]]
            for i in range(len(counts))]


def scope_ids(actor: Actor, communities: Collection[int] | None = None) -> list[int] | None:
    """The community ids a figure is limited to, or None for the whole district.

    The same rule as in_scope, for statements that take the ids as a bound parameter.
    """
    if communities is not None:
        for community_id in communities:
            check_community(actor, community_id)
        return sorted(set(communities))
    return None if actor.community_ids is None else sorted(actor.community_ids)


def scope_param(column: Any, ids: list[int] | None) -> ColumnElement[bool]:
    """WHERE column IN :cids (expanded when run), or nothing when the whole district."""
    return true() if ids is None else column.in_(bindparam("cids", expanding=True))


_PREPARED: dict[tuple[Any, ...], Any] = {}


def prepared(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """A statement built once per key and reused, its values all bound parameters.

    Building a large SQLAlchemy statement costs milliseconds of Python on every rerun; the
    views with small tables would spend more time building SQL than running it.
    """
    stmt = _PREPARED.get(key)
    if stmt is None:
        stmt = _PREPARED[key] = build()
    return stmt
