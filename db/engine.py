"""Engine and session factory: SQLite tuned for concurrent writers, PostgreSQL as it is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from db.settings import ConfigError

BUSY_TIMEOUT_MS = 30_000  # a busy 2-core server can keep a writer waiting over 15 s
# SQLSTATE classes whose main message names objects, never values: integrity, transaction
# rollback, syntax/privilege, object state, operator intervention.
_SAFE_CLASSES = {"23", "40", "42", "55", "57"}
_after_scope: list[Callable[[Engine], None]] = []


def after_each_scope(hook: Callable[[Engine], None]) -> Callable[[Engine], None]:
    """Register `hook(engine)`, run after every session_scope and write_connection has ended
    (committed or not).

    services.core.audit uses it to write permission refusals in a transaction of their own.
    """
    _after_scope.append(hook)
    return hook


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`. SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _tune_sqlite(engine)
        return engine
    # Fail fast on an unreachable server and name our connections for the DBA.
    connect_args = {"connect_timeout": 10, "application_name": "pingan",
                    **kwargs.pop("connect_args", {})}
    engine = create_engine(url, hide_parameters=True, pool_pre_ping=True,
                           connect_args=connect_args, **kwargs)
    event.listen(engine, "handle_error", _redact_postgres_error)
    return engine


def _redact_postgres_error(ctx: Any) -> BaseException | None:
    """PostgreSQL puts values in its messages ("Key (phone)=(139...) already exists",
    "Failing row contains (...)", "invalid input syntax ...: \"...\""), which would reach logs
    and tracebacks. Keep the error's class, SQLSTATE, names and, for the classes whose main
    message names only objects (integrity, privilege, locks), that message; drop the rest.
    """
    if ctx.sqlalchemy_exception is None or not redact_driver_error(ctx.original_exception):
        return None
    return type(ctx.sqlalchemy_exception)(  # type: ignore[no-any-return]
        ctx.statement, ctx.parameters, ctx.original_exception, hide_parameters=True,
        connection_invalidated=ctx.is_disconnect)


def redact_driver_error(orig: BaseException) -> bool:
    """Rewrite a PostgreSQL driver error's message as `_redact_postgres_error` says; False
    (nothing done) for an error without PostgreSQL's diagnostics."""
    diag = getattr(orig, "diag", None)
    if diag is None:
        return False
    state = str(getattr(orig, "sqlstate", "") or "")
    names = {"table": diag.table_name, "column": diag.column_name,
             "constraint": diag.constraint_name}
    where = " ".join(f"{k}={v}" for k, v in names.items() if v)
    primary = diag.message_primary if state[:2] in _SAFE_CLASSES else None
    orig.args = (f"SQLSTATE {state} {primary or '(message withheld)'} {where}".strip(),)
    return True


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    # The dialect's own hook, not a "begin" event: an engine with a connection event runs
    # every statement through the event dispatch, a tenth of a lead's submission. Errors
    # here are wrapped as SQLAlchemy's, as any BEGIN's would be.
    engine.dialect.do_begin = _sqlite_begin  # type: ignore[method-assign,assignment]


# What the next SQLite BEGIN is: a writing transaction takes the write lock up front, so two
# writers queue on the busy timeout instead of failing later with "database is locked" on
# upgrade. Set only for the moment a writing transaction begins (`begin_write`).
_BEGIN: ContextVar[str] = ContextVar("pingan_sqlite_begin", default="BEGIN")


def _sqlite_begin(dbapi_conn: Any) -> None:
    dbapi_conn.execute(_BEGIN.get())


@contextmanager
def _immediate() -> Iterator[None]:
    """A transaction begun inside takes the write lock (BEGIN IMMEDIATE)."""
    token = _BEGIN.set("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        _BEGIN.reset(token)


def begin_write(session: Session) -> Session:
    """Begin `session`'s transaction now, with the write lock (SQLite: BEGIN IMMEDIATE;
    PostgreSQL locks rows as it goes). Returns the session."""
    with _immediate():
        session.connection()
    return session


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """`engine.begin()` with the write lock taken up front: commit on success, roll back on
    any error; the after-scope hooks run after it, as after a session_scope."""
    try:
        with engine.connect() as conn:
            with _immediate():
                conn.begin()
            try:
                yield conn
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
    finally:
        for hook in _after_scope:
            hook(engine)


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One short transaction: commit on success, roll back on any error."""
    session = Session(bind=engine, expire_on_commit=False)
    try:
        if write:
            begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        for hook in _after_scope:
            hook(engine)


def check_connection(engine: Engine) -> None:
    """Raise ConfigError naming PINGAN_DATABASE_URL if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise ConfigError("PINGAN_DATABASE_URL", "the database cannot be reached") from exc
    except SQLAlchemyError as exc:
        raise ConfigError("PINGAN_DATABASE_URL", "the database refused the connection") from exc
