"""Shared tasks in the demo's history: a member of the grid's teams claims and finishes one for
each lead the grid settles, so "closed in the grid" comes from tasks really done."""

from __future__ import annotations

import numpy as np

from db.models import Task
from services.demo.leads import CATEGORIES, Leads
from services.demo.world import World
from services.demo.writer import Writer

TASK_KINDS = ("grid_worker", "patrol", "volunteer", "response_unit", "security_committee",
              "activist", "mediator")
TITLE = {"dispute": "上门调解", "fire": "消防隐患排查", "fraud": "反诈入户宣传",
         "help": "上门帮扶", "traffic": "路口劝导", "suspicious": "走访核查",
         "public_order": "巡逻处置", "other": "现场核实"}
REPORTS = ("已到现场处理完毕，当事人表示满意。", "已上门核实并处置，情况已向民警反馈。",
           "巡逻中已劝离相关人员，现场恢复正常。", "已协调物业和社区共同处理，隐患已消除。")

UNIT_SHARE = 0.3  # of the tasks where a fitting social unit is in the community
UNIT_FITS = {"fraud": ("bank", "company"), "fire": ("property",), "public_order": ("property",),
             "dispute": ("property",), "suspicious": ("property",), "traffic": ("school",),
             "help": ("school", "volunteer_group")}
UNIT_REPORT = ("网点已安排工作人员劝阻并留存记录，已电话告知民警。",
               "物业已安排保安巡查并处置，现场恢复正常。",
               "学校已安排护校队在上下学时段值守劝导。", "单位已按约定完成协助，情况已反馈民警。")


def unit_for(units: list[tuple[int, str, str]], category: str) -> int | None:
    for want in UNIT_FITS.get(category, ()):
        for uid, kind, name in units:
            if want == "bank" and "银行" in name:
                return uid
            if kind == want:
                return uid
    return None


def takers(world: World) -> list[np.ndarray]:
    """Per grid: member indexes who take tasks (active, in a team that does field work)."""
    m = world.members
    per_grid: list[list[int]] = [[] for _ in world.grid_ids]
    for i in range(len(m.ids)):
        if m.active[i] and m.kind[i] in TASK_KINDS and m.grid[i] >= 0:
            per_grid[m.grid[i]].append(i)
    return [np.array(g, dtype=np.int64) for g in per_grid]


def by_team(world: World, leads: Leads, sl: slice, pool: list[np.ndarray]) -> np.ndarray:
    """Which leads of the chunk the grid's team settles: drawn at the grid level, accepted,
    not escalated, and someone in the grid to take the task."""
    t = leads.times
    has = np.array([len(p) > 0 for p in pool])[leads.grid[sl]]
    return ((leads.level[sl] == 0) & (t["accepted"][sl] >= 0) & (t["escalated"][sl] < 0) & has)


def write_tasks(w: Writer, world: World, leads: Leads, sl: slice, lead_ids: np.ndarray,
                officer_user: np.ndarray, community_ids: np.ndarray, pool: list[np.ndarray],
                team: np.ndarray) -> int:
    rows = np.flatnonzero(by_team(world, leads, sl, pool))
    if not len(rows):
        return 0
    rng = world.rngs.np(f"lead_tasks{sl.start}")
    t = {k: v[sl][rows] for k, v in leads.times.items()}
    grid = leads.grid[sl][rows]
    member = np.array([pool[g][rng.integers(0, len(pool[g]))] for g in grid.tolist()])
    comm = np.array(world.grid_community)[grid]
    unit = np.array([unit_for(world.units.get(c, []), CATEGORIES[k]) or 0 for c, k in zip(
        comm.tolist(), leads.category[sl][rows].tolist(), strict=True)])
    unit = np.where(rng.random(len(rows)) < UNIT_SHARE, unit, 0)  # 0: a team member takes it
    created = np.where(t["started"] >= 0, t["started"], t["accepted"]) + 300
    done = t["resolved"] >= 0
    end = np.where(done, t["resolved"] - 600, world.cal.anchor - 60)
    claimed = np.minimum(created + rng.integers(300, 3_600, len(rows)), (created + end) // 2)
    finished = np.where(done, np.maximum(end, claimed + 60), -1)
    cats = leads.category[sl][rows].tolist()
    return w.insert_columns(Task, {
        "id": w.ids(Task, len(rows)), "lead_id": lead_ids[sl][rows],
        "community_id": community_ids[rows],
        "team_id": [None if u else t for u, t in zip(unit.tolist(), team[member].tolist(),
                                                      strict=True)],
        "social_unit_id": [u or None for u in unit.tolist()],
        "title": [TITLE[CATEGORIES[c]] for c in cats], "description": [""] * len(rows),
        "status": np.where(done, "done", "claimed").tolist(),
        "created_by": officer_user[rows], "created_at": created,
        "claimed_by_member_id": [None if u else m for u, m in zip(
            unit.tolist(), np.array(world.members.ids)[member].tolist(), strict=True)],
        "claimed_at": np.where(unit > 0, created, claimed),
        "report": [("" if not d else UNIT_REPORT[k % len(UNIT_REPORT)] if u else REPORTS[k])
                   for k, d, u in zip(rng.integers(0, len(REPORTS), len(rows)).tolist(),
                                      done.tolist(), unit.tolist(), strict=True)],
        "done_at": finished, "cancel_reason": [""] * len(rows),
        "version": np.where(done, 3, 2).tolist()})
