"""The spreadsheet reader and the incident import: 100,000 dispatch rows totalled and written,
and every hostile file refused, with the time and this process's memory growth (the server's
share: the parse itself runs in a capped child) beside a floor measured in the same run."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Community
from services import sheets
from services.accounts.auth import actor_for
from services.stats.importer import import_incidents, plan_import
from services.stats.importfile import guess_mapping, read_export
from tests import factories as f
from tests import sheet_files as sf

Report = Callable[..., None]
MEANING = {"盗窃": "criminal", "诈骗": "criminal", "纠纷": "other", "交通事故": "other",
           "打架斗殴": "public_order", "噪音扰民": "public_order", "重复报警": "skip"}


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def hostile(report: Report) -> None:
    good = sf.xlsx([["日期", "类别", "社区", "数量"], ["2026-11-01", "刑事", "双林社区", 1]])
    t0 = time.perf_counter()
    sheets.read_sheet(good, "good.xlsx")
    floor = time.perf_counter() - t0
    report("read a 2-row .xlsx (floor)", floor, "s", "a capped child process per parse")
    for name in sorted(sf.HOSTILE):
        filename, data, key = sf.hostile(name)
        before = _rss_mb()
        t0 = time.perf_counter()
        try:
            sheets.read_sheet(data, filename)
            outcome = "READ (not refused!)"
        except sheets.SheetError as exc:
            outcome = exc.key + ("" if exc.key == key else f" (expected {key})")
        took = time.perf_counter() - t0
        grown = _rss_mb() - before
        report(f"hostile {name} ({len(data) / 1024:,.0f} KB) refused", took, "s",
               f"{took / floor:.1f}x floor; limit 3 s; server RSS +{grown:.0f} MB "
               f"(limit 200); children's peak {_child_peak_mb():.0f} MB; {outcome}")


def dispatch(report: Report) -> None:
    places = [("新山村派出所", f"社区{i}") for i in range(20)]
    rows = sf.dispatch_rows(places, 100_000)
    data = sf.dispatch_export(rows)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        with session_scope(engine, write=True) as s:
            st = f.station(s, name="新山村派出所")
            for _, name in places:
                f.community(s, station_=st, name=name)
            admin_user = f.user(s, "admin")
            s.flush()
            admin = actor_for(s, admin_user)
        before = _rss_mb()
        t0 = time.perf_counter()
        table = read_export(data, "110.xlsx")
        t1 = time.perf_counter()
        mapping = guess_mapping(table, "incidents")
        decisions = {"category": MEANING}
        with session_scope(engine) as s:
            plan = plan_import(s, actor=admin, table=table, mapping=mapping, mode="incidents",
                               decisions=decisions)
        t2 = time.perf_counter()
        with session_scope(engine, write=True) as s:
            done = import_incidents(s, actor=admin, table=table, mapping=mapping,
                                    mode="incidents", decisions=decisions, filename="110.xlsx")
            n = len(s.scalars(select(Community.id)).all())
        t3 = time.perf_counter()
        report("import 100,000 dispatch rows (.xlsx, SQLite)", t3 - t0, "s",
               f"read {t1 - t0:.1f} s, check {t2 - t1:.1f} s, write {t3 - t2:.1f} s; limit 30 s;"
               f" {done.inserted} incidents in {n} communities, {plan.rejected} rejected; "
               f"RSS +{_rss_mb() - before:.0f} MB")
        t0 = time.perf_counter()
        with session_scope(engine, write=True) as s:
            again = import_incidents(s, actor=admin, table=table, mapping=mapping,
                                     mode="incidents", decisions=decisions)
        report("the same 100,000 rows again (nothing added)", time.perf_counter() - t0, "s",
               f"{again.inserted} added, {again.skipped} already counted")
        engine.dispose()


def run(report: Report) -> None:
    hostile(report)
    dispatch(report)
