"""The demo district lives: loaded on any day and simulated 0, 7 and 30 days on, the bureau's
figures still read −31.9 % / −14.3 % / +3.5 points / 40+ h, and what the simulation wrote is
what the district would: leads worked through to closing, tasks done by team members,
incidents imported day by day, disputes mediated, officers checked in and out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, or_, select

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import AuditLog, Dispute, IncidentCount, Lead, LeadEvent, Presence, Task, User
from services.accounts.auth import actor_for
from services.core.clock import day_start
from services.demo import live, load_demo
from services.stats import disputes, incidents, presence
from services.stats.periods import period_for

LEADS = 400  # a small district keeps the test quick; the calibration does not depend on it
WEEK_LEADS = 20_000  # about 200 leads in a simulated week: enough to see a few escalations


def _figures(engine: Engine, today: date) -> tuple[float, float, float, float]:
    with session_scope(engine) as s:
        actor = actor_for(s, s.scalars(select(User).where(User.username == "commander")).one())
        period = period_for("since_july", today)
        inc = incidents.compare_incidents(s, actor=actor, period=period)
        res = disputes.resolution_change(s, actor=actor, period=period)
        split = date(today.year, 7, 1) if today > date(today.year, 7, 1) else date(
            today.year - 1, 7, 1)
        hours = presence.hours_change(s, actor=actor, today=today, split=split)
    crim, order = inc.by_category["criminal"].pct, inc.by_category["public_order"].pct
    assert crim is not None and order is not None and res.points is not None
    assert hours.per_week_after is not None
    return crim, order, res.points, hours.per_week_after


def _assert_bureau_figures(engine: Engine, today: date) -> None:
    crim, order, points, hours = _figures(engine, today)
    assert abs(crim - -31.9) <= 0.5, (today, crim)
    assert abs(order - -14.3) <= 0.5, (today, order)
    assert abs(points - 3.5) <= 0.3, (today, points)
    assert hours >= 40, (today, hours)


def _simulate(engine: Engine, until: datetime) -> list[live.Advanced]:
    steps = live.catch_up(engine, until=until)
    with session_scope(engine) as s:
        assert live.simulated_to(s) == until
    return steps


def _load(tmp_path, today: date, leads: int = LEADS) -> Engine:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade(engine)
    load_demo(engine, leads=leads, today=today)
    return engine


@pytest.mark.parametrize("loaded", [date(2026, 7, 24), date(2026, 9, 15), date(2026, 11, 29),
                                    date(2026, 12, 20), date(2027, 3, 15)])
def test_figures_hold_after_0_7_and_30_days(tmp_path, loaded: date) -> None:  # type: ignore[no-untyped-def]
    engine = _load(tmp_path, loaded)
    _assert_bureau_figures(engine, loaded)
    for days in (7, 30):
        day = loaded + timedelta(days=days)
        _simulate(engine, day_start(day) + timedelta(hours=14, minutes=30))
        _assert_bureau_figures(engine, day)
    engine.dispose()


def test_the_simulated_month_is_a_working_district(tmp_path) -> None:  # type: ignore[no-untyped-def]
    loaded = date(2026, 10, 10)
    engine = _load(tmp_path, loaded)
    start = day_start(loaded)
    until = start + timedelta(days=30, hours=10)
    steps = _simulate(engine, until)
    assert len(steps) == 31  # one transaction a simulated day
    with session_scope(engine) as s:
        new = select(Lead).where(Lead.created_at >= start)
        leads = s.scalars(new).all()
        assert len(leads) >= 10
        assert all(lead.created_at < until for lead in leads)
        closed = [lead for lead in leads if lead.status == "closed"]
        assert len(closed) >= 0.8 * len(leads)
        # closed in the grid exactly when a team member finished a shared task for it
        done = set(s.scalars(select(Task.lead_id).where(Task.status == "done", or_(
            Task.claimed_by_member_id.is_not(None), Task.social_unit_id.is_not(None)))))
        by_units = s.scalar(select(func.count()).select_from(Task).where(
            Task.status == "done", Task.social_unit_id.is_not(None))) or 0
        assert 0 < by_units < len(done)  # social units take part, team members most
        for lead in closed:
            assert (lead.closed_level == "grid") == (lead.id in done), lead.id
            actions = s.scalars(select(LeadEvent.action).where(LeadEvent.lead_id == lead.id)
                                .order_by(LeadEvent.id)).all()
            assert actions[:2] == ["report", "dispatch"] or actions[0] == "report"
            assert actions[-1] == "close"
        assert 0.4 <= sum(lead.closed_level == "grid" for lead in closed) / len(closed) <= 0.95
        # every day that ended was imported, and no day twice
        days = s.execute(select(IncidentCount.day, func.count()).where(
            IncidentCount.day >= loaded).group_by(IncidentCount.day)).all()
        assert sorted(d for d, _ in days) == [loaded + timedelta(days=k) for k in range(30)]
        assert len({n for _, n in days}) == 1
        assert s.scalar(select(func.count()).select_from(Dispute).where(
            Dispute.reported_at >= start)) >= 100
        spans = s.scalars(select(Presence).where(Presence.started_at >= start)).all()
        assert spans and all(p.ended_at is None or p.ended_at > p.started_at for p in spans)
        # officers still in their communities at 10:00 have an open span
        assert any(p.ended_at is None for p in spans)
        assert all(p.ended_at is not None for p in spans if p.started_at < until - timedelta(
            hours=12))
        before = _census(s)
    # the same span again writes nothing; going on continues where it stopped
    assert live.catch_up(engine, until=until) == []
    with session_scope(engine) as s:
        assert _census(s) == before
    engine.dispose()


def _census(s) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                 for m in (Lead, LeadEvent, Task, IncidentCount, Dispute, Presence))


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def test_a_simulated_week_has_escalations_made_by_the_sweeps_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Some leads wait past their accept deadline; the worker's sweep, run at the simulated
    times, escalates each at its first sweep after the deadline, and nothing else escalates.
    (Leads still open from the history are escalated too when their deadline passes, as the
    worker would; nobody in the simulation works on those.)"""
    from services.core.leadstate import UNACCEPTED_STATUSES
    from services.worker import EVERY_S

    loaded = date(2026, 10, 12)
    engine = _load(tmp_path, loaded, WEEK_LEADS)
    start = day_start(loaded)
    until = start + timedelta(days=7)
    _simulate(engine, until)
    with session_scope(engine) as s:
        week = {lead.id: lead for lead in s.scalars(select(Lead).where(Lead.created_at >= start))}
        escalated = s.execute(select(LeadEvent, Lead).join(Lead, Lead.id == LeadEvent.lead_id)
                              .where(LeadEvent.action == "auto_escalate")).all()
        ours = {lead.id for _, lead in escalated if lead.id in week}
        assert 0.02 * len(week) <= len(ours) <= 0.10 * len(week), (len(ours), len(week))
        accepts: dict[int, list[datetime]] = {}
        for lead_id, at in s.execute(select(LeadEvent.lead_id, LeadEvent.at).where(
                LeadEvent.action == "accept").order_by(LeadEvent.id)):
            accepts.setdefault(lead_id, []).append(_utc(at))
        kinds = set()
        for event, lead in escalated:  # each was overdue when the sweep escalated it
            at, deadline = _utc(event.at), event.data["deadline"]
            kinds.add(deadline)
            assert event.actor_user_id is None and event.to_status == "escalated"
            if deadline == "accept":
                due = _utc(lead.accept_due_at)
                assert event.from_status in UNACCEPTED_STATUSES, lead.id
                assert all(a > at for a in accepts.get(lead.id, [])), lead.id  # none before
            else:
                due = _utc(lead.resolve_due_at)
                assert lead.resolved_at is None or _utc(lead.resolved_at) > at, lead.id
            assert start <= at < until and due < at, (lead.id, due, at)
            if lead.id in week:  # reported in the simulation: at the worker's first sweep after
                assert at <= due + timedelta(seconds=EVERY_S), (lead.id, due, at)
        assert kinds == {"accept", "resolve"}
        # every lead of the week first accepted after its deadline was escalated before
        late = {i for i, lead in week.items()
                if i in accepts and accepts[i][0] > _utc(lead.accept_due_at)}
        assert late and late <= ours
        audited = s.scalars(select(AuditLog.actor_name).where(
            AuditLog.action == "leads.auto_escalate")).all()
        assert audited == ["system"] * len(escalated)
        # the officer takes an escalated lead on again: none of the week's first six days
        # still waits escalated at its end
        assert not [i for i in ours if week[i].status == "escalated"
                    and _utc(week[i].created_at) < until - timedelta(days=1)]
    engine.dispose()


def test_batches_of_any_size_give_the_same_leads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    loaded = date(2026, 8, 3)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = _load(tmp_path / "a", loaded, 3_000), _load(tmp_path / "b", loaded, 3_000)
    until = day_start(loaded) + timedelta(days=3, hours=5)
    _simulate(one, until)
    at = day_start(loaded)
    while at < until:  # as the worker does: every few hours
        at = min(until, at + timedelta(hours=5, minutes=17))
        _simulate(two, at)

    def leads(engine: Engine) -> list[tuple]:
        with session_scope(engine) as s:
            return [tuple(r) for r in s.execute(select(
                Lead.created_at, Lead.category, Lead.urgency, Lead.grid_id, Lead.status)
                .where(Lead.created_at >= day_start(loaded)).order_by(Lead.id))]

    assert leads(one) == leads(two) and leads(one)
    one.dispose()
    two.dispose()


def test_nothing_lives_without_a_demo(engine: Engine) -> None:
    with session_scope(engine) as s:
        step = live.advance(s, until=day_start(date(2026, 11, 1)))
        assert step.end is None
        assert s.scalar(select(func.count()).select_from(Lead)) == 0


def test_simulation_on_each_backend(engine: Engine) -> None:
    loaded = date(2026, 11, 20)
    load_demo(engine, leads=3_000, today=loaded)
    until = day_start(loaded) + timedelta(days=2, hours=16)
    _simulate(engine, until)
    _assert_bureau_figures(engine, loaded + timedelta(days=2))
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead).where(
            Lead.created_at >= day_start(loaded))) > 0


def test_the_worker_plays_the_district_in_demo_mode_only(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from services import worker
    from services.core import clock

    engine = _load(tmp_path, clock.local_today(), 3_000)
    midnight = day_start(clock.local_today())
    monkeypatch.delenv("PINGAN_DEMO", raising=False)
    result = worker.sweep(engine, "a")
    assert result is not None and result.counts["demo_lived"] == 0
    with session_scope(engine) as s:
        assert live.simulated_to(s) == midnight
    monkeypatch.setenv("PINGAN_DEMO", "1")
    now = clock.now()
    result = worker.sweep(engine, "a", now=now)
    assert result is not None and result.failed == ()
    second = now.replace(microsecond=0)  # the simulation keeps whole seconds
    with session_scope(engine) as s:  # a sweep simulates a bounded span, the next goes on
        assert live.simulated_to(s) == min(second, midnight + timedelta(hours=2))
    engine.dispose()


def test_two_processes_catching_up_at_once_simulate_each_span_once(engine: Engine) -> None:
    """As two app servers started together would: each batch runs once (both databases)."""
    import threading

    loaded = date(2026, 11, 20)
    load_demo(engine, leads=3_000, today=loaded)
    until = day_start(loaded) + timedelta(days=2, hours=3)
    done: list[list[live.Advanced]] = []
    runners = [threading.Thread(target=lambda: done.append(live.catch_up(engine, until=until)))
               for _ in range(2)]
    for r in runners:
        r.start()
    for r in runners:
        r.join()
    spans = sorted((a.start, a.end) for steps in done for a in steps)
    assert len(spans) == len(set(spans)) == 3  # two days and three hours, each once
    with session_scope(engine) as s:
        assert live.simulated_to(s) == until
        days = s.execute(select(IncidentCount.day, func.count()).where(
            IncidentCount.day >= loaded).group_by(IncidentCount.day)).all()
        assert len({n for _, n in days}) == 1  # no day imported twice
