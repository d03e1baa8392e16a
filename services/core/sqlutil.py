"""Portable SQL pieces for SQLite and PostgreSQL: durations, medians, percentiles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Select, cast, func, select
from sqlalchemy.orm import Session


def seconds_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """end − start in seconds, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        # julianday is a double: round to the millisecond to drop its representation error.
        return cast(func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3), Float)
    return cast(func.extract("epoch", end - start), Float)


def percentile(session: Session, query: Select[Any], q: float) -> float | None:
    """The q-quantile (nearest rank) of a one-column query, computed in SQL without loading it.

    Works on both databases: count, then fetch the single row at the rank.
    """
    sub = query.subquery()
    col = sub.c[0]
    n = session.scalar(select(func.count()).select_from(sub).where(col.is_not(None))) or 0
    if n == 0:
        return None
    rank = min(n - 1, max(0, int(round(q * (n - 1)))))
    value = session.scalar(select(col).where(col.is_not(None)).order_by(col).offset(rank).limit(1))
    return float(value) if value is not None else None
