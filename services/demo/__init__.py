"""The demo district generator: a plausible Dadukou district, written in a few transactions."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import sqlalchemy
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from db.base import Base
from db.engine import write_connection
from db.models import District, SystemSetting
from services.core import audit
from services.core.errors import Invalid
from services.demo import (
    cases,
    disputes,
    incidents,
    lead_rows,
    live,
    org,
    presence,
    roster,
    stories,
    users,
)
from services.demo.dates import Calendar, local_today
from services.demo.layout import layout
from services.demo.leads import Leads, default_count, generate, merge, timeline
from services.demo.names import IdRegistry, PhoneBook
from services.demo.rand import Rngs
from services.demo.world import World
from services.demo.writer import Writer

SETTING_KEY = "demo_loaded"
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class DemoSummary:
    """What one load wrote, row counts by kind."""

    seed: int
    today: date
    subdistricts: int
    stations: int
    offices: int
    communities: int
    villages: int
    grids: int
    officers: int
    teams: int
    members: int
    active_members: int
    social_units: int
    users: int
    leads: int
    lead_events: int
    incident_rows: int
    disputes: int
    mediation_steps: int
    presence: int
    alerts: int
    assistance_cases: int
    seconds: float


def load_demo(engine: sqlalchemy.Engine, *, leads: int | None = None, seed: int = 20260701,
              today: date | None = None, progress: Progress | None = None) -> DemoSummary:
    """Fill an empty database with the demo district; raises Invalid if a district exists.

    `progress(stage, fraction)` is called as the load goes, fraction of the whole from 0 to 1.
    Same seed and same `today` give the same data.
    """
    began = time.monotonic()
    report = progress or (lambda stage, fraction: None)
    world = _world(seed, today or local_today())
    with write_connection(engine) as conn:
        _refuse_if_loaded(conn)
        w = Writer(conn)
        counts = _organisation(w, world, report)
        plan = stories.write_alert(w, world)
    with write_connection(engine) as conn, _big_cache(conn):
        w.begin(conn)
        every, lead_ids, lead_counts = _leads(w, world, plan, leads, report)
    with write_connection(engine) as conn, _big_cache(conn):
        w.begin(conn)
        counts |= lead_counts | _activity(w, world, report, every, lead_ids)
        _finish(w, world, counts)
    with write_connection(engine) as conn:
        _statistics(conn)
    report("done", 1.0)
    return DemoSummary(seed=seed, today=world.cal.today, seconds=time.monotonic() - began,
                       **counts)


def _statistics(conn: Connection) -> None:
    """PostgreSQL plans from table statistics, which autovacuum gathers only some minutes after
    a bulk load: until then the board read a million leads in 316 ms instead of 14 ms
    (`make bench BENCH_ARGS=board`). Gathered now, for the app's own tables (by name, in the
    schema the connection uses). SQLite plans well without them."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        conn.exec_driver_sql(f'ANALYZE "{table.name}"')


@contextmanager
def _big_cache(conn: Connection) -> Iterator[None]:
    """SQLite: a 256 MB page cache while bulk writing keeps the many indexes in memory."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _world(seed: int, today: date) -> World:
    rngs = Rngs(seed)
    return World(cal=Calendar(today), rngs=rngs, layout=layout(), phones=PhoneBook(
        rngs.py("phones")), id_numbers=IdRegistry(rngs.py("id_numbers"), today))


def _refuse_if_loaded(conn: Connection) -> None:
    """Two loads at once: SQLite's BEGIN IMMEDIATE queues them; PostgreSQL needs a lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7411002)"))
    if conn.scalar(select(func.count()).select_from(District)):
        raise Invalid(key="demo.not_empty")


def _organisation(w: Writer, world: World, report: Progress) -> dict[str, int]:
    report("organisation", 0.0)
    org.write_org(w, world)
    report("roster", 0.02)
    units = roster.write_roster(w, world)
    report("users", 0.03)
    accounts = users.write_users(w, world)
    comms = world.layout.communities
    return {
        "subdistricts": len(world.sub_ids), "stations": len(world.station_ids),
        "offices": len(world.office_ids),
        "communities": sum(c.kind == "community" for c in comms),
        "villages": sum(c.kind == "village" for c in comms), "grids": len(world.grid_ids),
        "officers": len(world.officer_ids), "teams": len(world.team_ids),
        "members": len(world.members.ids), "active_members": sum(world.members.active),
        "social_units": units,
        "users": accounts, "alerts": 1,
    }


def _leads(w: Writer, world: World, plan: stories.AlertPlan, n: int | None, report: Progress
           ) -> tuple[Leads, np.ndarray, dict[str, int]]:
    report("leads", 0.06)
    total = default_count(world) if n is None else n
    extra = min(len(plan.sightings), total)
    general = generate(world, total - extra)
    sightings = plan.sightings.take(slice(0, extra))
    every = merge(general, sightings)
    timeline(world, every)
    ids, events = lead_rows.write_leads(w, world, every,
                                        lambda f: report("leads", 0.06 + 0.8 * f))
    return every, ids, {"leads": len(ids), "lead_events": events}


def _activity(w: Writer, world: World, report: Progress, every: Leads,
              lead_ids: np.ndarray) -> dict[str, int]:
    report("incidents", 0.87)
    rows = incidents.write_incidents(w, world)
    report("disputes", 0.93)
    n_disputes, n_steps = disputes.write_disputes(w, world, every, lead_ids)
    report("presence", 0.96)
    n_presence = presence.write_presence(w, world)
    report("assistance", 0.98)
    n_cases = cases.write_cases(w, world)
    return {"incident_rows": rows, "disputes": n_disputes, "mediation_steps": n_steps,
            "presence": n_presence, "assistance_cases": n_cases}


def _finish(w: Writer, world: World, counts: dict[str, int]) -> None:
    """The demo flag and one audit record, in the last transaction; then PostgreSQL serials."""
    w.fix_sequences()
    value = {"seed": world.rngs.seed, "today": world.cal.today.isoformat(),
             "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"), "leads": counts["leads"]}
    session = Session(bind=w.conn)
    session.add(SystemSetting(key=SETTING_KEY, value=json.dumps(value)))
    session.flush()
    live.start_state(session, at=world.cal.anchor, seed=world.rngs.seed,
                     per_day=counts["leads"] / len(world.cal.day_ordinals()))
    audit.record(session, actor=None, actor_name="system", action="demo.load",
                 entity="demo", after={**counts, "seed": world.rngs.seed,
                                       "today": world.cal.today.isoformat()})
    session.close()
