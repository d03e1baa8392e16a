"""The lease that lets exactly one process sweep at a time, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import WorkerLease
from db.settings import ConfigError

NAME = "sweep"


def _ttl() -> timedelta:
    """PINGAN_WORKER_LEASE_S, 5 to 600 seconds (default 40)."""
    raw = os.environ.get("PINGAN_WORKER_LEASE_S", "40")
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 5 <= seconds <= 600:
        raise ConfigError("PINGAN_WORKER_LEASE_S", "a number of seconds from 5 to 600")
    return timedelta(seconds=seconds)


# A holder renews the lease at every job; if it dies, the lease runs out after TTL and the
# next process to try (at most one interval later) takes it over: TTL + interval < 1 minute.
TTL = _ttl()


@dataclass(frozen=True)
class LastSweep:
    at: datetime | None
    holder: str
    seconds: float
    counts: dict[str, int]
    error: str
    lease_holder: str
    lease_expires_at: datetime | None


def _row(session: Session, *, lock: bool) -> WorkerLease | None:
    """The lease row, created if missing (a schema made by create_all has none). With `lock`,
    on PostgreSQL: None while another process's transaction holds the row, so a second worker
    skips instead of waiting (SQLite's BEGIN IMMEDIATE already lets one writer at a time)."""
    stmt = select(WorkerLease).where(WorkerLease.name == NAME)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    row = session.scalars(stmt).first()
    if row is not None or session.get(WorkerLease, NAME) is not None:
        return row
    try:
        with session.begin_nested():
            session.add(WorkerLease(name=NAME, holder="", last_holder="", last_seconds=0.0,
                                    last_counts={}, last_error=""))
    except IntegrityError:  # another process created it meanwhile
        pass
    return session.scalars(stmt).first()


def hold(session: Session, holder: str, now: datetime) -> bool:
    """Take or renew the lease for `holder` in the caller's transaction; False if another
    process holds it (it has not run out) or is using it right now."""
    row = _row(session, lock=True)
    if row is None:
        return False
    if row.holder and row.holder != holder and row.expires_at is not None \
            and row.expires_at > now:
        return False
    row.holder = holder
    row.expires_at = now + TTL
    session.flush()
    return True


def record(session: Session, holder: str, now: datetime, seconds: float,
           counts: dict[str, int], error: str) -> bool:
    """Write what a sweep did, if `holder` still holds the lease."""
    if not hold(session, holder, now):
        return False
    row = _row(session, lock=True)
    assert row is not None  # held just above, in this transaction
    row.last_sweep_at, row.last_holder, row.last_seconds = now, holder, round(seconds, 3)
    row.last_counts, row.last_error = dict(counts), error[:2000]
    return True


def release(session: Session, holder: str) -> None:
    """Let the lease run out now, so another process takes over at its next try."""
    row = _row(session, lock=False)
    if row is not None and row.holder == holder:
        row.holder, row.expires_at = "", None


def last_sweep(session: Session) -> LastSweep | None:
    row = session.get(WorkerLease, NAME)
    if row is None:
        return None
    counts: dict[str, Any] = row.last_counts or {}
    return LastSweep(row.last_sweep_at, row.last_holder, float(row.last_seconds or 0.0),
                     {str(k): int(v) for k, v in counts.items()}, row.last_error or "",
                     row.holder, row.expires_at)
