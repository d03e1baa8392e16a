"""Lead figures against plain Python over hand-built leads: volumes, times, deadlines, levels."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent
from services.core.sqlutil import percentile, seconds_between
from services.stats import leads
from services.stats.common import quantiles
from services.stats.periods import Period
from tests import factories as f
from tests import stats_world as sw

PERIOD = Period(date(2025, 9, 1), sw.TODAY)
NOW = sw.at(sw.TODAY, 12)
CATS = ["public_order", "dispute", "fraud", "help"]


@pytest.fixture
def w(session: Session) -> sw.World:
    w = sw.build(session)
    rng = random.Random(11)
    team_b = f.team(session, w.b, kind="security_committee")
    member_b = f.member(session, team_b)
    rows: list[Lead] = []
    start = datetime(2025, 8, 1, tzinfo=NOW.tzinfo)
    for i in range(90):
        community = rng.choice([w.a, w.a, w.b, w.c])
        created = start + timedelta(seconds=rng.randrange(int((NOW - start).total_seconds())))
        kw = _handling(rng, created)
        reporter = rng.choice(["member_b", "grid_a", None])
        if reporter == "member_b":
            kw["reporter_member_id"] = member_b.id
        elif reporter == "grid_a":
            kw["reporter_user_id"] = w.grid_a.user_id
        row = sw.lead(session, community, created, category=rng.choice(CATS), **kw)
        if i % 9 == 0:
            sw.escalate_event(session, row, created + timedelta(hours=1))
        rows.append(row)
    w.extra.update(leads=rows, team_b=team_b, member_b=member_b)
    return w


def _handling(rng: random.Random, created: datetime) -> dict[str, object]:
    kw: dict[str, object] = {"accept_due_at": created + timedelta(minutes=30),
                             "resolve_due_at": created + timedelta(hours=48)}
    if rng.random() < 0.9:
        kw["dispatched_at"] = created + timedelta(seconds=rng.randint(1, 40))
        if rng.random() < 0.8:
            kw["accepted_at"] = kw["dispatched_at"] + timedelta(minutes=rng.randint(1, 60))
            if rng.random() < 0.7:
                kw["resolved_at"] = kw["accepted_at"] + timedelta(hours=rng.randint(1, 90))
                kw["closed_level"] = rng.choice(["grid", "grid", "community", "station"])
                kw["status"] = "resolved"
                if rng.random() < 0.5:
                    kw["closed_at"] = kw["resolved_at"] + timedelta(days=rng.randint(0, 20))
                    kw["status"] = "closed"
    if rng.random() < 0.05:
        kw["status"] = "duplicate"
    if rng.random() < 0.1:
        kw["overdue_step"] = 1
    return kw


def _in(t: datetime | None, period: Period) -> bool:
    return t is not None and sw.at(period.first, 0) <= t < sw.at(period.last, 0) + timedelta(
        days=1)


def _rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))]


def _mine(w: sw.World, cids: set[int]) -> list[Lead]:
    return [x for x in w.extra["leads"] if x.community_id in cids and _in(x.created_at, PERIOD)]


@pytest.mark.parametrize("who", ["admin", "officer_a"])
def test_handling_figures_match(session: Session, w: sw.World, who: str) -> None:
    cids = {w.a.id} if who == "officer_a" else {w.a.id, w.b.id, w.c.id}
    got = leads.lead_handling(session, actor=getattr(w, who), period=PERIOD, now=NOW)
    rows = _mine(w, cids)
    assert got.created == len(rows)
    for name, a, b in (("dispatch", "created_at", "dispatched_at"),
                       ("accept", "dispatched_at", "accepted_at"),
                       ("resolve", "created_at", "resolved_at")):
        secs = [(getattr(x, b) - getattr(x, a)).total_seconds() for x in rows
                if getattr(x, a) and getattr(x, b)]
        d = getattr(got, name)
        assert d.n == len(secs)
        assert d.median_s == pytest.approx(_rank(secs, 0.5), abs=0.01)
        assert d.p90_s == pytest.approx(_rank(secs, 0.9), abs=0.01)
    live = [x for x in rows if x.status != "duplicate"]
    acc = [x for x in live if x.accepted_at or x.accept_due_at < NOW]
    assert got.accept_base == len(acc)
    assert got.accept_on_time == sum(bool(x.accepted_at and x.accepted_at <= x.accept_due_at)
                                     for x in acc)
    res = [x for x in live if x.resolved_at or x.resolve_due_at < NOW]
    assert got.resolve_base == len(res)
    assert got.resolve_on_time == sum(bool(x.resolved_at and x.resolved_at <= x.resolve_due_at)
                                      for x in res)
    escalated = {x.id for i, x in enumerate(w.extra["leads"]) if i % 9 == 0}
    assert got.escalated == sum(x.id in escalated or x.overdue_step > 0 for x in rows)


def test_time_to_scene_is_from_dispatch_to_the_first_on_scene_step(
        session: Session, w: sw.World) -> None:
    """Median and 90th percentile of dispatch → first "on scene" (到场), over the leads that
    have both; a second on-scene step (came back later) does not move the figure."""
    rng = random.Random(5)
    spans: dict[int, float] = {}
    for x in w.extra["leads"]:
        if x.accepted_at is None or rng.random() < 0.3:
            continue
        first = x.accepted_at + timedelta(minutes=rng.randint(1, 50), seconds=rng.randint(0, 59))
        for when in (first, first + timedelta(hours=2)):
            session.add(LeadEvent(lead_id=x.id, at=when, action="on_scene",
                                  from_status="accepted", to_status="accepted"))
        if x.community_id == w.a.id and _in(x.created_at, PERIOD):
            spans[x.id] = (first - x.dispatched_at).total_seconds()
    session.flush()
    got = leads.lead_handling(session, actor=w.officer_a, period=PERIOD, now=NOW)
    secs = list(spans.values())
    assert got.to_scene.n == len(secs) >= 5
    assert got.to_scene.median_s == pytest.approx(_rank(secs, 0.5), abs=0.01)
    assert got.to_scene.p90_s == pytest.approx(_rank(secs, 0.9), abs=0.01)
    none = leads.lead_handling(session, actor=w.admin, period=Period(date(2025, 8, 1),
                                                                      date(2025, 8, 1)), now=NOW)
    assert (none.to_scene.n, none.to_scene.median_s, none.to_scene.p90_s) == (0, None, None)


def test_closed_in_grid_and_community(session: Session, w: sw.World) -> None:
    got = leads.lead_handling(session, actor=w.admin, period=PERIOD, now=NOW)
    closed = [x for x in w.extra["leads"]
              if x.closed_level and _in(x.closed_at or x.resolved_at, PERIOD)]
    by = {lv: sum(x.closed_level == lv for x in closed) for lv in leads.LEVELS}
    assert got.closed_by_level == by and got.closed == len(closed) >= 10
    assert got.closed_in_grid == round(by["grid"] / len(closed) * 100, 1)
    assert got.closed_in_community == round((by["grid"] + by["community"]) / len(closed) * 100, 1)


def test_volumes_by_category_community_and_team(session: Session, w: sw.World) -> None:
    rows = _mine(w, {w.a.id, w.b.id, w.c.id})
    volumes = leads.lead_report(session, actor=w.admin, period=PERIOD)[1]
    by_cat = volumes.by_category
    assert dict(zip(by_cat["category"], by_cat["leads"], strict=True)) == {
        c: sum(x.category == c for x in rows) for c in {x.category for x in rows}}
    by_com = volumes.by_community
    assert dict(zip(by_com["community_id"], by_com["leads"], strict=True)) == {
        c: sum(x.community_id == c for x in rows) for c in (w.a.id, w.b.id, w.c.id)}
    by_team = volumes.by_team
    got = {(None if pd.isna(t) else int(t)): n
           for t, n in zip(by_team["team_id"], by_team["leads"], strict=True)}
    team_a = f.team_of(session, w.extra["member_a"])
    assert got == {
        w.extra["team_b"].id: sum(x.reporter_member_id is not None for x in rows),
        team_a: sum(x.reporter_user_id is not None for x in rows),
        None: sum(x.reporter_member_id is None and x.reporter_user_id is None for x in rows)}
    assert by_team["share"].notna().all()
    assert by_cat["share"].sum() == pytest.approx(100, abs=0.5)


@pytest.mark.parametrize("n", [1, 2, 9, 10, 11, 57])
def test_quantiles_agree_with_sqlutil_percentile(session: Session, w: sw.World, n: int) -> None:
    rng = random.Random(n)
    created = sw.at(date(2025, 10, 1))
    for _ in range(n):
        sw.lead(session, w.b, created, dispatched_at=created + timedelta(
            seconds=rng.choice([1, 2, 2, 3, 5, 8, 13, 21, 34])))
    where = (Lead.community_id == w.b.id, Lead.created_at == created)
    one = select(seconds_between(session, Lead.created_at, Lead.dispatched_at)).where(*where)
    minus = select(-Lead.id).where(*where)
    qs = (0.0, 0.1, 0.5, 0.9, 1.0)
    both = select(seconds_between(session, Lead.created_at, Lead.dispatched_at), -Lead.id)
    got = quantiles(session, both.where(*where), [n, n], qs)  # two columns, one statement
    assert got == [[percentile(session, one, q) for q in qs],
                   [percentile(session, minus, q) for q in qs]]
