"""One sweep (every job, each in its own transaction under the lease) and the loop around it."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.engine import session_scope
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.sweeps import EVERY_S
from services.worker import lease
from services.worker.jobs import JOBS

STALE = timedelta(minutes=2)  # the administration pages warn past this
_log = logging.getLogger("pingan.worker")


@dataclass(frozen=True)
class SweepResult:
    at: datetime
    seconds: float
    counts: dict[str, int]
    failed: tuple[str, ...]


@dataclass(frozen=True)
class Status:
    last: lease.LastSweep | None
    age: timedelta | None  # since the last sweep; None: never swept
    stale: bool  # no sweep for more than STALE (or never)


def holder_name() -> str:
    """Names this process in the lease row, for the administrator reading it."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def sweep(engine: Engine, holder: str, *, now: datetime | None = None) -> SweepResult | None:
    """Run every job once if `holder` holds (or can take) the lease; None if another process
    holds it. Each job runs in its own transaction that first renews the lease: on PostgreSQL
    the lease row stays locked until the job commits, on SQLite BEGIN IMMEDIATE admits one
    writer, so two processes never run a job at the same time. A failing job is rolled back,
    logged and named in the lease row; the others still run."""
    started = time.monotonic()
    now = now or clock.now()
    counts: dict[str, int] = {}
    failed: list[str] = []
    for job in list(JOBS):
        try:
            with session_scope(engine, write=True) as s:
                if not lease.hold(s, holder, now):
                    return None if not counts and not failed else _finish(
                        engine, holder, now, started, counts, failed)
                counts[job.name] = int(job.run(s, now))
        except Exception:  # noqa: BLE001 - one broken job must not stop the deadlines
            _log.exception("worker job %s failed", job.name)
            failed.append(job.name)
    return _finish(engine, holder, now, started, counts, failed)


def _finish(engine: Engine, holder: str, now: datetime, started: float,
            counts: dict[str, int], failed: list[str]) -> SweepResult:
    seconds = time.monotonic() - started
    with session_scope(engine, write=True) as s:
        lease.record(s, holder, now, seconds, counts, ",".join(failed))
    return SweepResult(now, seconds, counts, tuple(failed))


def release(engine: Engine, holder: str) -> None:
    with session_scope(engine, write=True) as s:
        lease.release(s, holder)


def run(engine: Engine, *, holder: str | None = None, every: float = EVERY_S,
        stop: threading.Event | None = None, parent_pid: int | None = None) -> None:
    """Sweep every `every` seconds until `stop` is set (or the parent process is gone), then
    let the lease run out at once so another process takes over without waiting."""
    holder = holder or holder_name()
    stop = stop or threading.Event()
    _log.info("worker %s: sweeping every %.0f s", holder, every)
    orphaned = (lambda: os.getppid() != parent_pid) if parent_pid is not None else None
    try:
        while not stop.is_set() and not (orphaned and orphaned()):
            tick = time.monotonic()
            try:
                result = sweep(engine, holder)
            except Exception:  # noqa: BLE001 - the database may be away for a while
                _log.exception("worker sweep failed")
            else:
                if result is not None and any(result.counts.values()):
                    _log.info("worker sweep: %s", result.counts)
            while not stop.wait(min(1.0, max(0.0, every - (time.monotonic() - tick)))):
                if time.monotonic() - tick >= every or (orphaned and orphaned()):
                    break
    finally:
        try:
            release(engine, holder)
        except Exception:  # noqa: BLE001 - the lease runs out by itself anyway
            _log.warning("worker %s: could not release the lease", holder)


def status(session: Session, *, actor: Actor, now: datetime | None = None) -> Status:
    """The last sweep and whether it is too old, for the administration pages."""
    require(actor, Perm.EDIT_SETTINGS)
    now = now or clock.now()
    last = lease.last_sweep(session)
    if last is None or last.at is None:
        return Status(last, None, True)
    age = now - last.at
    return Status(last, age, age > STALE)
