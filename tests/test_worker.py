"""The worker's sweep: every job, once, under a lease that one process holds at a time."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.models import Alert, AssistanceMeasure, AuditLog, Lead, LeadEvent, WorkerLease
from services import worker
from services.core import clock
from services.core.errors import PermissionDenied
from tests import worker_world
from tests.worker_world import Pending

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pending(engine: Engine) -> Pending:
    with session_scope(engine, write=True) as s:
        return worker_world.make(s)


@pytest.fixture
def jobs() -> Iterator[list[worker.Job]]:
    """Tests that register a job put the list back as it was."""
    saved = list(worker.JOBS)
    yield worker.JOBS
    worker.JOBS[:] = saved


def _events(s: Session, lead_id: int, action: str) -> int:
    return s.scalar(select(func.count()).select_from(LeadEvent).where(
        LeadEvent.lead_id == lead_id, LeadEvent.action == action)) or 0


def test_one_sweep_does_every_job_once(engine: Engine, pending: Pending) -> None:
    result = worker.sweep(engine, "a")
    assert result is not None and result.failed == ()
    assert result.counts == {"dispatched": 1, "escalated": 1, "measures_overdue": 1,
                             "alerts_expired": 1, "demo_lived": 0}
    with session_scope(engine) as s:
        waiting = s.get(Lead, pending.waiting_lead)
        late = s.get(Lead, pending.overdue_lead)
        assert waiting is not None and late is not None
        assert waiting.status == "dispatched" and waiting.assigned_officer_id == pending.world.o1.id
        assert waiting.accept_due_at is not None and waiting.accept_due_at > clock.now()
        assert late.status == "escalated" and late.overdue_step == 2  # both deadlines missed
        measure = s.get(AssistanceMeasure, pending.measure)
        assert measure is not None and measure.overdue_since == worker_world.today()
        alert = s.get(Alert, pending.alert)
        assert alert is not None and alert.expired_at is not None
        assert alert.status == "published"  # its supervisor can still record the outcome
        audited = set(s.scalars(select(AuditLog.action).where(AuditLog.actor_name == "system")))
        assert {"leads.auto_escalate", "cases.measure_overdue", "alerts.expire"} <= audited
        row = s.get(WorkerLease, "sweep")
        assert row is not None and row.last_counts == result.counts and row.last_holder == "a"
    # The next sweep finds nothing left to do, and writes nothing twice.
    again = worker.sweep(engine, "a")
    assert again is not None and set(again.counts.values()) == {0}
    with session_scope(engine) as s:
        assert _events(s, pending.overdue_lead, "auto_escalate") == 1
        assert s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "alerts.expire")) == 1


def test_a_second_process_waits_while_the_lease_is_held(engine: Engine,
                                                        pending: Pending) -> None:
    assert worker.sweep(engine, "first") is not None
    assert worker.sweep(engine, "second") is None  # first holds it for TTL
    with session_scope(engine) as s:
        assert _events(s, pending.overdue_lead, "auto_escalate") == 1
        row = s.get(WorkerLease, "sweep")
        assert row is not None and row.holder == "first" and row.last_holder == "first"


def test_a_lease_that_ran_out_is_taken_over(engine: Engine, pending: Pending) -> None:
    """The holder died: its lease runs out after TTL and the next process takes over."""
    start = clock.now()
    assert worker.sweep(engine, "dead", now=start) is not None
    assert worker.sweep(engine, "heir", now=start + worker.TTL - timedelta(seconds=1)) is None
    taken = worker.sweep(engine, "heir", now=start + worker.TTL + timedelta(seconds=1))
    assert taken is not None
    with session_scope(engine) as s:
        row = s.get(WorkerLease, "sweep")
        assert row is not None and row.holder == "heir"
    # ...and the dead one, should it wake up, no longer sweeps.
    assert worker.sweep(engine, "dead", now=start + worker.TTL + timedelta(seconds=2)) is None


def test_a_released_lease_is_taken_at_once(engine: Engine, pending: Pending) -> None:
    assert worker.sweep(engine, "stopping") is not None
    worker.release(engine, "stopping")
    assert worker.sweep(engine, "next") is not None


def test_a_failing_job_is_named_and_the_others_still_run(engine: Engine, pending: Pending,
                                                         jobs: list[worker.Job]) -> None:
    def broken(session: Session, now: object) -> int:
        session.add(Lead())  # half-written work...
        raise RuntimeError("boom")

    jobs.insert(0, worker.Job("broken", broken))
    result = worker.sweep(engine, "a")
    assert result is not None and result.failed == ("broken",)
    assert result.counts["escalated"] == 1 and "broken" not in result.counts
    with session_scope(engine) as s:
        row = s.get(WorkerLease, "sweep")
        assert row is not None and row.last_error == "broken"
        assert s.scalar(select(func.count()).select_from(Lead)) == 2  # ...was rolled back


def test_a_registered_job_runs_in_every_sweep(engine: Engine, pending: Pending,
                                              jobs: list[worker.Job]) -> None:
    seen: list[object] = []
    worker.register("demo", lambda s, now: len(seen.append(now) or seen))
    worker.register("demo", lambda s, now: seen.append(now) or 7)  # replaces, not duplicates
    result = worker.sweep(engine, "a")
    assert result is not None and result.counts["demo"] == 7 and len(seen) == 1
    assert [j.name for j in jobs].count("demo") == 1


def test_status_warns_when_the_last_sweep_is_old(engine: Engine, pending: Pending) -> None:
    admin = pending.world.admin
    with session_scope(engine) as s:
        never = worker.status(s, actor=admin)
        assert never.stale and never.age is None
        with pytest.raises(PermissionDenied):
            worker.status(s, actor=pending.world.district_sup)
    at = clock.now()
    worker.sweep(engine, "a", now=at)
    with session_scope(engine) as s:
        fresh = worker.status(s, actor=admin, now=at + timedelta(seconds=30))
        assert not fresh.stale and fresh.last is not None
        assert fresh.last.counts["escalated"] == 1
        old = worker.status(s, actor=admin, now=at + worker.STALE + timedelta(seconds=1))
        assert old.stale


def test_a_new_due_date_makes_a_measure_late_again_only_when_it_passes(
        engine: Engine, pending: Pending) -> None:
    from services.cases import measures as case_measures

    worker.sweep(engine, "a")
    with session_scope(engine, write=True) as s:
        m = s.get(AssistanceMeasure, pending.measure)
        assert m is not None and m.overdue_since is not None
        case_measures.update_measure(s, actor=pending.world.officer1, measure_id=m.id,
                                     shown_version=m.version, status="in_progress", note="",
                                     due_date=worker_world.today() + timedelta(days=7))
    with session_scope(engine) as s:
        m = s.get(AssistanceMeasure, pending.measure)
        assert m is not None and m.overdue_since is None
    worker.release(engine, "a")
    assert worker.sweep(engine, "b") is not None
    with session_scope(engine) as s:
        m = s.get(AssistanceMeasure, pending.measure)
        assert m is not None and m.overdue_since is None  # not late: the new date is ahead


@pytest.mark.parametrize("value", ["abc", "2", "601", ""])
def test_a_bad_lease_setting_stops_with_the_settings_name(value: str) -> None:
    done = subprocess.run([sys.executable, "-c", "import services.worker"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PINGAN_WORKER_LEASE_S": value}, check=False)
    assert done.returncode != 0
    assert "PINGAN_WORKER_LEASE_S: a number of seconds from 5 to 600" in done.stderr


def test_the_lease_setting_sets_how_long_a_dead_holder_keeps_it() -> None:
    done = subprocess.run([sys.executable, "-c", "from services import worker; print(worker.TTL)"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PINGAN_WORKER_LEASE_S": "8"}, check=True)
    assert done.stdout.strip() == "0:00:08"
