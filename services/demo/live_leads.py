"""Leads in the living demo, through the real services: grid workers report, the platform
dispatches, officers accept and handle, teams claim and finish shared tasks, the station's
duty supervisor verifies and closes. A few leads wait past their accept deadline (the
officer is busy elsewhere): the worker's sweep escalates them at the simulated time
(services.demo.live_sweep), and the officer takes them on at the higher level.

Rates are those of the demo's history (per hour of the day and day of the week); each lead's
steps are drawn when it is reported and kept in the state until they happen.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Community,
    Grid,
    Lead,
    Member,
    Membership,
    SocialUnit,
    Station,
    Team,
    User,
)
from services.accounts import actor_for
from services.core.actor import Actor, Role
from services.core.errors import ServiceError
from services.demo import dates, live_sweep, texts
from services.demo.lead_tasks import UNIT_REPORT, UNIT_SHARE, unit_for
from services.demo.leads import (
    ACCEPT,
    CATEGORIES,
    CATEGORY_SHARE,
    HOURS_WEEKDAY,
    HOURS_WEEKEND,
    RESOLVE,
    URGENCIES,
    URGENCY_BY_CATEGORY,
    WEEKDAY_FACTOR,
)
from services.demo.live_daily import rng_for
from services.demo.live_state import LiveState
from services.leads import (
    act,
    claim_task,
    create_task,
    finish_task,
    give_task_to_unit,
    record_unit_report,
    report_lead,
)

HOUR = 3_600
PILOT = 1.15  # more eyes since July, as in the history
BY_TEAM = 0.70  # share of leads the grid's team settles through a shared task
OFFICER_REPORTS = 0.12
# Leads the officer accepts only after the accept deadline (out on another call), on top of
# the slow tail of the accept times (about 2 %): the worker escalates about one lead in 20.
LATE = 0.03
LATE_BY = (1.1, 2.0)  # accepted after this many times the time the deadline allowed
TASK_KINDS = ("grid_worker", "patrol", "volunteer", "response_unit", "security_committee",
              "activist", "mediator")
TASK_TITLE = {"dispute": "上门调解", "fire": "消防隐患排查", "fraud": "反诈入户宣传",
              "help": "上门帮扶", "traffic": "路口劝导", "suspicious": "走访核查",
              "public_order": "巡逻处置", "other": "现场核实"}
TASK_REPORT = ("已到现场处理完毕，当事人表示满意。", "已上门核实并处置，情况已向民警反馈。",
               "巡逻中已劝离相关人员，现场恢复正常。", "已协调物业和社区共同处理，隐患已消除。")


def _weights() -> tuple[np.ndarray, np.ndarray]:
    return HOURS_WEEKDAY / HOURS_WEEKDAY.mean(), HOURS_WEEKEND / HOURS_WEEKEND.mean()


@dataclass
class District:
    """What the simulation reads once per run: who reports, who handles, who verifies."""

    session: Session

    @cached_property
    def members(self) -> list[tuple[int, int, int, str, int]]:
        """Active members with a grid: (id, grid, community, team kind, team id); a person
        in several teams once, with their first team."""
        rows = self.session.execute(
            select(Member.id, Member.grid_id, Team.community_id, Team.kind, Team.id)
            .join(Membership, Membership.member_id == Member.id)
            .join(Team, Team.id == Membership.team_id)
            .where(Member.active.is_(True), Member.grid_id.is_not(None))
            .order_by(Member.id, Team.id))
        first = {r[0]: tuple(r) for r in reversed(rows.all())}
        return [first[m] for m in sorted(first)]  # type: ignore[misc]

    @cached_property
    def reporter_weights(self) -> np.ndarray:
        w = np.array([3.0 if m[3] == "grid_worker" else 1.0 for m in self.members])
        return w / w.sum()

    @cached_property
    def officer_user(self) -> dict[int, int]:
        """Community id -> the user account of its officer."""
        rows = self.session.execute(select(Community.id, User.id).join(
            User, User.officer_id == Community.officer_id).where(User.active.is_(True)))
        return {c: u for c, u in rows}

    @cached_property
    def verifier(self) -> dict[int, int]:
        """Community id -> the duty supervisor of its station."""
        rows = self.session.execute(select(Community.id, Station.duty_supervisor_id).join(
            Station, Station.id == Community.station_id)
            .where(Station.duty_supervisor_id.is_not(None)))
        return {c: u for c, u in rows if u is not None}

    @cached_property
    def grid_community(self) -> dict[int, int]:
        return dict(self.session.execute(select(Grid.id, Grid.community_id)).tuples().all())

    @cached_property
    def units(self) -> dict[int, list[tuple[int, str, str]]]:
        """Community id -> its active social units (id, kind, name)."""
        out: dict[int, list[tuple[int, str, str]]] = {}
        for uid, cid, kind, name in self.session.execute(select(
                SocialUnit.id, SocialUnit.community_id, SocialUnit.kind, SocialUnit.name)
                .where(SocialUnit.active.is_(True)).order_by(SocialUnit.id)):
            out.setdefault(cid, []).append((uid, kind, name))
        return out

    def unit_for(self, community: int, category: str) -> int | None:
        """The unit of the community whose help fits the lead: a bank branch against fraud,
        the property company for fire, order and disputes in its estates, a school for
        traffic and help."""
        units = self.units.get(community, [])
        return unit_for(units, category)

    def team_of(self, grid: int, rng: np.random.Generator) -> tuple[int, int] | None:
        """(member id, team id) of someone in the grid who can take a task."""
        here = [m for m in self.members if m[1] == grid and m[3] in TASK_KINDS]
        if not here:
            return None
        m = here[int(rng.integers(0, len(here)))]
        return m[0], m[4]

    _actors: dict[int, Actor] | None = None

    def user(self, user_id: int) -> Actor:
        if self._actors is None:
            self._actors = {}
        if user_id not in self._actors:
            row = self.session.get(User, user_id)
            assert row is not None
            self._actors[user_id] = actor_for(self.session, row)
        return self._actors[user_id]

    def member(self, member_id: int, community: int) -> Actor:
        """A team member without an account acts as themselves through the demo's phone app."""
        return Actor(user_id=0, username=f"member{member_id}", display_name="",
                     role=Role.GRID_WORKER, scope_kind="communities",
                     community_ids=frozenset({community}), member_id=member_id)


def simulate(session: Session, state: LiveState, lo: int, hi: int) -> tuple[int, int]:
    """Leads reported in [lo, hi) and every planned step before hi; returns (leads, steps)."""
    district = District(session)
    queue: list[tuple[int, int, str]] = []  # (time, lead id, step); reports use lead id 0
    for pending_id, pending in state.pending.items():
        for t, step in pending["steps"]:
            if t < hi:
                heapq.heappush(queue, (int(t), int(pending_id), str(step)))
    for due in live_sweep.open_deadlines(session, lo, hi):
        heapq.heappush(queue, due)
    reports = _reports(state, district, lo, hi)
    for k, r in enumerate(reports):
        heapq.heappush(queue, (r["t"], -k - 1, "report"))
    done, swept = 0, -1
    while queue:
        t, key, step = heapq.heappop(queue)
        if step == live_sweep.DUE:  # the worker's first sweep after one of the lead's deadlines
            if t != swept and live_sweep.waits_past_deadline(session, key, t):
                swept = t
                live_sweep.sweep(session, t)
            continue
        if step == "report":
            for entry in _report(session, state, district, reports[-key - 1], hi):
                heapq.heappush(queue, entry)
            continue
        plan = state.pending.get(str(key))
        if plan is None:
            continue  # the lead left the simulation (someone took it over by hand)
        plan["steps"] = [s for s in plan["steps"] if not (s[0] == t and s[1] == step)]
        if _step(session, district, key, plan, step, t):
            done += 1
        else:
            state.pending.pop(str(key), None)
        if not plan["steps"]:
            state.pending.pop(str(key), None)
    return len(reports), done


def _reports(state: LiveState, district: District, lo: int, hi: int) -> list[dict[str, Any]]:
    """The leads of every hour touching [lo, hi), drawn per hour, kept if inside [lo, hi)."""
    if not district.members:
        return []
    weekday, weekend = _weights()
    out: list[dict[str, Any]] = []
    for hour in range(lo // HOUR, (hi + HOUR - 1) // HOUR):
        start = hour * HOUR
        local = start + dates.SHANGHAI_OFFSET
        wd, h = (local // 86_400 - 3) % 7, (local // HOUR) % 24  # 1970-01-01 was a Thursday
        rate = state.per_day * PILOT * WEEKDAY_FACTOR[wd] / WEEKDAY_FACTOR.mean() / 24 * (
            weekend if wd >= 5 else weekday)[h]
        rng = rng_for(state, "live_leads", hour)
        n = int(rng.poisson(rate))
        times = start + np.sort(rng.integers(0, HOUR, n))
        for t in times.tolist():
            lead = _draw(rng, district, h)
            if lo <= t < hi:
                out.append({"t": t, **lead})
    return out


def _draw(rng: np.random.Generator, district: District, hour: int) -> dict[str, Any]:
    w = CATEGORY_SHARE.copy()
    if hour >= 21 or hour <= 2:
        w[0] *= 1.8  # public order: nights
    if hour in (7, 8, 17, 18):
        w[6] *= 1.6  # traffic: rush hours
    category = int(rng.choice(len(w), p=w / w.sum()))
    urgency = int(rng.choice(3, p=URGENCY_BY_CATEGORY[category] / URGENCY_BY_CATEGORY[
        category].sum()))
    member = district.members[int(rng.choice(len(district.members),
                                             p=district.reporter_weights))]
    night = 1.5 if hour < 7 else 1.0
    accept = max(15.0, ACCEPT[urgency][0] * night * np.exp(rng.normal() * ACCEPT[urgency][1]))
    start = float([1_800, 600, 60][urgency] * np.exp(rng.normal() * 0.9))
    work = RESOLVE[urgency][0] * np.exp(rng.normal() * RESOLVE[urgency][1])
    return {"category": category, "urgency": urgency, "member": member,
            "by_officer": bool(rng.random() < OFFICER_REPORTS),
            "by_team": bool(rng.random() < BY_TEAM), "text_seed": int(rng.integers(0, 2**31)),
            "accept": int(accept), "start": int(start), "work": int(max(work, 600.0)),
            "verify": int(7_200 * np.exp(rng.normal() * 0.9)),
            "close": int(18_000 * np.exp(rng.normal() * 0.9)),
            "task_rng": int(rng.integers(0, 2**31)),
            "late_by": float(rng.uniform(*LATE_BY)) if rng.random() < LATE else 0.0}


def _report(session: Session, state: LiveState, district: District, r: dict[str, Any],
            hi: int) -> list[tuple[int, int, str]]:
    """Report the lead; returns what the queue gets before `hi`: its planned steps and the
    sweeps after its deadlines."""
    member_id, grid, community, _, _ = r["member"]
    officer_user = district.officer_user.get(community)
    if r["by_officer"] and officer_user is not None:
        actor = district.user(officer_user)
    else:
        actor = district.member(member_id, community)
    words = random.Random(r["text_seed"])
    category = CATEGORIES[r["category"]]
    where = session.scalar(select(Grid.name).where(Grid.id == grid)) or ""
    try:
        with session.begin_nested():
            view = report_lead(session, actor=actor, category=category,
                               urgency=URGENCIES[r["urgency"]],
                               description=texts.lead_description(category, where, words),
                               grid_id=grid, now=dates.utc(r["t"]))
    except ServiceError:
        return []
    lo = r["t"]
    dues = live_sweep.events(view.id, (view.accept_due_at, view.resolve_due_at), lo, hi)
    if view.status != "dispatched" or officer_user is None:
        return dues  # waits for a dispatch: the worker's sweep takes it from here
    if r["late_by"] and view.accept_due_at is not None:  # out on another call: accepted late
        allowed = (live_sweep.epoch(view.accept_due_at) or r["t"]) - r["t"]
        r = {**r, "accept": max(r["accept"], int(r["late_by"] * allowed))}
    state.pending[str(view.id)] = {"steps": _plan(r), "officer": officer_user,
                                   "community": community, "grid": grid, "task": None,
                                   "member": None, "rng": r["task_rng"]}
    return dues + [(t, view.id, step) for t, step in state.pending[str(view.id)]["steps"]
                   if t < hi]


def _plan(r: dict[str, Any]) -> list[list[Any]]:
    t = r["t"] + 2
    steps: list[list[Any]] = []
    t += r["accept"]
    steps.append([t, "accept"])
    t += r["start"]
    steps.append([t, "start"])
    if r["by_team"]:
        steps.append([t + 300, "task"])
        steps.append([t + 300 + max(60, r["start"]), "claim"])
        t += 300 + max(60, r["start"]) + r["work"]
        steps.append([t, "task_done"])
        t += 900
    else:
        t += r["work"]
    steps.append([t, "resolve"])
    t += r["verify"]
    steps.append([t, "verify"])
    t += r["close"]
    steps.append([t, "close"])
    return steps


def _step(session: Session, district: District, lead_id: int, plan: dict[str, Any], step: str,
          t: int) -> bool:
    """One planned step through the service; False when it no longer applies (a person acted)."""
    now = dates.utc(t)
    officer = district.user(plan["officer"])
    words = random.Random(plan["rng"] + t)
    try:
        with session.begin_nested():
            if step in ("task", "claim", "task_done"):
                return _task_step(session, district, lead_id, plan, step, now, words)
            lead = session.get(Lead, lead_id)
            if lead is None:
                return False
            actor = officer
            if step in ("verify", "close"):
                supervisor = district.verifier.get(plan["community"])
                if supervisor is None:
                    return False
                actor = district.user(supervisor)
            version = lead.version
            if lead.status == "escalated" and step in ("start", "resolve"):
                # escalated by the worker's sweep meanwhile: the officer takes it on again
                version = act(session, actor=officer, lead_id=lead_id, action="accept",
                              shown_version=version, now=now).version
            note = texts.resolution("grid" if plan["task"] else "community", words) \
                if step == "resolve" else ""
            act(session, actor=actor, lead_id=lead_id, action=step, shown_version=version,
                note=note, now=now)
            return True
    except ServiceError:
        return False


def _task_step(session: Session, district: District, lead_id: int, plan: dict[str, Any],
               step: str, now: datetime, words: random.Random) -> bool:
    from db.models import Task

    if step == "task":
        rng = np.random.default_rng(plan["rng"])
        lead = session.get(Lead, lead_id)
        category = lead.category if lead else "other"
        officer = district.user(plan["officer"])
        unit = district.unit_for(plan["community"], category)
        if unit is not None and rng.random() < UNIT_SHARE:
            plan["task"] = give_task_to_unit(session, actor=officer, lead_id=lead_id,
                                             social_unit_id=unit, now=now,
                                             title=TASK_TITLE.get(category, "现场核实"))
            plan["unit"] = unit
            return True
        who = district.team_of(plan["grid"], rng)
        if who is None:
            return True  # nobody in the grid: the officer handles it alone
        plan["task"] = create_task(session, actor=officer,
                                   lead_id=lead_id, title=TASK_TITLE.get(category, "现场核实"),
                                   team_id=who[1], now=now)
        plan["member"] = who[0]
        return True
    if plan["task"] is None:
        return True
    task = session.get(Task, plan["task"])
    if task is None:
        return False
    if plan.get("unit") is not None:  # the unit took it at once; the officer records its report
        if step == "task_done":
            record_unit_report(session, actor=district.user(plan["officer"]), task_id=task.id,
                               shown_version=task.version, report=words.choice(UNIT_REPORT),
                               now=now)
        return True
    actor = district.member(plan["member"], plan["community"])
    if step == "claim":
        claim_task(session, actor=actor, task_id=task.id, shown_version=task.version, now=now)
    else:
        finish_task(session, actor=actor, task_id=task.id, shown_version=task.version,
                    report=words.choice(TASK_REPORT), now=now)
    return True
