"""A 20,000-row roster file (.xlsx): read + check + write, beside the issue's floors
(≤ 20 s on SQLite, ≤ 40 s on PostgreSQL), each phase on its own line."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, select, text

from db.base import Base
from db.engine import make_engine, session_scope
from db.models import User
from services import roster
from services.accounts.auth import actor_for

Report = Callable[..., None]
ROWS = 20_000
FLOORS = {"SQLite": 20.0, "PostgreSQL": 40.0}


def roster_file() -> bytes:
    """20,000 people of the small test world's community, 5 % of the rows bad."""
    from tests import roster_files as rf

    teams = ["双林最小处置单元", "双林巡逻队"]
    grids = ["双林第1网格", "双林第2网格", "双林第3网格"]
    rows, _ = rf.member_rows("双林社区", teams, grids, ROWS, start=900_000)
    return rf.to_xlsx(rf.HEADERS_ZH, rows)


def _measure(name: str, engine: Engine, data: bytes, report: Report) -> None:
    from tests.roster_world import build
    from ui.roster.common import import_aliases

    Base.metadata.create_all(engine)
    with session_scope(engine, write=True) as s:
        w = build(s)
        username = s.get(User, w.officer.user_id).username  # type: ignore[union-attr]
    with session_scope(engine) as s:
        actor = actor_for(s, s.scalars(select(User).where(User.username == username)).one())
    started = time.perf_counter()
    table = roster.read_table(data, "名册.xlsx")
    read = time.perf_counter() - started
    mapping = roster.guess_mapping("members", table.headers, table.hidden)
    started = time.perf_counter()
    with session_scope(engine, write=True) as s:
        plan = roster.preview_import(s, actor=actor, kind="members", table=table,
                                     mapping=mapping, aliases=import_aliases())
    check = time.perf_counter() - started
    started = time.perf_counter()
    with session_scope(engine, write=True) as s:
        done = roster.run_import(s, actor=actor, kind="members", table=table, mapping=mapping,
                                 aliases=import_aliases(), valid_only=True)
    write = time.perf_counter() - started  # checks the file again, then writes
    total = read + check + write
    floor = FLOORS[name]
    report(f"{name}: read {ROWS:,}-row .xlsx", read, "s")
    report(f"{name}: check (preview)", check, "s",
           f"add {plan.count('add')}, refused {plan.count('bad')}")
    report(f"{name}: check again + write", write, "s", f"added {done.added}")
    report(f"{name}: read + check + write", total, "s",
           f"floor ≤ {floor:.0f} s: {total / floor:.2f} of it")


def run(report: Report) -> None:
    data = roster_file()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'roster20k.db'}")
        _measure("SQLite", engine, data, report)
        engine.dispose()
    url = os.environ.get("PINGAN_BENCH_POSTGRES_URL")
    if not url:
        report("PostgreSQL: skipped", 0, "", "set PINGAN_BENCH_POSTGRES_URL to measure it")
        return
    schema = f"bench_roster20k_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        _measure("PostgreSQL", engine, data, report)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
