"""Disputes over the history, with parties and mediation, and the resolution-rate gain built in."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from db.models import Dispute, MediationStep
from services.demo import dates, figures, texts
from services.demo.leads import CATEGORIES, Leads
from services.demo.names import person_name
from services.demo.world import World
from services.demo.writer import Writer

KINDS = ("neighbour", "family", "property", "labour", "consumer", "other")
KIND_SHARE = np.array([0.34, 0.2, 0.16, 0.1, 0.12, 0.08])
PER_DAY = 6.0
RESOLVE_P = np.array([0.86, 0.885, 0.89, 0.92])  # by period, like the incident trend
GAIN = 3.5  # resolution rate since July, in points above the same window last year
MIN_IN_WINDOW = 60  # enough disputes in a window that the gain can be hit to 0.1 point
HOUR = 3_600
DAY = 86_400


@dataclass
class Drawn:
    reported: np.ndarray
    community: np.ndarray
    kind: np.ndarray
    resolved: np.ndarray
    resolved_at: np.ndarray  # -1 when not resolved


def write_disputes(w: Writer, world: World, leads: Leads, lead_ids: np.ndarray) -> tuple[int, int]:
    rng = world.rngs.np("disputes")
    d = _hit_gain(world, rng, _draw(world, rng))
    order = np.argsort(d.reported, kind="stable")  # ids in order of reporting
    d = Drawn(*(getattr(d, f)[order] for f in ("reported", "community", "kind", "resolved",
                                                "resolved_at")))
    ids = np.array(w.ids(Dispute, len(d.reported)), dtype=np.int64)
    rows = _rows(world, d, ids, _links(world, rng, d, leads, lead_ids))
    w.insert(Dispute, rows)
    steps = _mediation(world, d, ids, rows)
    w.insert(MediationStep, steps)
    return len(rows), len(steps)


def _draw(world: World, rng: np.random.Generator) -> Drawn:
    cal = world.cal
    days = cal.day_ordinals()
    july = cal.july.toordinal()
    boost = np.where(days >= july, 1.1, 1.0)
    per_day = rng.poisson(PER_DAY * boost)
    windows = cal.since_july()
    if windows is not None:  # pad short windows (early July) so the gain can be exact
        for first, last in windows:
            inside = figures.in_days(days, first, last)
            short = MIN_IN_WINDOW - per_day[inside].sum()
            if inside.any() and short > 0:
                per_day[inside] += rng.multinomial(short, np.full(inside.sum(), 1 / inside.sum()))
    day = np.repeat(days, per_day)
    n = len(day)
    reported = dates.ordinal_epoch(day) + rng.integers(8 * HOUR, 21 * HOUR, n)
    pop = world.populations
    community = rng.choice(len(pop), n, p=pop / pop.sum())
    period = np.select([day >= july, day >= cal.today.replace(month=1, day=1).toordinal(),
                        day >= cal.first.replace(year=cal.first.year + 1).toordinal()],
                       [3, 2, 1], 0)
    took = np.exp(rng.normal(np.log(2.5 * DAY), 1.0, n))
    ends = reported + took.astype(np.int64)
    resolved = (rng.random(n) < RESOLVE_P[period]) & (ends < cal.anchor)
    return Drawn(reported, community, rng.choice(len(KINDS), n, p=KIND_SHARE), resolved,
                 np.where(resolved, ends, -1))


def _hit_gain(world: World, rng: np.random.Generator, d: Drawn) -> Drawn:
    """Flip a few resolved flags in the two windows so the rates differ by exactly GAIN."""
    windows = world.cal.since_july()
    if windows is None:
        return d
    for _ in range(50):
        this, before = [(d.reported >= dates.day_epoch(a)) & (d.reported < dates.day_epoch(b) + DAY)
                        for a, b in windows]
        if not this.any() or not before.any():
            return d
        pair = figures.rate_pair(int(this.sum()), int(d.resolved[this].sum()),
                                 int(before.sum()), int(d.resolved[before].sum()), GAIN)
        if pair is not None:
            for mask, target in ((this, pair[0]), (before, pair[1])):
                _set_resolved(world, rng, d, mask, target)
            return d
        d = _one_more(d, int(rng.choice(np.flatnonzero(this))), world.cal.anchor, rng)
    return d  # pragma: no cover - a pair turns up within a few more disputes


def _one_more(d: Drawn, like: int, anchor: int, rng: np.random.Generator) -> Drawn:
    """One more open dispute, reported within the hour after `like`: the counts shared a factor."""
    at = min(d.reported[like] + int(rng.integers(600, 3_600)), anchor - 60)
    return Drawn(np.append(d.reported, at), np.append(d.community, d.community[like]),
                 np.append(d.kind, rng.integers(0, len(KINDS))), np.append(d.resolved, False),
                 np.append(d.resolved_at, -1))


def _set_resolved(world: World, rng: np.random.Generator, d: Drawn, mask: np.ndarray,
                  target: int) -> None:
    have = int(d.resolved[mask].sum())
    if target > have:  # resolve some open ones, the oldest most likely
        pool = np.flatnonzero(mask & ~d.resolved)
        age = (world.cal.anchor - d.reported[pool]).astype(float)
        pick = rng.choice(pool, target - have, replace=False, p=age / age.sum())
        span = world.cal.anchor - d.reported[pick]
        d.resolved_at[pick] = d.reported[pick] + (span * rng.uniform(0.1, 0.6, len(pick))).astype(
            np.int64)
        d.resolved[pick] = True
    elif target < have:
        pick = rng.choice(np.flatnonzero(mask & d.resolved), have - target, replace=False)
        d.resolved[pick] = False
        d.resolved_at[pick] = -1


def _links(world: World, rng: np.random.Generator, d: Drawn, leads: Leads,
           lead_ids: np.ndarray) -> dict[int, int]:
    """Some disputes grew out of a dispute lead in the same community in the two days before."""
    is_dispute = leads.category == CATEGORIES.index("dispute")
    lead_comm = np.array(world.grid_community)[leads.grid]
    out: dict[int, int] = {}
    used: set[int] = set()
    for c in range(len(world.community_ids)):
        pos = np.flatnonzero(is_dispute & (lead_comm == c))
        times = leads.created[pos]
        for i in np.flatnonzero(d.community == c).tolist():
            j = int(np.searchsorted(times, d.reported[i])) - 1
            if j >= 0 and d.reported[i] - times[j] < 2 * DAY and rng.random() < 0.35:
                if int(pos[j]) not in used:
                    used.add(int(pos[j]))
                    out[i] = int(lead_ids[pos[j]])
    return out


def _rows(world: World, d: Drawn, ids: np.ndarray, links: dict[int, int]) -> list[dict]:
    rng = world.rngs.py("dispute_rows")
    comms = world.layout.communities
    rows: list[dict] = []
    recent: dict[int, list[int]] = {}
    for i in range(len(ids)):
        c = int(d.community[i])
        kind = KINDS[int(d.kind[i])]
        grids = world.grids_of(c)
        row = {"id": int(ids[i]), "community_id": world.community_ids[c],
               "grid_id": world.grid_ids[rng.choice(grids)], "lead_id": links.get(i),
               "kind": kind, "address": texts.addresses(comms[c], rng, 1)[0],
               "parties": _parties(world, rng), "description": texts.dispute_text(kind, rng),
               "reported_at": dates.utc(int(d.reported[i])), "resolved": bool(d.resolved[i]),
               "resolved_at": dates.utc(int(d.resolved_at[i])) if d.resolved[i] else None,
               "resolution": texts.dispute_outcome(rng) if d.resolved[i] else "",
               "recurring_of_id": None}
        _maybe_recurring(rng, row, rows, recent.setdefault(c, []), d.reported, i)
        rows.append(row)
    return rows


def _maybe_recurring(rng: random.Random, row: dict, rows: list[dict], recent: list[int],
                     reported: np.ndarray, i: int) -> None:
    """About one in thirty comes back: same place and people within 90 days of the first."""
    while recent and reported[i] - reported[recent[0]] > 90 * DAY:
        recent.pop(0)
    if recent and rng.random() < 0.035:
        first = rows[rng.choice(recent)]
        row.update(address=first["address"], grid_id=first["grid_id"], kind=first["kind"],
                   parties=first["parties"], recurring_of_id=first["id"])
        row["description"] = "再次发生：" + row["description"]
    recent.append(i)


def _parties(world: World, rng: random.Random) -> list[dict[str, str]]:
    return [{"name": person_name(rng, rng.random() < 0.5), "phone": world.phones.next()}
            for _ in range(3 if rng.random() < 0.15 else 2)]


def _mediation(world: World, d: Drawn, ids: np.ndarray, rows: list[dict]) -> list[dict]:
    """One to three mediation steps for about half the disputes, by mediators or the officer."""
    rng = world.rngs.py("mediation")
    m = world.members
    mediators: dict[int, list[str]] = {}
    for i in range(len(m.ids)):
        if m.kind[i] == "mediator" and m.active[i]:
            mediators.setdefault(m.community[i], []).append(m.name[i])
    steps: list[dict] = []
    for i in range(len(ids)):
        if rng.random() > 0.45:
            continue
        c = int(d.community[i])
        end = int(d.resolved_at[i]) if d.resolved[i] else world.cal.anchor
        people = mediators.get(c, []) + [world.officer_names[world.community_officer[c]]]
        for _ in range(rng.randint(1, 3)):
            at = int(d.reported[i]) + int((end - int(d.reported[i])) * rng.uniform(0.05, 0.95))
            steps.append({"dispute_id": int(ids[i]), "at": dates.utc(at),
                          "by": rng.choice(people), "note": texts.mediation_note(rng)})
    steps.sort(key=lambda s: (s["dispute_id"], s["at"]))
    return steps
