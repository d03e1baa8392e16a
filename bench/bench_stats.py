"""Statistics at ten years of daily incident counts and a million leads: each view's service
calls against the bare SQL they send, side by side; the import of a 100,000-row file."""

from __future__ import annotations

import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from sqlalchemy import Engine, event, func, insert, select

from bench.common import sqlite_million
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Community, IncidentCount, User
from services.accounts.auth import actor_for
from services.core.actor import Actor
from services.core.clock import local_today
from services.stats import disputes, incidents, leads, presence, teams
from services.stats.importer import import_incidents, plan_import
from services.stats.importfile import guess_mapping, read_export
from services.stats.periods import period_for

Report = Callable[..., None]
YEARS = 10
ROUNDS = 7
CATS = ("criminal", "public_order", "other")


def ten_years(engine: Engine) -> int:
    """Add daily counts for every community back to ten years before today (kept in the file)."""
    first = date(local_today().year - YEARS + 1, 1, 1)
    with session_scope(engine, write=True) as s:
        oldest = s.scalar(select(func.min(IncidentCount.day)))
        if oldest is None or oldest <= first:
            return 0
        ids = s.scalars(select(Community.id)).all()
        rng, day, added = random.Random(10), first, 0
        rows: list[dict[str, Any]] = []
        while day < oldest:
            rows += [{"day": day, "category": c, "community_id": i, "count": rng.randint(0, 5)}
                     for i in ids for c in CATS]
            day += timedelta(days=1)
            if len(rows) > 50_000 or day == oldest:
                s.execute(insert(IncidentCount), rows)
                added, rows = added + len(rows), []
        return added


VIEWS: dict[str, Callable[[Any, Actor, Any, date], object]] = {
    "incidents": lambda s, a, p, d: (
        incidents.compare_incidents(s, actor=a, period=p),
        incidents.incidents_by_community(s, actor=a, period=p),
        incidents.community_ranking(s, actor=a, period=p),
        incidents.monthly_trend(s, actor=a, through=p.last)),
    "disputes": lambda s, a, p, d: (
        disputes.resolution_change(s, actor=a, period=p),
        disputes.resolution_by_kind(s, actor=a, period=p),
        disputes.open_by_age(s, actor=a), disputes.came_back(s, actor=a, period=p)),
    "leads": lambda s, a, p, d: leads.lead_report(s, actor=a, period=p),
    "officers' time": lambda s, a, p, d: (
        presence.hours_change(s, actor=a, today=d), presence.per_officer(s, actor=a, today=d)),
    "teams": lambda s, a, p, d: (
        teams.per_team(s, actor=a, period=p), teams.per_member(s, actor=a, period=p)),
}


def _record(engine: Engine, call: Callable[[], object]) -> list[tuple[str, Any]]:
    """The statements (with their parameters) that one call sends to the database."""
    sent: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, params))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return sent


def _bare(engine: Engine, sent: list[tuple[str, Any]]) -> None:
    """The same SQL through the driver's own cursor: no ORM, no pandas, no Python figures."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for statement, params in sent:
            cur.execute(statement, params)
            cur.fetchall()
        cur.close()
    finally:
        raw.close()


def views(engine: Engine, report: Report) -> None:
    today = local_today()
    period = period_for("since_july", today)
    with session_scope(engine) as s:
        actor = actor_for(s, s.scalars(select(User).where(User.username == "commander")).one())

    for name, view in VIEWS.items():
        def call(view: Any = view) -> None:
            with session_scope(engine) as s:
                view(s, actor, period, today)

        sent = _record(engine, call)
        service, bare = [], []
        for _ in range(ROUNDS):  # side by side, alternating, so load changes hit both
            t0 = time.perf_counter()
            call()
            t1 = time.perf_counter()
            _bare(engine, sent)
            t2 = time.perf_counter()
            service.append(t1 - t0)
            bare.append(t2 - t1)
        # Best of the rounds, for each: other work on the machine only ever adds time.
        s_best, b_best = min(service), min(bare)
        s_med, b_med = statistics.median(service) * 1000, statistics.median(bare) * 1000
        report(f"stats view: {name}", s_best * 1000, "ms",
               f"bare SQL {b_best * 1000:.0f} ms ({len(sent)} statements): "
               f"{s_best / b_best:.2f}x, limit 1.5x (medians {s_med:.0f} / {b_med:.0f} ms)")


def _org_copy(source: Engine, target: Engine) -> None:
    """The bench district's communities in an empty database, for the import."""
    from db.models import District, PoliceOffice, Station, Subdistrict

    upgrade(target)
    with session_scope(source) as s, session_scope(target, write=True) as t:
        for model in (District, Subdistrict, Station, PoliceOffice, Community):
            cols = [c.key for c in model.__table__.columns
                    if c.key not in {"officer_id", "duty_supervisor_id", "backup_officer_id"}]
            rows = [dict(r._mapping) for r in s.execute(select(*[model.__table__.c[c]
                                                                  for c in cols]))]
            t.execute(insert(model), rows)
        t.execute(insert(User), [{"username": "bench_admin", "display_name": "bench",
                                   "password_hash": "x", "role": "admin",
                                   "scope_kind": "district"}])


def _rows(names: list[str], rows: int, shift: int) -> list[tuple[Any, ...]]:
    rng = random.Random(shift)
    days = -(-rows // (len(names) * 3))
    first = local_today() - timedelta(days=days)
    return [(first + timedelta(days=d), c, n, rng.randint(0, 9) + shift)
            for d in range(days) for n in names for c in ("刑事", "治安", "其他")][:rows]


HEAD = ("日期", "警情类别", "社区", "起数")


def _csv(rows: list[tuple[Any, ...]]) -> bytes:
    return pd.DataFrame(rows, columns=list(HEAD)).to_csv(index=False).encode("utf-8")


def _xlsx(rows: list[tuple[Any, ...]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def importing(engine: Engine, report: Report) -> None:
    """Read, check (the preview) and write 100,000 rows, as the import page does."""
    with tempfile.TemporaryDirectory() as folder:
        target = make_engine(f"sqlite:///{Path(folder) / 'import.db'}")
        _org_copy(engine, target)
        with session_scope(target) as s:
            names = list(s.scalars(select(Community.name)))
            admin = actor_for(s, s.scalars(select(User)).one())
        cases = (("CSV, new rows", "export.csv", _csv, 0, "skip"),
                 ("CSV, every row updated", "export.csv", _csv, 1, "update"),
                 ("Excel, every row updated", "export.xlsx", _xlsx, 2, "update"))
        for label, name, make, shift, mode in cases:
            data = make(_rows(names, 100_000, shift))
            t0 = time.perf_counter()
            table = read_export(data, name)
            mapping = guess_mapping(table, "daily")
            with session_scope(target) as s:
                plan = plan_import(s, actor=admin, table=table, mapping=mapping)
            t1 = time.perf_counter()
            with session_scope(target, write=True) as s:
                done = import_incidents(s, actor=admin, table=table, mapping=mapping,
                                        on_existing=mode, filename=name)
            t2 = time.perf_counter()
            report(f"import 100,000 rows, {label}", t2 - t0, "s",
                   f"read+check {t1 - t0:.1f} s, write {t2 - t1:.1f} s; limit 20 s; "
                   f"{done.inserted} added, {done.updated} updated, {plan.rejected} rejected")
        target.dispose()


def run(report: Report) -> None:
    engine = sqlite_million()
    t0 = time.perf_counter()
    added = ten_years(engine)
    with session_scope(engine) as s:
        n, first = s.execute(select(func.count(), func.min(IncidentCount.day))).one()
    report("incident count rows", n, "rows",
           f"from {first}; {added} added now in {time.perf_counter() - t0:.0f} s")
    views(engine, report)
    importing(engine, report)
