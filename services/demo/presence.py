"""Officers' time in their communities: about 6 hours a week before July, 40+ since."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from db.models import Presence
from services.demo import dates
from services.demo.world import World
from services.demo.writer import Writer

HOURS_BEFORE = 6.0  # a week, per officer, [1 January, 1 July) of this year
HOURS_AFTER = 41.5  # a week, per officer, [1 July, start of today)
HOUR = 3_600


def write_presence(w: Writer, world: World) -> int:
    rng = world.rngs.py("presence")
    cal = world.cal
    first = date(cal.today.year - 1, 1, 1)
    spans: list[tuple[int, int, int, int]] = []  # officer, community, start, end
    for k, beat in enumerate(world.officer_communities):
        day = first
        while day < cal.today:
            new_regime = day >= cal.july
            for begin, finish in (pilot_shifts(day, rng) if new_regime else _before(day, rng)):
                spans.append((k, rng.choice(beat), begin, min(finish, cal.anchor - 60)))
            day += timedelta(days=1)
    start = np.array([s[2] for s in spans], dtype=np.int64)
    end = np.array([s[3] for s in spans], dtype=np.int64)
    officers = len(world.officer_ids)
    july = min(dates.day_epoch(cal.july), cal.anchor)  # loaded before July: only the days so far
    windows = [(dates.day_epoch(date(cal.july.year, 1, 1)), july, HOURS_BEFORE),
               (july, cal.anchor, HOURS_AFTER)]
    for lo, hi, per_week in windows:
        if hi > lo:
            end = _calibrate(start, end, lo, hi, per_week * (hi - lo) / (7 * 86_400) * officers,
                             cal.anchor)
    return w.insert_columns(Presence, {
        "officer_id": [world.officer_ids[s[0]] for s in spans],
        "community_id": [world.community_ids[s[1]] for s in spans],
        "started_at": start, "ended_at": end,
        "hours": [None] * len(spans), "source": ["checkin"] * len(spans),
        "reason": [""] * len(spans)})


def _before(day: date, rng: random.Random) -> list[tuple[int, int]]:
    """The old routine: an afternoon or morning in the community about twice a week."""
    if day.weekday() == 6 or rng.random() > 2 / 6:
        return []
    start = dates.day_epoch(day) + rng.randint(9 * 4, 15 * 4) * 900
    return [(start, start + int(rng.gauss(3.0, 0.6) * HOUR))]


def pilot_shifts(day: date, rng: random.Random) -> list[tuple[int, int]]:
    """Stationed in the community: weekday shifts, some weekends, a late patrol now and then."""
    base = dates.day_epoch(day)
    wd = day.weekday()
    out: list[tuple[int, int]] = []
    if wd < 5 or rng.random() < (0.5 if wd == 5 else 0.25):
        start = base + rng.randint(32, 38) * 900
        length = rng.uniform(7.0, 8.5) if wd < 5 else rng.uniform(3.0, 5.0)
        out.append((start, start + int(length * HOUR)))
    if wd in (4, 5) and rng.random() < 0.2:  # evening patrol past midnight
        start = base + rng.randint(78, 82) * 900
        out.append((start, start + int(rng.uniform(4.0, 6.0) * HOUR)))
    return out


def _calibrate(start: np.ndarray, end: np.ndarray, lo: int, hi: int, target_hours: float,
               anchor: int) -> np.ndarray:
    """Stretch the spans starting in [lo, hi) so their hours add up to the target exactly."""
    inside = (start >= lo) & (start < hi)
    fixed = inside & (start >= anchor - 86_400)  # the last day's spans already end before now
    free = inside & ~fixed
    have = (end[free] - start[free]).sum() / HOUR
    need = target_hours - (end[fixed] - start[fixed]).sum() / HOUR
    if have <= 0 or need <= 0:
        return end
    out = end.copy()
    out[free] = start[free] + np.rint((end[free] - start[free]) * (need / have)).astype(np.int64)
    return out
