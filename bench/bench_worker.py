"""The worker's sweep: 1,000 overdue leads escalated in one sweep, beside two floors measured in
the same run (a sweep with nothing to do, and the bare SQL writes the same escalation needs)."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import Engine, Table, bindparam, insert, select, update

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Lead, LeadEvent
from services import worker
from services.core import clock

Report = Callable[..., None]
LEADS = int(os.environ.get("PINGAN_BENCH_WORKER_LEADS", "20000"))
OVERDUE = 1000


def _district(path: Path) -> Engine:
    from services.demo import load_demo

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    load_demo(engine, leads=LEADS)
    return engine


def _make_overdue(engine: Engine) -> list[int]:
    """1,000 leads dispatched an hour past their time to accept, none escalated yet."""
    now = clock.now()
    with session_scope(engine, write=True) as s:
        ids = list(s.scalars(select(Lead.id).where(Lead.assigned_officer_id.is_not(None))
                             .order_by(Lead.id.desc()).limit(OVERDUE)))
        s.execute(update(Lead).where(Lead.id.in_(ids)).values(
            status="dispatched", level="community", overdue_step=0,
            accept_due_at=now - timedelta(hours=1), resolve_due_at=now + timedelta(days=1),
            closed_at=None, resolved_at=None))
    return ids


def _bare_writes(engine: Engine, ids: list[int]) -> float:
    """The floor: the same rows changed and the same number of events written, in plain SQL,
    one statement each, one transaction (no rules, no chain, no audit)."""
    now = clock.now()
    started = time.perf_counter()
    with session_scope(engine, write=True) as s:
        table = cast(Table, Lead.__table__)
        s.connection().execute(  # one executemany, as a batched sweep would issue it
            update(table).where(table.c.id == bindparam("lid"), table.c.status == "dispatched")
            .values(status="escalated", overdue_step=1), [{"lid": i} for i in ids])
        s.execute(insert(LeadEvent), [{"lead_id": i, "at": now, "action": "auto_escalate",
                                       "from_status": "dispatched", "to_status": "escalated",
                                       "note": "", "data": {}} for i in ids])
        s.rollback()
    return time.perf_counter() - started


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = _district(Path(tmp) / "worker.db")
        holder = worker.holder_name()
        first = worker.sweep(engine, holder)  # what the demo left overdue, and warm caches
        empty = worker.sweep(engine, holder)
        assert first is not None and empty is not None
        ids = _make_overdue(engine)
        floor = _bare_writes(engine, ids)
        cpu = time.process_time()
        full = worker.sweep(engine, holder)
        cpu = time.process_time() - cpu
        assert full is not None
        report("SQLite: worker sweep, nothing to do", empty.seconds * 1000, "ms",
               f"{LEADS} leads in the district")
        report("SQLite: floor, the same 1,000 rows and events in bare SQL", floor * 1000, "ms")
        report("SQLite: worker sweep, 1,000 overdue leads", full.seconds * 1000, "ms",
               f"{full.counts.get('escalated', 0)} escalated; {full.seconds / floor:.1f}x the "
               f"floor; target <= 2 s")
        report("SQLite: the same sweep, this process's CPU", cpu * 1000, "ms",
               "what the machine's other load cannot inflate")
        engine.dispose()
