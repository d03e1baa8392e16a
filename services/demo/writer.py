"""Chunked Core inserts with ids handed out here, so related rows can be built before writing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

import numpy as np
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    DateTime,
    MetaData,
    Table,
    Text,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from services.demo import dates

CHUNK = 10_000
Convert = Callable[[Any], list[Any]]


def _t(model: Any) -> Table:
    """The Table of a mapped class (or the table itself)."""
    table: Table = getattr(model, "__table__", model)
    return table


class Writer:
    """Writes rows through one connection; remembers which tables got explicit ids.

    Timestamps are given to `insert_columns` as epoch seconds (int64 arrays, -1 for none)
    and days as ordinals. On SQLite they are formatted here, in NumPy, into exactly the text
    the column types would store (checked once against the types' own bind processors);
    elsewhere they become aware datetimes and dates and go through the types as usual.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.fast = conn.dialect.name == "sqlite" and _sqlite_formats_agree(conn.dialect)
        self._next: dict[str, int] = {}
        self._touched: set[str] = set()

    def begin(self, conn: Connection) -> None:
        """Continue in a new transaction: ids are looked up afresh."""
        self.conn = conn
        self._next.clear()

    def ids(self, model: Any, n: int) -> list[int]:
        """n fresh primary keys for the model's table (empty when the demo loads)."""
        table = _t(model)
        if table.name not in self._next:
            self._touched.add(table.name)
            top = self.conn.scalar(select(func.max(table.c.id)))
            self._next[table.name] = int(top or 0) + 1
        first = self._next[table.name]
        self._next[table.name] = first + n
        return list(range(first, first + n))

    def insert(self, model: Any, rows: Sequence[dict[str, Any]], chunk: int = CHUNK) -> int:
        table = _t(model)
        for i in range(0, len(rows), chunk):
            self.conn.execute(table.insert(), list(rows[i:i + chunk]))
        return len(rows)

    def insert_columns(self, model: Any, columns: dict[str, Any], chunk: int = CHUNK,
                       on_chunk: Callable[[float], None] | None = None) -> int:
        """Insert rows given column-wise (equal-length sequences), chunk by chunk."""
        table = _t(model)
        keys = list(columns)
        n = len(columns[keys[0]]) if keys else 0
        target = _plain(table) if self.fast else table
        convert = [self._converter(table.c[k].type) for k in keys]
        for i in range(0, n, chunk):
            part = [conv(columns[k][i:i + chunk]) for k, conv in zip(keys, convert, strict=True)]
            self.conn.execute(target.insert(), [dict(zip(keys, vals, strict=True))
                                                for vals in zip(*part, strict=True)])
            if on_chunk:
                on_chunk(min(i + chunk, n) / n)
        return n

    def _converter(self, kind: TypeEngine[Any]) -> Convert:
        if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):
            return _sqlite_times if self.fast else _aware_times
        if isinstance(kind, Date):
            return _sqlite_days if self.fast else _days
        if isinstance(kind, JSON) and self.fast:
            return lambda values: [json.dumps(v) for v in values]
        return lambda values: values.tolist() if isinstance(values, np.ndarray) else list(values)

    def update(self, model: Any, column: str, pairs: Any) -> None:
        """Set `column` by id, in one executemany (for the few back-references)."""
        table = _t(model)
        rows = [{"b_id": i, "b_value": v} for i, v in pairs]
        if rows:
            stmt = table.update().where(table.c.id == bindparam("b_id")).values(
                {column: bindparam("b_value")})
            self.conn.execute(stmt, rows)

    def fix_sequences(self) -> None:
        """PostgreSQL: move each serial past the ids written here, or later inserts collide."""
        if self.conn.dialect.name != "postgresql":
            return
        for name in sorted(self._touched):
            self.conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            ))


def _aware_times(seconds: np.ndarray) -> list[datetime | None]:
    return dates.utc_list(seconds, seconds < 0)


def _sqlite_times(seconds: np.ndarray) -> list[str | None]:
    text_ = np.datetime_as_string(np.maximum(seconds, 0).astype("datetime64[s]"), unit="us")
    out: list[str | None] = np.char.replace(text_, "T", " ").tolist()
    for i in np.flatnonzero(seconds < 0).tolist():
        out[i] = None
    return out


def _days(ordinals: np.ndarray) -> list[date]:
    return [date.fromordinal(o) for o in ordinals.tolist()]


def _sqlite_days(ordinals: np.ndarray) -> list[str]:
    days = (ordinals - dates.UNIX_ORDINAL).astype("datetime64[D]")
    result: list[str] = np.datetime_as_string(days).tolist()
    return result


@lru_cache(maxsize=4)
def _sqlite_formats_agree(dialect: Dialect) -> bool:
    """True when our NumPy text is what the column types would have bound, for a sample."""
    from db.base import UTCDateTime

    sample = datetime(2026, 7, 1, 8, 30, 5, tzinfo=UTC)
    bind_time = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    bind_day = Date().dialect_impl(dialect).bind_processor(dialect)
    bind_json = JSON().dialect_impl(dialect).bind_processor(dialect)
    if bind_time is None or bind_day is None or bind_json is None:
        return False
    seconds = np.array([int(sample.timestamp())], dtype=np.int64)
    return (bind_time(sample) == _sqlite_times(seconds)[0]
            and bind_day(sample.date()) == _sqlite_days(np.array([sample.toordinal()]))[0]
            and bind_json({"a": [1, "二"]}) == json.dumps({"a": [1, "二"]}))


@cache
def _plain(table: Table) -> Table:
    """The same table with text in place of time and JSON types, for the SQLite fast path."""
    def column(c: Column[Any]) -> Column[Any]:
        plain = isinstance(c.type, DateTime | Date | JSON) or isinstance(
            getattr(c.type, "impl", None), DateTime)
        default = getattr(c.default, "arg", None) if c.default is not None and c.default.is_scalar \
            else None
        return Column(c.name, Text() if plain else c.type, primary_key=c.primary_key,
                      default=default)
    return Table(table.name, MetaData(), *(column(c) for c in table.columns))
