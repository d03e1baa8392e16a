"""Leads over the history as NumPy columns: when, where, what, who reported, and how they ran."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from services.demo import dates, geo
from services.demo.world import World

CATEGORIES = ("public_order", "suspicious", "dispute", "fraud", "fire", "help", "traffic", "other")
CATEGORY_SHARE = np.array([0.22, 0.11, 0.18, 0.08, 0.07, 0.17, 0.10, 0.07])
URGENCIES = ("routine", "urgent", "emergency")
URGENCY_BY_CATEGORY = np.array([  # routine, urgent, emergency; about 80 / 17 / 3 overall
    [0.78, 0.19, 0.03], [0.80, 0.18, 0.02], [0.82, 0.16, 0.02], [0.70, 0.25, 0.05],
    [0.70, 0.20, 0.10], [0.78, 0.18, 0.04], [0.80, 0.16, 0.04], [0.92, 0.075, 0.005]])
LEVELS = ("grid", "community", "station", "district")
LEVEL_SHARE = np.array([0.70, 0.22, 0.06, 0.02])
DEADLINES = {"routine": (240, 4320), "urgent": (30, 1440), "emergency": (5, 120)}  # minutes
HOURS_WEEKDAY = np.array([1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4.5, 6.0, 6.5, 6.0, 5.0, 5.0,
                          6.0, 6.5, 6.5, 6.0, 6.0, 6.5, 6.5, 5.5, 4.0, 2.2])
HOURS_WEEKEND = np.array([1.6, 1.0, 0.7, 0.5, 0.4, 0.4, 0.7, 1.3, 2.5, 4.0, 5.5, 6.0, 5.5, 5.0,
                          5.5, 6.0, 6.0, 6.0, 6.5, 7.0, 7.5, 7.0, 5.5, 3.2])
WEEKDAY_FACTOR = np.array([1.06, 1.02, 1.0, 1.0, 1.05, 0.92, 0.86])
LEADS_PER_YEAR = 40_000
# accept after dispatch and resolve after start: (median seconds, spread) per urgency
ACCEPT = {0: (2_400, 0.85), 1: (540, 0.6), 2: (110, 0.5)}
RESOLVE = {0: (13 * 3600, 0.85), 1: (4 * 3600, 0.8), 2: (2_700, 0.45)}
LEVEL_SLOWER = np.array([1.0, 1.3, 2.2, 3.0])


COLUMNS = ("created", "grid", "lon", "lat", "category", "urgency", "level", "reporter",
           "address", "alert_id")


@dataclass
class Leads:
    """One lead per position; times are epoch seconds (UTC); -1 where a step never happens."""

    created: np.ndarray
    grid: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    category: np.ndarray
    urgency: np.ndarray
    level: np.ndarray  # the level it is (or will be) closed at
    reporter: np.ndarray  # member index, or -1 when an officer reported it
    address: np.ndarray  # index into the grid's address pool
    alert_id: np.ndarray
    texts: dict[int, str] = field(default_factory=dict)  # position -> fixed description
    times: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.created)

    def take(self, index: np.ndarray | slice) -> Leads:
        """The leads at `index`, in that order; fixed descriptions move with them."""
        positions = np.arange(len(self))[index].tolist()
        new_place = {p: k for k, p in enumerate(positions)}
        return dataclasses.replace(
            self, **{c: getattr(self, c)[index] for c in COLUMNS}, times={},
            texts={new_place[p]: t for p, t in self.texts.items() if p in new_place})


def default_count(world: World) -> int:
    return round(LEADS_PER_YEAR * len(world.cal.day_ordinals()) / 365.25)


def generate(world: World, n: int) -> Leads:
    """n leads spread over the history with daily and weekly rhythm, inside their grids."""
    rng = world.rngs.np("leads")
    created = _created(world, rng, n)
    grid = _grids(world, rng, n)
    category, urgency = _kinds(rng, created)
    pts = np.zeros((n, 2))
    for g in np.unique(grid).tolist():
        where = np.flatnonzero(grid == g)
        pts[where] = geo.sample_in(world.grid_polys[g], len(where), rng, world.grid_hotspots[g])
    return Leads(created=created, grid=grid, lon=pts[:, 0], lat=pts[:, 1], category=category,
                 urgency=urgency, level=rng.choice(4, size=n, p=LEVEL_SHARE),
                 reporter=_reporters(world, rng, grid), address=rng.integers(0, 16, n),
                 alert_id=np.zeros(n, dtype=np.int64))


def _created(world: World, rng: np.random.Generator, n: int) -> np.ndarray:
    days = world.cal.day_ordinals()
    wd = dates.weekday(days)
    month = dates.months(dates.ordinal_epoch(days))
    season = 1 + 0.08 * np.cos((month - 7.5) / 6 * np.pi)  # busier in summer
    pilot = np.where(days >= world.cal.july.toordinal(), 1.15, 1.0)  # more eyes since July
    growth = np.linspace(0.9, 1.05, len(days))
    w = WEEKDAY_FACTOR[wd] * season * pilot * growth
    per_day = rng.multinomial(n, w / w.sum())
    day = np.repeat(days, per_day)
    weekend = dates.weekday(day) >= 5
    hour = np.where(weekend, rng.choice(24, n, p=HOURS_WEEKEND / HOURS_WEEKEND.sum()),
                    rng.choice(24, n, p=HOURS_WEEKDAY / HOURS_WEEKDAY.sum()))
    t = dates.ordinal_epoch(day) + hour * 3600 + rng.integers(0, 3600, n)
    return np.minimum(t, world.cal.anchor - 120)


def _grids(world: World, rng: np.random.Generator, n: int) -> np.ndarray:
    """Busier where more people live; towns' villages are quieter."""
    comm_w = world.populations * np.array(
        [1.25 if c.kind == "community" and c.sub < 5 else 1.0 if c.kind == "community" else 0.7
         for c in world.layout.communities])
    gc = np.array(world.grid_community)
    share = rng.uniform(0.6, 1.4, len(gc))
    share /= np.bincount(gc, weights=share)[gc]
    p = comm_w[gc] * share
    return rng.choice(len(gc), size=n, p=p / p.sum())


def _kinds(rng: np.random.Generator, created: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hour = ((created + dates.SHANGHAI_OFFSET) // 3600) % 24
    month = dates.months(created)
    w = np.tile(CATEGORY_SHARE, (len(created), 1))
    w[:, 0] *= np.where((hour >= 21) | (hour <= 2), 1.8, 1.0)  # public order: nights
    w[:, 6] *= np.where(np.isin(hour, (7, 8, 17, 18)), 1.6, 1.0)  # traffic: rush hours
    w[:, 4] *= np.where((month <= 2) | (month >= 11), 1.5, 1.0)  # fire: winter
    category = _pick(rng, w)
    urgency = _pick(rng, URGENCY_BY_CATEGORY[category])
    return category.astype(np.int8), urgency.astype(np.int8)


def _pick(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw from a (n, k) weight matrix."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1)


def _reporters(world: World, rng: np.random.Generator, grid: np.ndarray) -> np.ndarray:
    """A member of the grid (grid workers most), else of the community; sometimes the officer."""
    m = world.members
    out = np.full(len(grid), -1, dtype=np.int64)
    for g in np.unique(grid).tolist():
        where = np.flatnonzero(grid == g)
        cands = [i for i in range(len(m.ids)) if m.active[i] and m.grid[i] == g]
        if not cands:
            c = world.grid_community[g]
            cands = [i for i in range(len(m.ids)) if m.active[i] and m.community[i] == c]
        w = np.array([3.0 if m.kind[i] == "grid_worker" else 1.0 for i in cands])
        out[where] = rng.choice(cands, size=len(where), p=w / w.sum())
    officer = rng.random(len(grid)) < 0.12
    out[officer] = -1
    return out


def timeline(world: World, leads: Leads) -> None:
    """Draw each lead's steps; keep those before the anchor (start of today)."""
    rng = world.rngs.np("timeline")
    n, urg, lvl = len(leads), leads.urgency, leads.level
    night = (((leads.created + dates.SHANGHAI_OFFSET) // 3600) % 24) < 7
    accept_med = np.choose(urg, [ACCEPT[k][0] for k in range(3)]) * np.where(night, 1.5, 1.0)
    accept_sig = np.choose(urg, [ACCEPT[k][1] for k in range(3)])
    resolve_med = np.choose(urg, [RESOLVE[k][0] for k in range(3)]) * LEVEL_SLOWER[lvl]
    resolve_sig = np.choose(urg, [RESOLVE[k][1] for k in range(3)])
    t: dict[str, np.ndarray] = {"created": leads.created}
    t["dispatched"] = t["created"] + np.clip(np.rint(rng.lognormal(np.log(5), 0.5, n)), 2, 45)
    t["accepted"] = t["dispatched"] + np.maximum(_lognormal(rng, accept_med, accept_sig, n), 15)
    start_med = np.choose(urg, [1_800, 600, 60])  # most routine work starts within the hour
    t["started"] = t["accepted"] + _lognormal(rng, start_med, 0.9, n)
    escalates = lvl >= 2
    t["escalated"] = np.where(escalates, t["started"] + _lognormal(rng, 1_800, 0.6, n), -1)
    stuck = (rng.random(n) < 0.004) & (leads.alert_id == 0)
    extra = np.where(stuck, rng.uniform(4, 25, n) * 86_400, 0)
    base = np.where(escalates, t["escalated"], t["started"])
    t["resolved"] = base + _lognormal(rng, resolve_med, resolve_sig, n) + extra
    t["verified"] = t["resolved"] + _lognormal(rng, 7_200, 0.9, n)
    t["closed"] = t["verified"] + _lognormal(rng, 18_000, 0.9, n)
    anchor = world.cal.anchor
    for key, arr in t.items():
        arr = np.rint(arr).astype(np.int64)
        t[key] = np.where((arr >= 0) & (arr < anchor), arr, -1)
    # "new" is rare: two leads of the last hours wait for a manual dispatch.
    waiting = np.flatnonzero((leads.created >= anchor - 3 * 3600) & (leads.alert_id == 0))[-2:]
    if n >= 2_000:
        for key in t:
            if key != "created":
                t[key][waiting] = -1
    leads.times = t


def _lognormal(rng: np.random.Generator, median: np.ndarray | float,
               sigma: np.ndarray | float, n: int) -> np.ndarray:
    return np.asarray(median) * np.exp(rng.normal(0, 1, n) * np.asarray(sigma))


def merge(a: Leads, b: Leads) -> Leads:
    """Both sets of leads, in order of creation (ids follow that order)."""
    joined = dataclasses.replace(
        a, **{c: np.concatenate([getattr(a, c), getattr(b, c)]) for c in COLUMNS},
        texts=a.texts | {len(a) + k: v for k, v in b.texts.items()}, times={})
    return joined.take(np.argsort(joined.created, kind="stable"))
