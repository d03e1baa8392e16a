"""Rosters: community page and district view reruns (AppTest) on the demo district; imports."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select, text

from bench.bench_leads import _app_env, _pct
from bench.common import BENCH_DIR, ROOT
from db.base import Base
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Community, Grid, Team, User
from services import roster
from services.accounts.auth import actor_for

Report = Callable[..., None]
RERUNS = 20
ROWS = 2000


def demo_db() -> Path:
    """The demo district (3,000 leads: rosters do not depend on them), built once and kept."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "roster-demo.db"
    if not path.exists():
        from services.demo import load_demo

        engine = make_engine(f"sqlite:///{path}.tmp")
        upgrade(engine)
        load_demo(engine, leads=3000, today=date.today())
        engine.dispose()
        os.replace(f"{path}.tmp", path)
    return path


def _reruns(url: str, username: str, page: str, setup: Callable[..., None] | None = None
            ) -> list[float]:
    from tests.apptest_util import new_app, sign_in

    with _app_env(url):
        at = sign_in(new_app(), username, "pingan-demo")
        at.switch_page(str(ROOT / page)).run()
        if setup is not None:
            setup(at)
        times = []
        for _ in range(RERUNS):
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return times


def page_reruns(url: str, report: Report) -> None:
    def members(at) -> None:  # type: ignore[no-untyped-def]
        at.segmented_control(key="community_section").set_value("members").run()

    cases = [("officer", "pages/community.py", None, "community page, officer (双林社区)"),
             ("officer", "pages/community.py", members, "community page members table, officer"),
             ("admin", "pages/community.py", None, "community page, admin (first community)"),
             ("commander", "pages/roster.py", None, "district view, commander (79 communities)"),
             ("admin", "pages/roster.py", None, "district view, admin")]
    for username, page, setup, name in cases:
        times = _reruns(url, username, page, setup)
        report(f"{name} median", _pct(times, 0.5) * 1000, "ms", "target ≤ 300 ms")
        report(f"{name} p95", _pct(times, 0.95) * 1000, "ms", f"{RERUNS} reruns")


def _file(engine: Engine, community: str) -> roster.Table:
    from tests import roster_files as rf

    with session_scope(engine) as s:
        cid = s.scalar(select(Community.id).where(Community.name == community))
        teams = list(s.scalars(select(Team.name).where(Team.community_id == cid)))
        grids = list(s.scalars(select(Grid.name).where(Grid.community_id == cid)))
    rows, _ = rf.member_rows(community, teams, grids, ROWS, start=700_000)
    return roster.read_table(rf.to_csv(rf.HEADERS_ZH, rows), "bench.csv")


def _import(name: str, engine: Engine, username: str, community: str, report: Report) -> None:
    from ui.roster.common import import_aliases

    table = _file(engine, community)
    for run in ("first", "second (same file)"):
        with session_scope(engine) as s:
            actor = actor_for(s, s.scalars(select(User).where(User.username == username)).one())
        started = time.perf_counter()
        with session_scope(engine, write=True) as s:
            summary = roster.run_import(
                s, actor=actor, kind="members", table=table,
                mapping=roster.guess_mapping("members", table.headers),
                aliases=import_aliases(), valid_only=True)
        took = time.perf_counter() - started
        report(f"{name}: import {ROWS:,} rows (5 % bad), {run}", took, "s",
               f"added {summary.added}, updated {summary.updated}, unchanged "
               f"{summary.unchanged}, refused {len(summary.refused)}; target < 10 s")


def import_sqlite(demo: Path, report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "import.db"
        shutil.copy(demo, copy)
        engine = make_engine(f"sqlite:///{copy}")
        _import("SQLite (demo district)", engine, "officer", "双林社区", report)
        engine.dispose()


def import_postgres(report: Report) -> None:
    url = os.environ.get("PINGAN_BENCH_POSTGRES_URL")
    if not url:
        report("PostgreSQL import: skipped", 0, "", "set PINGAN_BENCH_POSTGRES_URL to measure it")
        return
    from tests.roster_world import build

    schema = f"bench_roster_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        Base.metadata.create_all(engine)
        with session_scope(engine, write=True) as s:
            w = build(s)
            username = s.get(User, w.officer.user_id).username  # type: ignore[union-attr]
        _import("PostgreSQL (small world)", engine, username, "双林社区", report)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(report: Report) -> None:
    demo = demo_db()
    page_reruns(f"sqlite:///{demo}", report)
    import_sqlite(demo, report)
    import_postgres(report)
