"""The worker as it runs for real: started by `pingan serve` (what `make run` runs) or alone,
with no browser and no page open; two workers on one database; the lease holder killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import AuditLog, Lead, LeadEvent, WorkerLease
from tests import worker_world
from tests.browser_util import free_port
from tests.conftest import BACKENDS, PG_URL
from tests.leads_world import World

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, Engine]]:
    """A migrated database (as `make run` leaves it) and the URL a process reaches it by."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'pingan.db'}"
    else:
        assert PG_URL
        schema = f"w_{uuid.uuid4().hex[:12]}"
        with make_engine(PG_URL).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    yield request.param, url, engine
    engine.dispose()
    if request.param == "postgresql":
        admin = make_engine(PG_URL)  # type: ignore[arg-type]
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _env(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PINGAN_DATABASE_URL": url, "PINGAN_DATA_DIR": str(tmp_path),
           "PINGAN_DEMO": "1", **extra}
    env.pop("PINGAN_SECRET_KEY", None)
    return env


def _start(args: list[str], url: str, tmp_path: Path, name: str,
           **extra: str) -> subprocess.Popen[bytes]:
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "services.cli", *args], cwd=ROOT,
                            env=_env(url, tmp_path, **extra), stdout=log,
                            stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_for(engine: Engine, what: Callable[[Session], Any], *, timeout: float = 180,
              log: Path | None = None) -> Any:
    """Poll the database until `what` returns something truthy (a state, never a time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(engine) as s:
            found = what(s)
        if found:
            return found
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"state not reached in {timeout} s; log:\n{tail}")


def _status(s: Session, lead_id: int) -> str:
    return s.scalar(select(Lead.status).where(Lead.id == lead_id)) or ""


def _holder_pid(s: Session) -> int | None:
    row = s.get(WorkerLease, "sweep")
    if row is None or not row.holder:
        return None
    return int(row.holder.split(":")[1])


def _gone(pid: int) -> bool:
    """True once the process has exited (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (FileNotFoundError, IndexError):
        return True
    return state in {"Z", "X"}


def test_make_run_escalates_and_dispatches_with_nobody_signed_in(
        db: tuple[str, str, Engine], tmp_path: Path) -> None:
    backend, url, engine = db
    with session_scope(engine, write=True) as s:
        pending = worker_world.make(s)
    serve = _start(["serve", "--port", str(free_port())], url, tmp_path, "serve")
    try:
        _wait_for(engine, lambda s: _status(s, pending.overdue_lead) == "escalated"
                  and _status(s, pending.waiting_lead) == "dispatched"
                  and s.scalar(select(WorkerLease.last_sweep_at)) is not None,
                  log=tmp_path / "serve.log")
        with session_scope(engine) as s:
            worker_pid = _holder_pid(s)
            assert worker_pid is not None and worker_pid != serve.pid
            row = s.get(WorkerLease, "sweep")
            assert row is not None and row.last_sweep_at is not None
            assert s.scalar(select(func.count()).select_from(AuditLog).where(
                AuditLog.action == "leads.auto_escalate")) == 1
    finally:
        _stop(serve)
    assert serve.returncode is not None
    # Stopping the app stopped its worker, and the worker let its lease go.
    _wait_for(engine, lambda s: _gone(worker_pid), timeout=60)
    with session_scope(engine) as s:
        row = s.get(WorkerLease, "sweep")
        assert row is not None and row.holder == ""


def test_the_worker_stops_when_its_app_is_killed(db: tuple[str, str, Engine],
                                                tmp_path: Path) -> None:
    backend, url, engine = db
    if backend != "sqlite":
        pytest.skip("a process matter: once is enough")
    serve = _start(["serve", "--port", str(free_port())], url, tmp_path, "serve")
    try:
        worker_pid = _wait_for(engine, _holder_pid, log=tmp_path / "serve.log")
        children = [int(p) for p in Path(f"/proc/{serve.pid}/task/{serve.pid}/children")
                    .read_text().split()]
        assert worker_pid in children and len(children) == 2  # the app and its worker
        serve.kill()  # no chance to stop its children
        serve.wait()
        _wait_for(engine, lambda s: all(_gone(p) for p in children), timeout=60)
    finally:
        _stop(serve)


def _overdue_leads(engine: Engine, w: World, n: int) -> list[int]:
    with session_scope(engine, write=True) as s:
        return [worker_world.overdue_lead(s, w) for _ in range(n)]


def test_two_workers_never_sweep_one_lead_twice(db: tuple[str, str, Engine],
                                               tmp_path: Path) -> None:
    backend, url, engine = db
    if backend != "postgresql":
        pytest.skip("several app servers share a PostgreSQL; SQLite has one writer anyway")
    with session_scope(engine, write=True) as s:
        w = worker_world.make(s).world
    ids = _overdue_leads(engine, w, 150)
    workers = [_start(["worker", "--every", "1"], url, tmp_path, f"w{i}") for i in range(2)]
    try:
        for _ in range(3):  # more work arrives while both are running
            ids += _overdue_leads(engine, w, 50)
        _wait_for(engine, lambda s: s.scalar(select(func.count()).select_from(Lead).where(
            Lead.id.in_(ids), Lead.status != "escalated")) == 0, log=tmp_path / "w0.log")
        assert all(p.poll() is None for p in workers)  # both still running
    finally:
        for p in workers:
            _stop(p)
    with session_scope(engine) as s:
        events = dict(s.execute(select(LeadEvent.lead_id, func.count()).where(
            LeadEvent.action == "auto_escalate").group_by(LeadEvent.lead_id)).all())
        assert {i: events.get(i, 0) for i in ids} == dict.fromkeys(ids, 1)
        audited = s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "leads.auto_escalate"))
        assert audited == len(ids) + 1  # and the world's own overdue lead


def test_killing_the_lease_holder_hands_over(db: tuple[str, str, Engine],
                                             tmp_path: Path) -> None:
    _, url, engine = db
    with session_scope(engine, write=True) as s:
        w = worker_world.make(s).world
    workers = {}
    for i in range(2):  # a short lease, so the heir need not wait the default 40 s
        p = _start(["worker", "--every", "2"], url, tmp_path, f"w{i}",
                   PINGAN_WORKER_LEASE_S="8")
        workers[p.pid] = p
    try:
        first = _wait_for(engine, _holder_pid, log=tmp_path / "w0.log")
        workers[first].send_signal(signal.SIGKILL)  # dies holding the lease
        workers[first].wait()
        late = _overdue_leads(engine, w, 1)[0]
        (heir,) = set(workers) - {first}
        _wait_for(engine, lambda s: _holder_pid(s) == heir and _status(s, late) == "escalated",
                  timeout=180, log=tmp_path / "w1.log")
        assert workers[heir].poll() is None
    finally:
        for p in workers.values():
            _stop(p)
