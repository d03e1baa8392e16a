"""Core statements compiled once per dialect and run on the driver's cursor, for the few
statements a lead's submission sends hundreds of times a minute.

`conn.execute(core_statement, params)` looks the statement up in SQLAlchemy's compiled cache,
builds the parameters and an execution context, and wraps the cursor in a result on every
call: measured at 2.3 × the plain-SQL floor for a submission of five statements, where
SQLite itself needs about 35 µs a statement. A `Prepared` statement is compiled by SQLAlchemy
(the dialect's SQL, the columns' scalar defaults) once; each call converts its values with the
same bind processors SQLAlchemy uses (UTC timestamps, JSON) and runs the SQL on the cursor of
the connection's own DBAPI connection, inside the caller's transaction. What the engine does
around a statement is kept: its `before_cursor_execute` and `after_cursor_execute` listeners
run (the statement counters of the tests see these statements), and a driver error is raised
as SQLAlchemy's, parameters hidden and PostgreSQL's message redacted, the connection
invalidated when the server went away.

Rows come back as the driver gives them, without result processing: use it for statements
whose columns are ints, floats, text or truth values the caller reads with bool().
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

from db.engine import redact_driver_error

_MISSING = object()


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: bool
    # (bind name, its processor, its value when the caller gives none)
    params: tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]


class Prepared:
    """`statement` (a Core select or insert with named bind parameters) ready to run with
    `execute(conn, values)`. Values are keyed by bind name (an insert's: column keys);
    `keys` are the columns an insert is given (the others take their scalar defaults)."""

    def __init__(self, statement: Executable, keys: Sequence[str] | None = None):
        self.statement = statement
        self.keys = list(keys) if keys is not None else None
        self._plans: dict[str, _Plan] = {}

    def plan(self, dialect: Dialect) -> _Plan:
        found = self._plans.get(dialect.name)
        if found is None:
            found = self._plans[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Plan:
        compiled = self.statement.compile(  # type: ignore[attr-defined]
            dialect=dialect, column_keys=self.keys)
        assert isinstance(compiled, SQLCompiler)
        if compiled.escaped_bind_names or any(b.expanding for b in compiled.binds.values()):
            raise ValueError("a prepared statement takes plain bind names, no IN lists")
        defaults = {c.key: c.default for c in compiled.insert_prefetch}
        names = list(compiled.positiontup or ()) if compiled.positional else list(
            dict.fromkeys(compiled.bind_names.values()))
        params = []
        for name in names:
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            fallback: Any = _MISSING
            if name in defaults:  # a column the insert is not given: its scalar default
                default = defaults[name]
                if default is None or not default.is_scalar:
                    raise ValueError(f"column {name!r} needs a value: its default is not a "
                                     "constant")
                fallback = default.arg  # type: ignore[attr-defined]
            elif not bind.required:  # a literal in the statement ('*')
                fallback = bind.effective_value
            params.append((name, processor, fallback))
        return _Plan(str(compiled), compiled.positional, tuple(params))

    @staticmethod
    def _values(plan: _Plan, values: Mapping[str, Any]) -> Any:
        out = []
        for name, processor, fallback in plan.params:
            value = values.get(name, fallback)
            if value is _MISSING:
                raise KeyError(f"no value for the bind parameter {name!r}")
            out.append(processor(value) if processor is not None else value)
        if plan.positional:
            return tuple(out)
        return {p[0]: v for p, v in zip(plan.params, out, strict=True)}

    def execute(self, conn: Connection, values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
                ) -> list[tuple[Any, ...]]:
        """Run with one set of values, or with several as one executemany; the rows it
        returned (a select's, an insert's RETURNING), else []."""
        plan = self.plan(conn.dialect)
        many = not isinstance(values, Mapping)
        params: Any = (self._values(plan, values) if isinstance(values, Mapping)
                       else [self._values(plan, v) for v in values])
        sql = plan.sql
        dispatch = conn.dispatch
        dbapi_conn = conn.connection.dbapi_connection
        assert dbapi_conn is not None
        cursor = dbapi_conn.cursor()
        try:
            for before in dispatch.before_cursor_execute:
                sql, params = before(conn, cursor, sql, params, None, many)
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            rows = [tuple(r) for r in cursor.fetchall()] if cursor.description else []
            for after in dispatch.after_cursor_execute:
                after(conn, cursor, sql, params, None, many)
            return rows
        except conn.dialect.loaded_dbapi.Error as exc:
            raise self._error(conn, cursor, sql, params, exc) from exc
        finally:
            cursor.close()

    @staticmethod
    def _error(conn: Connection, cursor: Any, sql: str, params: Any,
               exc: Exception) -> DBAPIError:
        """The driver's error as SQLAlchemy raises it from `conn.execute`."""
        dialect = conn.dialect
        gone = dialect.is_disconnect(exc, conn.connection.dbapi_connection,  # type: ignore[arg-type]
                                     cursor)
        redact_driver_error(exc)
        wrapped = DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error,
                                      hide_parameters=True, dialect=dialect,
                                      connection_invalidated=gone)
        if gone:
            conn.invalidate(exc)
        return wrapped  # type: ignore[return-value]
