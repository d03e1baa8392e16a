"""Reliability: 8 writers' versioned edits of shared records lose nothing; an import killed
with SIGKILL in the middle leaves the database consistent and the import all-or-nothing.

(8 writers × 500 new records, 0 lost, on both databases: tests/test_leads_concurrency.py.
Here the harder case: edits of the same records at once, each with the version it saw.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from db.engine import session_scope
from db.models import AssistanceCase, AuditLog, Member
from services.cases import files as cases
from services.core import audit
from services.core.errors import Conflict
from tests import roster_files as rf
from tests.concurrently import run_concurrently
from tests.leads_world import build as build_leads
from tests.roster_world import build as build_roster

ROOT = Path(__file__).resolve().parent.parent
WRITERS, EACH, RECORDS = 8, 125, 4  # 1,000 edits, two writers on each record


def _version(engine: Engine, case_id: int) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(AssistanceCase.version).where(AssistanceCase.id == case_id)))


def test_eight_writers_editing_the_same_records_lose_nothing(engine: Engine) -> None:
    """Two writers per record, each edit carrying the version it saw: a stale edit gets a
    Conflict and is redone from the fresh version, never silently overwritten."""
    with session_scope(engine, write=True) as s:
        w = build_leads(s)
        ids = [cases.open_case(s, actor=w.officer1, community_id=w.c1.id, household=f"住户{i}",
                               needs="起始") for i in range(RECORDS)]
    saved = [0] * WRITERS
    conflicts = [0] * WRITERS
    barrier = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        case_id = ids[n % RECORDS]
        barrier.wait()
        while saved[n] < EACH:
            shown = _version(engine, case_id)
            try:
                with session_scope(engine, write=True) as s:
                    cases.update_case(s, actor=w.officer1, case_id=case_id, household="住户",
                                      shown_version=shown, needs=f"w{n} #{saved[n]}")
                saved[n] += 1
            except Conflict:
                conflicts[n] += 1

    errors = run_concurrently(writer, WRITERS)
    assert errors == []
    with session_scope(engine) as s:
        versions = [s.scalar(select(AssistanceCase.version).where(AssistanceCase.id == i))
                    for i in ids]
        edits = s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "cases.update")) or 0
        chain = audit.verify_chain(s)
    print(f"\nconcurrency [{engine.dialect.name}]: {WRITERS} writers × {EACH} edits, "
          f"{sum(conflicts)} conflicts redone, {WRITERS * EACH - (edits or 0)} lost")
    assert sum(saved) == edits == WRITERS * EACH  # every edit saved and audited once
    assert versions == [1 + EACH * (WRITERS // RECORDS)] * RECORDS  # none overwritten
    assert chain.first_broken_id is None


CHILD = """
import sys, time
from sqlalchemy import select
from db.engine import make_engine, session_scope
from db.models import User
from services import roster
from services.accounts.auth import actor_for
from ui.roster.common import import_aliases

url, schema, username, path, wait = sys.argv[1:6]
kw = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
engine = make_engine(url, **kw)
table = roster.read_table(open(path, "rb").read(), "roster.csv")

said = []

def progress(done, total):
    if done >= total // 2 and not said and wait == "wait":
        said.append(done)
        print("HALF", done, total, flush=True)
        time.sleep(60)  # killed here, in the middle of the transaction

with session_scope(engine, write=True) as s:
    user = s.scalar(select(User).where(User.username == username))
    roster.run_import(s, actor=actor_for(s, user), kind="members", table=table,
                      mapping=roster.guess_mapping("members", table.headers),
                      aliases=import_aliases(), progress=progress)
print("FINISHED", flush=True)
"""


def _counts(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        return (s.scalar(select(func.count()).select_from(Member)) or 0,
                s.scalar(select(func.count()).select_from(AuditLog)) or 0)


def _run_child(engine: Engine, username: str, path: Path, kill: bool) -> list[str]:
    """Run the import in another process; with `kill`, SIGKILL it once it is half done."""
    schema = ""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = str(conn.scalar(text("SELECT current_schema()")))
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, url, schema, username, str(path),
         "wait" if kill else "go"], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in proc.stdout:  # the child says HALF (then waits) or FINISHED
            lines.append(line.strip())
            if line.startswith("HALF") and kill:
                os.kill(proc.pid, signal.SIGKILL)
                break
            if line.startswith("FINISHED"):
                break
    finally:
        if proc.poll() is None and kill:
            proc.kill()
        proc.wait(timeout=120)
    return lines


def test_an_import_killed_with_sigkill_is_all_or_nothing(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine, write=True) as s:
        w = build_roster(s)
        officer = w.officer.username
    rows, _ = rf.member_rows("双林社区", ["双林最小处置单元", "双林巡逻队"],
                             [g.name for g in w.grids_a], 600, bad_every=0, start=1000)
    path = tmp_path / "roster.csv"
    path.write_bytes(rf.to_csv(rf.HEADERS_ZH, rows))
    before = _counts(engine)

    said = _run_child(engine, officer, path, kill=True)
    assert [line.split()[0] for line in said] == ["HALF"], said
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.scalar(text("PRAGMA integrity_check")) == "ok"
    assert _counts(engine) == before  # nothing of the killed import is left
    with session_scope(engine) as s:
        assert audit.verify_chain(s).first_broken_id is None

    assert _run_child(engine, officer, path, kill=False)[-1] == "FINISHED"  # now all of it
    members, entries = _counts(engine)
    assert members == before[0] + 600 and entries == before[1] + 601
    with session_scope(engine) as s:
        assert audit.verify_chain(s).first_broken_id is None
