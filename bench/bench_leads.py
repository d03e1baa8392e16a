"""Leads at a million: submit→dispatched latency (SQLite, PostgreSQL), the urgent-lead check
every page runs, and the inbox rerun."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from bench.common import ROOT, postgres_million, sqlite_million
from bench.inbox_floor import inbox_floor
from bench.leads_floor import Floor
from db.engine import make_engine, session_scope
from db.models import Lead, LeadEvent, Task, User
from services import leads
from services.accounts.auth import actor_for
from services.core import clock
from services.core.actor import Actor

Report = Callable[..., None]
SUBMISSIONS = int(os.environ.get("PINGAN_BENCH_SUBMISSIONS", "1000"))
RERUNS = 20
CHECKS = 50
CHECK_EVENTS = 200  # lead events since the previous check: a busy quarter-minute


def _actors(engine: Engine) -> list[Actor]:
    with session_scope(engine) as s:
        users = s.scalars(select(User).where(User.username.in_(["grid", "officer",
                                                                 "commander"]))).all()
        return [actor_for(s, u) for u in users]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ensure_indexes(engine: Engine) -> None:
    """A bench database built before an index was added gets it now (CREATE INDEX IF NOT
    EXISTS), so the figures are those of the current models."""
    for table in (Lead.__table__, LeadEvent.__table__, Task.__table__):
        for index in table.indexes:  # type: ignore[attr-defined]
            index.create(engine, checkfirst=True)


def dispatch_latency(name: str, engine: Engine, report: Report) -> None:
    """Each submission is one transaction (validate, place, dispatch, events, audit, commit)
    as the report page sends it (a grid worker's report from their own grid),
    alternated with the same transaction as plain SQL (the floor), so that both see the same
    load; the figure that holds on a busy machine is the ratio."""
    actors = _actors(engine)
    grid = next(a for a in actors if a.member_id is not None)
    assert grid.user_id is not None and grid.member_id is not None
    with session_scope(engine) as s:
        total = s.scalar(select(func.count()).select_from(Lead)) or 0
    floor = Floor(engine, user_id=grid.user_id, member_id=grid.member_id,
                  username=grid.username)
    times: list[float] = []
    cpu: list[float] = []  # this process's CPU time: what the load of other work cannot inflate
    floor_times: list[float] = []
    floor_cpu: list[float] = []
    ids: list[int] = []
    for i in range(SUBMISSIONS):
        category, urgency = leads.CATEGORIES[i % 8], leads.URGENCIES[i % 3]
        # each goes first every other time: the second finds the pages the first read cached
        for which in ((0, 1) if i % 2 else (1, 0)):
            started, cpu_started = time.perf_counter(), time.process_time()
            if which == 0:
                view = leads.submit_lead(engine, actor=grid, category=category,
                                         urgency=urgency, description=f"bench submission {i}",
                                         received_at=clock.now())  # as the report page
                assert view.dispatched_at is not None
                ids.append(view.id)
            else:
                floor.submit(category, urgency, f"bench floor {i}")
            (times, floor_times)[which].append(time.perf_counter() - started)
            (cpu, floor_cpu)[which].append(time.process_time() - cpu_started)
    floor.close()
    note = f"{SUBMISSIONS} submissions into {total:,} leads"
    p50, p99, fp50, fp99 = (_pct(times, 0.5), _pct(times, 0.99), _pct(floor_times, 0.5),
                            _pct(floor_times, 0.99))
    report(f"{name}: submit→dispatched p50 / floor p50", p50 / fp50, "×", "target ≤ 2×")
    report(f"{name}: submit→dispatched p99 / floor p99", p99 / fp99, "×", "")
    report(f"{name}: app CPU per submission / floor, medians",
           _pct(cpu, 0.5) / _pct(floor_cpu, 0.5), "×", "")
    report(f"{name}: submit→dispatched p50", p50 * 1000, "ms", note)
    report(f"{name}: submit→dispatched p99", p99 * 1000, "ms",
           "target ≤ 20 ms on SQLite, ≤ 25 ms on PostgreSQL")
    report(f"{name}: floor (plain SQL) p50", fp50 * 1000, "ms", "same rows, indexes, pragmas")
    report(f"{name}: floor (plain SQL) p99", fp99 * 1000, "ms", "")
    report(f"{name}: app CPU per submission, median", _pct(cpu, 0.5) * 1000, "ms",
           f"floor {_pct(floor_cpu, 0.5) * 1000:.2f} ms; load average "
           f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    recorded(name, engine, ids, report)


def recorded(name: str, engine: Engine, ids: list[int], report: Report) -> None:
    """What the leads themselves hold: received (created_at) to dispatched (dispatched_at),
    the figure the home page and the statistics show."""
    with session_scope(engine) as s:
        rows = s.execute(select(Lead.created_at, Lead.dispatched_at)
                         .where(Lead.id.in_(ids))).all()
    spans = [(d - c).total_seconds() for c, d in rows if d is not None]
    report(f"{name}: recorded received→dispatched p50", _pct(spans, 0.5) * 1000, "ms",
           f"from the {len(spans)} leads' own timestamps")
    report(f"{name}: recorded received→dispatched p90", _pct(spans, 0.9) * 1000, "ms", "")


@contextmanager
def _app_env(url: str) -> Iterator[None]:
    import streamlit as st

    with tempfile.TemporaryDirectory() as data_dir:
        env = {"PINGAN_DATABASE_URL": url, "PINGAN_DATA_DIR": data_dir, "PINGAN_DEMO": "1"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        st.cache_resource.clear()
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            st.cache_resource.clear()


def inbox_rerun(url: str, report: Report) -> None:
    """The inbox page rerun (AppTest) for the commander (whole district) and the officer,
    alternated with its floor: a bare script that reads and draws the same page of leads."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest_util import new_app, sign_in

    engine = make_engine(url)
    with session_scope(engine) as s:
        officer = s.execute(select(User.officer_id, User.id)
                            .where(User.username == "officer")).one()
    engine.dispose()
    for username, view, who in (("commander", "all open in the district", (None, None)),
                                ("officer", "my leads", tuple(officer))):
        with _app_env(url):
            at = sign_in(new_app(), username, "pingan-demo")
            at.switch_page(str(ROOT / "pages/leads.py")).run()
            bare = AppTest.from_function(inbox_floor, args=(url, *who), default_timeout=60)
            bare.run()
            times, cpu, floor_times = [], [], []
            for _ in range(RERUNS):
                started, cpu_started = time.perf_counter(), time.process_time()
                at.run()
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                started = time.perf_counter()
                bare.run()
                floor_times.append(time.perf_counter() - started)
            assert not at.exception, at.exception
            assert not bare.exception, bare.exception
        median, floor = _pct(times, 0.5), _pct(floor_times, 0.5)
        report(f"inbox rerun, {username} ({view}) median", median * 1000, "ms",
               f"target ≤ 75 ms; {median / floor:.2f} × its floor")
        report(f"inbox rerun, {username} ({view}) floor median", floor * 1000, "ms",
               "a bare script: the same page of leads in plain SQL, drawn as a table")
        report(f"inbox rerun, {username} ({view}) p95", _pct(times, 0.95) * 1000, "ms",
               f"{RERUNS} reruns")
        report(f"inbox rerun, {username} ({view}) best", min(times) * 1000, "ms",
               f"load average {os.getloadavg()[0]:.1f}")
        report(f"inbox rerun, {username} ({view}) CPU median", _pct(cpu, 0.5) * 1000, "ms",
               "this process's CPU time: what the load of other work cannot inflate")


def urgent_check(name: str, engine: Engine, report: Report) -> None:
    """The live check the sidebar runs every 15 s on every page, for the commander (new urgent
    leads in the district) and the officer (urgent leads given to them), reading the last
    CHECK_EVENTS lead events; the submissions above put urgent ones among them."""
    for actor in _actors(engine):
        if actor.username == "grid":
            continue  # grid workers are not watched
        with session_scope(engine) as s:
            since = leads.urgent_news(s, actor=actor, since=None).mark - CHECK_EVENTS
            times = []
            for _ in range(CHECKS):
                started = time.perf_counter()
                news = leads.urgent_news(s, actor=actor, since=since)
                times.append(time.perf_counter() - started)
        report(f"{name}: urgent-lead check, {actor.username} median", _pct(times, 0.5) * 1000,
               "ms", f"{CHECK_EVENTS} new events, {news.count} new urgent for them, "
               f"{CHECKS} checks")


SWEPT = int(os.environ.get("PINGAN_BENCH_SWEPT", "1000"))


def _seed(engine: Engine, values: dict[str, Any]) -> None:
    """SWEPT leads of the grid worker's community, as `values` say, in one insert."""
    with session_scope(engine, write=True) as s:
        template = s.execute(select(Lead.community_id, Lead.grid_id, Lead.lat, Lead.lon,
                                    Lead.reporter_user_id, Lead.assigned_officer_id)
                             .where(Lead.description.like("bench submission %"))
                             .order_by(Lead.id.desc()).limit(1)).one()
        now = clock.now()
        base = {"created_at": now - timedelta(hours=2), "community_id": template[0],
                "grid_id": template[1], "lat": template[2], "lon": template[3],
                "reporter_user_id": template[4], "category": "public_order",
                "urgency": "routine", "resolve_due_at": now + timedelta(days=30)}
        s.execute(insert(Lead.__table__), [  # type: ignore[arg-type]
            {**base, "description": f"bench sweep {i}", **values} for i in range(SWEPT)])


def sweeps(name: str, engine: Engine, report: Report) -> None:
    """What the worker runs every 30 s, each on SWEPT leads made for it: escalating overdue
    leads, and dispatching leads that waited for somebody to become available."""
    now = clock.now()
    with session_scope(engine) as s:
        officer = s.scalar(select(Lead.assigned_officer_id)
                           .where(Lead.description.like("bench submission %"))
                           .order_by(Lead.id.desc()).limit(1))
    _seed(engine, {"status": "dispatched", "level": "community", "assigned_officer_id": officer,
                   "dispatch_rule": "community_officer", "dispatched_at": now - timedelta(hours=2),
                   "accept_due_at": now - timedelta(hours=1)})
    started = time.perf_counter()
    with session_scope(engine, write=True) as s:
        n = leads.escalate_overdue(s, limit=SWEPT)
    report(f"{name}: overdue sweep, {SWEPT} leads", time.perf_counter() - started, "s",
           f"{n} escalated; target ≤ 2 s")
    _seed(engine, {"status": "new", "level": "community"})
    started = time.perf_counter()
    with session_scope(engine, write=True) as s:
        n = leads.dispatch_waiting(s, limit=SWEPT)
    report(f"{name}: waiting-lead sweep, {SWEPT} leads", time.perf_counter() - started, "s",
           f"{n} dispatched")


def _newest(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.max(Lead.id))) or 0


def retire(engine: Engine, after_id: int) -> None:
    """Close the leads this run made (submissions, floors, sweeps): left open, each run would
    add thousands to the officer's inbox and the next run would measure a bigger one."""
    with session_scope(engine, write=True) as s:
        s.execute(update(Lead).where(Lead.id > after_id)
                  .values(status="closed", closed_at=clock.now()))


def run(report: Report) -> None:
    engine = sqlite_million()
    ensure_indexes(engine)
    before = _newest(engine)
    dispatch_latency("SQLite", engine, report)
    urgent_check("SQLite", engine, report)
    sweeps("SQLite", engine, report)
    retire(engine, before)
    inbox_rerun(engine.url.render_as_string(hide_password=False), report)
    engine.dispose()
    pg = postgres_million()
    if pg is None:
        report("PostgreSQL: skipped", 0, "", "set PINGAN_BENCH_POSTGRES_URL to measure it")
        return
    ensure_indexes(pg)
    before = _newest(pg)
    dispatch_latency("PostgreSQL", pg, report)
    urgent_check("PostgreSQL", pg, report)
    sweeps("PostgreSQL", pg, report)
    retire(pg, before)
    pg.dispose()
