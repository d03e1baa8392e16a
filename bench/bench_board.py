"""Command board (指挥台) at a million leads: the server time of one refresh (the board's
services, then the page rerun in AppTest), the shift figures read every 30 s, and a new
emergency lead on the board with its alarm playing after a grid worker's submit in Chromium."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from statistics import median

from sqlalchemy import Engine, func, select

from bench.common import postgres_million, sqlite_million
from db.engine import session_scope
from db.models import Lead, User
from services import board
from services.accounts.auth import actor_for
from services.core.leadstate import OPEN_STATUSES

Report = Callable[[str, float, str, str], None]
RUNS = 15


def _commander(engine: Engine):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return actor_for(s, s.scalars(select(User).where(User.username == "commander")).one())


def _times(fn: Callable[[], object], runs: int = RUNS) -> list[float]:
    fn()  # warm the caches once, as a board that is open keeps them warm
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def services(name: str, engine: Engine, report: Report) -> None:
    actor = _commander(engine)
    everything = board.BoardFilters()
    with session_scope(engine) as s:
        leads = s.scalar(select(func.count()).select_from(Lead)) or 0
        # the floor: one bare indexed count of the open leads, in the same run
        floor = median(_times(lambda: s.scalar(select(func.count()).where(
            Lead.status.in_(OPEN_STATUSES)))))
        refresh = _times(lambda: board.board(s, actor=actor, filters=everything))
        with_map = _times(lambda: (board.board(s, actor=actor, filters=everything),
                                   board.board_map(s, actor=actor, filters=everything)))
        map_only = _times(lambda: board.board_map(s, actor=actor, filters=everything))
        figs = _times(lambda: board.shift_figures(s, actor=actor, filters=everything), 5)
        alarm = _times(lambda: board.alarm(s, actor=actor, filters=everything))
    m = median(refresh)
    report(f"[{name}] board refresh, commander, whole district, median", m * 1000, "ms",
           f"target ≤ 200 ms; {leads:,} leads; worst {max(refresh) * 1000:.0f} ms; "
           f"{m / floor:.0f}× the bare open-lead count ({floor * 1000:.1f} ms)")
    report(f"[{name}] board refresh with its map (services), median", median(with_map) * 1000,
           "ms", f"the map's two queries alone {median(map_only) * 1000:.1f} ms; "
                 f"worst {max(with_map) * 1000:.0f} ms")
    report(f"[{name}] alarm read (every 2 s, on its own), median", median(alarm) * 1000, "ms",
           f"worst {max(alarm) * 1000:.1f} ms; {median(alarm) / floor:.1f}× the bare count")
    report(f"[{name}] shift figures (read every 30 s), median", median(figs) * 1000, "ms",
           f"per refresh every 5 s: +{median(figs) * 1000 / 6:.0f} ms on average")


def apptest_rerun(engine: Engine, report: Report) -> None:
    import tempfile

    import streamlit as st

    from tests.apptest_util import ROOT, new_app, sign_in

    env = {"PINGAN_DATABASE_URL": str(engine.url.render_as_string(hide_password=False)),
           "PINGAN_DEMO": "1"}
    with tempfile.TemporaryDirectory() as data_dir:
        env["PINGAN_DATA_DIR"] = data_dir
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        st.cache_resource.clear()
        try:
            at = sign_in(new_app(), "commander", "pingan-demo")
            at.switch_page(str(ROOT / "pages/board.py")).run()
            times = _times(at.run, 7)
            assert not at.exception, at.exception
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            st.cache_resource.clear()
    report("[sqlite] board page rerun (AppTest, whole page), median", median(times) * 1000,
           "ms", f"worst {max(times) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")


def run(report: Report) -> None:
    engine = sqlite_million()
    services("sqlite", engine, report)
    apptest_rerun(engine, report)
    pg = postgres_million()
    if pg is not None:
        services("postgresql", pg, report)
    else:
        print("(PostgreSQL skipped: set PINGAN_BENCH_POSTGRES_URL)")
    if "--no-browser" not in sys.argv:
        from bench.board_alarm import alarm_latency

        alarm_latency(report)
