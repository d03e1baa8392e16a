"""Lead rows and their event history, written in chunks with Core executemany."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from db.models import Lead, LeadEvent
from services.core.leadstate import closed_level
from services.demo import lead_tasks, texts
from services.demo.leads import CATEGORIES, DEADLINES, LEVELS, URGENCIES, Leads
from services.demo.world import World
from services.demo.writer import Writer

CHUNK = 20_000
FULL_HISTORY_DAYS = 90  # older leads keep a compact history: created .. closed, five events
STEPS = ("created", "dispatched", "accepted", "started", "escalated", "resolved", "verified",
         "closed")
STATUS_AFTER = {"created": "new", "dispatched": "dispatched", "accepted": "accepted",
                "started": "in_progress", "escalated": "escalated", "resolved": "resolved",
                "verified": "verified", "closed": "closed"}
COMPACT = {"created", "dispatched", "accepted", "resolved", "closed"}
ESCALATION_NOTE = {2: "超出社区处置能力，提请派出所处置。", 3: "需多部门协同，上报分局指挥中心。"}


class Pools:
    """Per grid: 16 addresses; descriptions made on first use, per grid, category and address."""

    def __init__(self, world: World) -> None:
        self._rng = world.rngs.py("lead_texts")
        self._specs = [world.layout.communities[c] for c in world.grid_community]
        self.address = [texts.addresses(spec, self._rng, 16) for spec in self._specs]
        self._descriptions: dict[tuple[int, int, int], str] = {}
        self.resolution = [[texts.resolution(level, self._rng) for _ in range(24)]
                           for level in LEVELS]

    def description(self, grid: int, category: int, address: int) -> str:
        key = (grid, category, address)
        if key not in self._descriptions:
            spec, rng = self._specs[grid], self._rng
            where = texts.place(self.address[grid][address], spec, rng)
            self._descriptions[key] = texts.lead_description(CATEGORIES[category], where, rng)
        return self._descriptions[key]


def statuses(t: dict[str, np.ndarray]) -> np.ndarray:
    """Status at the anchor: the last step that has happened."""
    st = np.full(len(t["created"]), "new", dtype=object)
    for step in STEPS[1:]:
        st[t[step] >= 0] = STATUS_AFTER[step]
    return st


def write_leads(w: Writer, world: World, leads: Leads,
                progress: Callable[[float], None] | None = None) -> tuple[np.ndarray, int]:
    """Insert every lead and its events; returns (lead ids in order, event count)."""
    pools = Pools(world)
    ids = np.array(w.ids(Lead, len(leads)), dtype=np.int64)
    rng = world.rngs.np("lead_rows")
    pick = rng.integers(0, 24, len(leads))
    events = 0
    pool = lead_tasks.takers(world)
    m = world.members
    team = np.array([world.team_ids[(m.community[i], m.kind[i])] for i in range(len(m.ids))])
    for start in range(0, len(leads), CHUNK):
        sl = slice(start, min(start + CHUNK, len(leads)))
        people = _people(world, leads, sl)
        people["by_team"] = lead_tasks.by_team(world, leads, sl, pool)
        w.insert_columns(Lead, _lead_columns(world, leads, sl, ids, pools, pick, people))
        lead_tasks.write_tasks(w, world, leads, sl, ids, people["officer_user"],
                               np.array(world.community_ids)[people["community"]], pool, team)
        ev = _event_columns(world, leads, sl, ids, pools, pick, people)
        ev["id"] = w.ids(LeadEvent, len(ev["lead_id"]))
        events += w.insert_columns(LeadEvent, ev)
        if progress:
            progress(sl.stop / len(leads))
    return ids, events


def _people(world: World, leads: Leads, sl: slice) -> dict[str, np.ndarray]:
    """Reporter and handler ids for a chunk (0 stands for none)."""
    gc = np.array(world.grid_community)[leads.grid[sl]]
    officer = np.array(world.community_officer)[gc]
    officer_user = np.array(world.officer_user_ids)[officer]
    duty_user = np.array(world.duty_user_ids)[np.array(world.community_sub)[gc]]
    rep = leads.reporter[sl]
    member_ids = np.array(world.members.ids + [0])[rep]  # -1 picks the trailing 0
    rep_user = np.where(rep < 0, officer_user, np.where(rep == world.grid_login_member,
                                                        world.logins["grid"], 0))
    escalated = leads.times["escalated"][sl] >= 0
    return {"community": gc, "officer": np.array(world.officer_ids)[officer],
            "officer_user": officer_user, "handler": np.where(escalated, duty_user, officer_user),
            "member": member_ids, "reporter_user": rep_user}


def _none0(a: np.ndarray) -> list[Any]:
    return [None if v == 0 else v for v in a.tolist()]


def _lead_columns(world: World, leads: Leads, sl: slice, ids: np.ndarray, pools: Pools,
                  pick: np.ndarray, people: dict[str, np.ndarray]) -> dict[str, list[Any]]:
    t = {k: v[sl] for k, v in leads.times.items()}
    st = statuses(t)
    new = st == "new"
    grid, cat, urg, lvl = leads.grid[sl], leads.category[sl], leads.urgency[sl], leads.level[sl]
    addr = leads.address[sl]
    accept_min = np.array([DEADLINES[u][0] for u in URGENCIES])[urg] * 60
    resolve_min = np.array([DEADLINES[u][1] for u in URGENCIES])[urg] * 60
    # dispatch gives the community officer ("community"); escalation raises it
    level = np.where(t["escalated"] >= 0, lvl, 1)
    phones = np.array(world.members.phone + [""], dtype=object)[leads.reporter[sl]]
    first = sl.start or 0
    desc = [pools.description(g, c, a) if first + i not in leads.texts
            else leads.texts[first + i].format(a=pools.address[g][a])
            for i, (g, c, a) in enumerate(zip(grid.tolist(), cat.tolist(), addr.tolist(),
                                              strict=True))]
    resolved = t["resolved"] >= 0
    return {
        "id": ids[sl], "created_at": t["created"],
        "reporter_user_id": _none0(people["reporter_user"]),
        "reporter_member_id": _none0(people["member"]), "reporter_contact": phones.tolist(),
        "community_id": np.array(world.community_ids)[people["community"]].tolist(),
        "grid_id": np.array(world.grid_ids)[grid].tolist(),
        "lat": leads.lat[sl].tolist(), "lon": leads.lon[sl].tolist(),
        "address": [pools.address[g][a] for g, a in zip(grid.tolist(), addr.tolist(), strict=True)],
        "category": [CATEGORIES[c] for c in cat.tolist()],
        "urgency": [URGENCIES[u] for u in urg.tolist()], "description": desc,
        "status": st.tolist(), "level": [LEVELS[v] for v in level.tolist()],
        "assigned_officer_id": _none0(np.where(new, 0, people["officer"])),
        "assigned_user_id": _none0(np.where(new, 0, people["handler"])),
        "dispatch_rule": [None if x else "community_officer" for x in new.tolist()],
        "dispatched_at": t["dispatched"], "accepted_at": t["accepted"],
        "resolved_at": t["resolved"], "closed_at": t["closed"],
        "accept_due_at": t["created"] + accept_min, "resolve_due_at": t["created"] + resolve_min,
        "closed_level": [closed_level(LEVELS[v], by_team=b) if r else None for v, b, r in zip(
            level.tolist(), people["by_team"].tolist(), resolved.tolist(), strict=True)],
        "resolution": [pools.resolution[v][k] if r else "" for v, k, r in
                       zip(lvl.tolist(), pick[sl].tolist(), resolved.tolist(), strict=True)],
        "alert_id": _none0(leads.alert_id[sl]),
        "resolved_by_user_id": _none0(np.where(resolved, people["handler"], 0)),
        "version": (np.stack([t[s] >= 0 for s in STEPS[1:]]).sum(axis=0) + 1).tolist(),
    }


def _event_columns(world: World, leads: Leads, sl: slice, ids: np.ndarray, pools: Pools,
                   pick: np.ndarray, people: dict[str, np.ndarray]) -> dict[str, list[Any]]:
    t = {k: v[sl] for k, v in leads.times.items()}
    n = len(t["created"])
    recent = t["created"] >= world.cal.anchor - FULL_HISTORY_DAYS * 86_400
    actors = {"created": people["reporter_user"], "dispatched": np.zeros(n, dtype=np.int64),
              "accepted": people["officer_user"], "started": people["officer_user"],
              "escalated": people["officer_user"], "resolved": people["handler"],
              "verified": np.where(people["reporter_user"] > 0, people["reporter_user"],
                                   people["officer_user"]), "closed": people["handler"]}
    prev = np.full(n, None, dtype=object)
    parts: list[tuple[int, np.ndarray, dict[str, Any]]] = []
    for order, step in enumerate(STEPS):
        has = (t[step] >= 0) & (recent | (step in COMPACT))
        rows = np.flatnonzero(has)
        parts.append((order, rows, {
            "at": t[step][rows], "actor_user_id": actors[step][rows], "action": step,
            "from_status": prev[rows], "to_status": STATUS_AFTER[step],
            "note": _notes(step, leads, sl, rows, pools, pick), "data": _data(step, people, leads,
                                                                              sl, rows)}))
        prev[rows] = STATUS_AFTER[step]
    waiting = np.flatnonzero(t["dispatched"] < 0)  # "new": dispatch found nobody on duty
    parts.append((1, waiting, {
        "at": t["created"][waiting] + 3, "actor_user_id": np.zeros(len(waiting), dtype=np.int64),
        "action": "dispatch_failed", "from_status": prev[waiting], "to_status": "new",
        "note": ["未匹配到在岗民警，等待指挥中心人工派单。"] * len(waiting),
        "data": [{"rule": "community_officer"}] * len(waiting)}))
    return _assemble(parts, ids[sl])


def _notes(step: str, leads: Leads, sl: slice, rows: np.ndarray, pools: Pools,
           pick: np.ndarray) -> list[str]:
    if step == "resolved":
        lvl, k = leads.level[sl][rows].tolist(), pick[sl][rows].tolist()
        return [pools.resolution[v][j] for v, j in zip(lvl, k, strict=True)]
    if step == "escalated":
        return [ESCALATION_NOTE[v] for v in leads.level[sl][rows].tolist()]
    return [""] * len(rows)


def _data(step: str, people: dict[str, np.ndarray], leads: Leads, sl: slice,
          rows: np.ndarray) -> list[dict[str, Any]]:
    if step == "dispatched":
        return [{"rule": "community_officer", "officer_id": o}
                for o in people["officer"][rows].tolist()]
    if step in ("escalated", "closed"):
        return [{"level": LEVELS[v]} for v in leads.level[sl][rows].tolist()]
    return [{} for _ in range(len(rows))]


def _assemble(parts: list[tuple[int, np.ndarray, dict[str, Any]]], lead_ids: np.ndarray
              ) -> dict[str, Any]:
    """All steps' events, ordered by lead then step, so event ids run in time order per lead."""
    lead = np.concatenate([rows for _, rows, _ in parts])
    order_key = np.concatenate([np.full(len(rows), o) for o, rows, _ in parts])
    at = np.concatenate([p["at"] for _, _, p in parts])
    order = np.lexsort((at, order_key, lead))
    out: dict[str, Any] = {"lead_id": lead_ids[lead][order], "at": at[order]}
    actor = np.concatenate([p["actor_user_id"] for _, _, p in parts])[order]
    out["actor_user_id"] = _none0(actor)
    for col in ("action", "from_status", "to_status", "note", "data"):
        values: list[Any] = []
        for _, rows, p in parts:
            v = p[col]
            values.extend([v] * len(rows) if isinstance(v, str) else list(v))
        out[col] = [values[i] for i in order.tolist()]
    return out
