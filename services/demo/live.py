"""The demo district that lives: simulate from the last simulated instant up to `until`.

The state (the last simulated instant, the leads still being worked on, officers checked in)
is one `system_setting` row written in the same transaction as the simulated rows, so a
crash loses nothing and a second run over the same span writes nothing twice. Every random
draw is seeded by the demo's seed and the hour or day it belongs to: simulating a week in one
batch or in thirty-second steps gives the same district.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import SystemSetting
from services.demo import live_daily, live_leads
from services.demo.live_state import LiveState

STATE_KEY = "demo_clock"
BATCH = timedelta(days=1)  # one transaction per simulated day when catching up


@dataclass(frozen=True)
class Advanced:
    """What one call simulated."""

    start: datetime | None
    end: datetime | None
    leads: int = 0
    steps: int = 0
    incident_days: int = 0
    disputes: int = 0
    presence: int = 0


def start_state(session: Session, *, at: int, seed: int, per_day: float) -> None:
    """Called by the demo load: the district lives from `at` (the start of the load's day)."""
    session.merge(SystemSetting(key=STATE_KEY, value=LiveState(at, seed, per_day).dump()))
    session.flush()


def read_state(session: Session, *, lock: bool = False) -> LiveState | None:
    """The state; with `lock`, held until the caller commits (PostgreSQL: FOR UPDATE), so two
    processes catching up at once simulate each span once (SQLite's BEGIN IMMEDIATE does it)."""
    stmt = select(SystemSetting.value).where(SystemSetting.key == STATE_KEY)
    raw = session.scalar(stmt.with_for_update() if lock else stmt)
    if raw is None:
        return None
    return LiveState(**json.loads(raw))


def simulated_to(session: Session) -> datetime | None:
    state = read_state(session)
    return None if state is None else datetime.fromtimestamp(state.at, UTC)


def advance(session: Session, *, until: datetime, batch: timedelta = BATCH) -> Advanced:
    """Simulate from the last simulated instant up to `until`, at most `batch` of it.

    Does nothing without a loaded demo or when `until` is not later than the last instant.
    The caller commits; call again (see `catch_up`) until `end` reaches `until`.
    """
    state = read_state(session, lock=True)
    if state is None:
        return Advanced(None, None)
    lo = state.at
    hi = min(int(until.timestamp()), lo + int(batch.total_seconds()))
    if hi <= lo:
        return Advanced(None, None)
    leads, steps = live_leads.simulate(session, state, lo, hi)
    days = live_daily.incidents(session, state, lo, hi)
    disputes = live_daily.disputes(session, state, lo, hi)
    presence = live_daily.presence(session, state, lo, hi)
    state.at = hi
    session.merge(SystemSetting(key=STATE_KEY, value=state.dump()))
    session.flush()
    return Advanced(datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC), leads,
                    steps, days, disputes, presence)


def catch_up(engine: sqlalchemy.Engine, *, until: datetime,
             progress: Callable[[datetime], None] | None = None) -> list[Advanced]:
    """Simulate up to `until` one day per transaction (safe to stop and run again)."""
    from db.engine import session_scope

    done: list[Advanced] = []
    while True:
        with session_scope(engine, write=True) as s:
            step = advance(s, until=until)
        if step.end is None:
            return done
        done.append(step)
        if progress:
            progress(step.end)
