"""Dispute figures against plain Python over the hand-built disputes."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from db.models import Dispute
from services.core.errors import NotFound
from services.stats import disputes
from services.stats.periods import Period
from tests import stats_world as sw

PERIOD = Period(date(2025, 7, 1), sw.TODAY)
NOW = sw.at(sw.TODAY, 12)
ADDRESSES = ["", "", "幸福路1号", "幸福路2号", "建设村3组", " 幸福路1号 "]
NAMES = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十"]


def _parties(rng: random.Random) -> list[object]:
    picked = rng.sample(NAMES, rng.choice([0, 1, 2]))
    return [{"name": n, "phone": rng.choice(["13800000000", "13900000000", ""])}
            if rng.random() < 0.5 else n for n in picked]


@pytest.fixture
def w(session: Session) -> sw.World:
    w = sw.build(session)
    rng = random.Random(7)
    made: list[Dispute] = []
    for community, n in ((w.a, 80), (w.b, 6), (w.c, 20)):
        for _ in range(n):
            start = datetime(2024, 5, 1, tzinfo=NOW.tzinfo)
            when = start + timedelta(minutes=rng.randrange(int((NOW - start).total_seconds()
                                                              // 60)))
            made.append(sw.dispute(session, community, when, resolved=rng.random() < 0.6,
                                   address=rng.choice(ADDRESSES), parties=_parties(rng),
                                   kind=rng.choice(["neighbour", "family", "property"])))
    sw.dispute(session, w.a, sw.at(date(2025, 9, 1)), recurring_of=made[0].id)
    w.extra["disputes"] = session.query(Dispute).all()
    return w


def _in(d: Dispute, period: Period) -> bool:
    first, last = sw.at(period.first, 0), sw.at(period.last, 0) + timedelta(days=1)
    return first <= d.reported_at < last


def ref_rate(w: sw.World, period: Period, cids: set[int]) -> tuple[int, int]:
    rows = [d for d in w.extra["disputes"] if d.community_id in cids and _in(d, period)]
    return len(rows), sum(d.resolved for d in rows)


def _people(d: Dispute) -> list[tuple[str, str]]:
    out = [(p["name"].strip(), p.get("phone", "").strip()) if isinstance(p, dict)
           else (p.strip(), "") for p in d.parties]
    return [p for p in out if p[0]]


def _shared(d: Dispute, e: Dispute) -> bool:
    """Same name, and the same phone unless one of them has none."""
    return any(n1 == n2 and (not p1 or not p2 or p1 == p2)
               for n1, p1 in _people(d) for n2, p2 in _people(e))


def ref_came_back(w: sw.World, period: Period, cids: set[int]) -> set[int]:
    found = set()
    rows = w.extra["disputes"]
    for d in rows:
        if d.community_id not in cids or not _in(d, period):
            continue
        if d.recurring_of_id is not None:
            found.add(d.id)
        for e in rows:
            if e.id == d.id or e.community_id != d.community_id:
                continue
            gap = d.reported_at - e.reported_at
            earlier = gap > timedelta(0) or (gap == timedelta(0) and e.id < d.id)
            if not (earlier and gap <= timedelta(days=90)):
                continue
            same_address = d.address.strip() != "" and d.address.strip() == e.address.strip()
            if same_address or _shared(d, e):
                found.add(d.id)
    return found


def test_resolution_rate_and_points_match(session: Session, w: sw.World) -> None:
    got = disputes.resolution_change(session, actor=w.admin, period=PERIOD)
    cids = {w.a.id, w.b.id, w.c.id}
    n, r = ref_rate(w, PERIOD, cids)
    nb, rb = ref_rate(w, PERIOD.year_before(), cids)
    assert (got.this.reported, got.this.resolved) == (n, r)
    assert (got.before.reported, got.before.resolved) == (nb, rb)
    assert n >= 10 and nb >= 10
    assert got.this.rate == round(r / n * 100, 1)
    assert got.points == round(r / n * 100 - rb / nb * 100, 1)


def test_a_small_base_gives_no_rate(session: Session, w: sw.World) -> None:
    got = disputes.resolution_change(session, actor=w.admin, period=PERIOD,
                                     communities=[w.b.id])
    n, _ = ref_rate(w, PERIOD, {w.b.id})
    assert got.this.reported == n < 10
    assert got.this.rate is None and got.points is None


def test_by_kind_adds_up(session: Session, w: sw.World) -> None:
    table = disputes.resolution_by_kind(session, actor=w.supervisor, period=PERIOD)
    n, r = ref_rate(w, PERIOD, {w.a.id, w.b.id})
    assert table["reported"].sum() == n and table["resolved"].sum() == r


def test_open_disputes_by_age(session: Session, w: sw.World) -> None:
    table = disputes.open_by_age(session, actor=w.admin, now=NOW)
    expected = dict.fromkeys(["0_7", "8_30", "31_90", "over_90"], 0)
    for d in w.extra["disputes"]:
        if d.resolved:
            continue
        age = NOW - d.reported_at
        key = ("0_7" if age < timedelta(days=7) else "8_30" if age < timedelta(days=30)
               else "31_90" if age < timedelta(days=90) else "over_90")
        expected[key] += 1
    assert dict(zip(table["age"], table["open"], strict=True)) == expected


@pytest.mark.parametrize("who", ["admin", "supervisor", "officer_a"])
def test_came_back_matches_address_parties_and_links(session: Session, w: sw.World,
                                                     who: str) -> None:
    actor = getattr(w, who)
    cids = {w.a.id} if who == "officer_a" else {w.a.id, w.b.id} | (
        {w.c.id} if who == "admin" else set())
    got = disputes.came_back(session, actor=actor, period=PERIOD)
    expected = ref_came_back(w, PERIOD, cids)
    assert got.came_back == len(expected) > 0
    assert set(got.pairs["dispute_id"]) == expected
    assert {"address", "parties", "linked"} <= set(got.pairs["reason"]) or who != "admin"


def test_out_of_scope_community_is_not_found(session: Session, w: sw.World) -> None:
    with pytest.raises(NotFound):
        disputes.came_back(session, actor=w.officer_a, period=PERIOD, communities=[w.c.id])
