"""Many writers at once: nothing lost, nothing dispatched twice, one winner per lead."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from db.engine import session_scope
from db.models import Lead, LeadEvent
from services import leads
from services.core import audit
from services.core.errors import Conflict, Invalid
from tests.leads_world import World, build

WRITERS, EACH = 8, 500
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _world(engine: Engine) -> World:
    with session_scope(engine, write=True) as s:
        return build(s)


def _run_all(workers: list[Callable[[], Any]]) -> list[Any]:
    """Start every worker at the same moment; collect results or exceptions."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = workers[i]()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_writers_times_500_lose_nothing_and_dispatch_nothing_twice(
        engine: Engine) -> None:
    w = _world(engine)
    reporters = [w.grid1, w.grid2, w.officer1, w.supervisor] * 2

    def writer(n: int) -> Callable[[], list[int]]:
        def submit() -> list[int]:
            ids = []
            for i in range(EACH):
                with session_scope(engine, write=True) as s:
                    view = leads.report_lead(
                        s, actor=reporters[n], category="other", urgency="urgent",
                        description=f"writer {n} lead {i}", grid_id=(w.g1, w.g2)[i % 2].id)
                    ids.append(view.id)
            return ids
        return submit

    results = _run_all([writer(n) for n in range(WRITERS)])
    assert all(isinstance(r, list) for r in results), [r for r in results if
                                                       not isinstance(r, list)][:1]
    ids = [i for r in results for i in r]
    assert len(ids) == len(set(ids)) == WRITERS * EACH
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == WRITERS * EACH
        per_lead = s.execute(select(LeadEvent.lead_id, func.count())
                             .where(LeadEvent.action == "dispatch")
                             .group_by(LeadEvent.lead_id)).all()
        assert len(per_lead) == WRITERS * EACH and {c for _, c in per_lead} == {1}
        undispatched = s.scalar(select(func.count()).where(
            (Lead.status != "dispatched") | Lead.assigned_officer_id.is_(None)))
        assert undispatched == 0
        descriptions = set(s.scalars(select(Lead.description)))
        assert len(descriptions) == WRITERS * EACH
        report = audit.verify_chain(s)
        assert report.first_broken_id is None and report.checked >= WRITERS * EACH


def test_two_officers_accepting_one_lead_at_once_one_wins(engine: Engine) -> None:
    w = _world(engine)
    with session_scope(engine, write=True) as s:
        view = leads.report_lead(s, actor=w.grid1, category="fire", urgency="emergency",
                                 description="电动车楼道充电")

    def accept(actor: Any) -> Callable[[], Any]:
        def go() -> Any:
            with session_scope(engine, write=True) as s:
                return leads.act(s, actor=actor, lead_id=view.id, action="accept",
                                 shown_version=view.version)
        return go

    results = _run_all([accept(w.officer1), accept(w.backup_officer)])
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1 and isinstance(losers[0], Conflict)
    winner_name = (w.officer1 if winners[0].assigned_user_id == w.officer1.user_id
                   else w.backup_officer).username
    assert losers[0].params["who"] == winner_name
    with session_scope(engine) as s:
        accepts = s.scalar(select(func.count()).where(LeadEvent.action == "accept"))
    assert accepts == 1


def test_sweeps_running_at_once_escalate_each_overdue_lead_once(engine: Engine) -> None:
    w = _world(engine)
    with session_scope(engine, write=True) as s:
        for i in range(30):
            leads.report_lead(s, actor=w.grid1, category="other", urgency="emergency",
                              description=f"overdue {i}", now=T0)
    later = T0 + timedelta(minutes=10)

    def sweep() -> int:
        with session_scope(engine, write=True) as s:
            return leads.escalate_overdue(s, now=later)

    results = _run_all([sweep for _ in range(4)])
    assert sum(results) == 30
    with session_scope(engine) as s:
        per_lead = s.execute(select(LeadEvent.lead_id, func.count())
                             .where(LeadEvent.action == "auto_escalate")
                             .group_by(LeadEvent.lead_id)).all()
    assert len(per_lead) == 30 and {c for _, c in per_lead} == {1}


def test_two_members_claiming_one_task_at_once_one_gets_it(engine: Engine) -> None:
    from tests import factories as f

    w = _world(engine)
    with session_scope(engine, write=True) as s:
        other = f.member(s, w.team1, grid_id=w.g1.id)
        mate = f.actor(s, f.user(s, "grid_worker", communities=[w.c1], member_id=other.id))
        view = leads.report_lead(s, actor=w.grid1, category="help", urgency="routine",
                                 description="帮独居老人取药")
        task_id = leads.create_task(s, actor=w.officer1, lead_id=view.id, title="取药")

    def claim(actor: Any) -> Callable[[], Any]:
        def go() -> Any:
            with session_scope(engine, write=True) as s:
                return leads.claim_task(s, actor=actor, task_id=task_id, shown_version=1)
        return go

    results = _run_all([claim(w.grid1), claim(mate)])
    assert sum(r is None for r in results) == 1  # claim_task returns None on success
    loser = next(r for r in results if r is not None)
    assert isinstance(loser, Invalid) and loser.key == "leads.task_taken"
    with session_scope(engine) as s:
        task = leads.list_tasks(s, actor=w.officer1)[0]
    assert task.status == "claimed" and task.claimed_by
