"""Daily incident counts per community, with the pilot's drop since July built in exactly."""

from __future__ import annotations

from datetime import date

import numpy as np

from db.models import IncidentCount
from services.demo import dates, figures
from services.demo.world import World
from services.demo.writer import Writer

CATEGORIES = ("criminal", "public_order", "other")
PER_DAY = np.array([7.5, 14.0, 26.0])  # district-wide, in the year before the history starts
# year-on-year multipliers: history year 1, year 2, this year before July, this year since July
TREND = np.array([[1.0, 0.97, 0.94, 0.97 * 0.681],
                  [1.0, 1.03, 0.99, 1.03 * 0.857],
                  [1.0, 1.01, 1.02, 1.00]])
SINCE_JULY = {0: -31.9, 1: -14.3}  # the bureau's figures, in per cent


def write_incidents(w: Writer, world: World) -> int:
    rng = world.rngs.np("incidents")
    days = world.cal.day_ordinals()
    rate = _rates(world, days)
    counts = rng.poisson(rate)
    windows = world.cal.since_july()
    if windows is not None:
        this = figures.in_days(days, *windows[0])
        before = figures.in_days(days, *windows[1])
        if this.any():
            for k, pct in SINCE_JULY.items():
                _hit(counts[:, k, :], rate[:, k, :], this, before, pct, rng)
    return _write(w, world, days, counts)


def _rates(world: World, days: np.ndarray) -> np.ndarray:
    """Expected count per (day, category, community): population, season, weekday, trend."""
    pop = world.populations
    urban = np.array([1.2 if c.kind == "community" else 0.8 for c in world.layout.communities])
    share = pop * urban / (pop * urban).sum()
    month = dates.months(dates.ordinal_epoch(days))
    season = 1 + 0.12 * np.cos((month - 7.5) / 6 * np.pi)
    wd = dates.weekday(days)
    weekend = np.where((wd >= 5)[:, None], np.array([0.95, 1.15, 0.9])[None, :], 1.0)
    per_cat = PER_DAY[None, :] * TREND[:, _period(world, days)].T * season[:, None] * weekend
    return per_cat[:, :, None] * share[None, None, :]


def _period(world: World, days: np.ndarray) -> np.ndarray:
    """0, 1 for the two full years of history; 2 this year before July; 3 since July."""
    july = world.cal.july.toordinal()
    this_year = date(world.cal.today.year, 1, 1).toordinal()
    second = date(world.cal.first.year + 1, 1, 1).toordinal()
    return np.select([days >= july, days >= this_year, days >= second], [3, 2, 1], 0)


def _hit(counts: np.ndarray, rate: np.ndarray, this: np.ndarray, before: np.ndarray,
         pct: float, rng: np.random.Generator) -> None:
    """Fix the two windows' totals so the change is `pct` to one decimal; spread by rate."""
    b_total, t_total = figures.pct_pair(int(counts[before].sum()), pct)
    for mask, total in ((before, b_total), (this, t_total)):
        block = counts[mask]
        fixed = figures.set_total(block.ravel(), rate[mask].ravel(), total, rng)
        counts[mask] = fixed.reshape(block.shape)


def _write(w: Writer, world: World, days: np.ndarray, counts: np.ndarray) -> int:
    n_days, n_cat, n_comm = counts.shape
    d_idx, k_idx, c_idx = np.meshgrid(np.arange(n_days), np.arange(n_cat), np.arange(n_comm),
                                      indexing="ij")
    comm_ids = np.array(world.community_ids)
    return w.insert_columns(IncidentCount, {
        "day": days[d_idx.ravel()],
        "category": [CATEGORIES[k] for k in k_idx.ravel().tolist()],
        "community_id": comm_ids[c_idx.ravel()].tolist(),
        "count": counts.ravel().tolist(),
    })
