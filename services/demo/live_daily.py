"""The district's day by day: incidents imported at midnight, disputes, officers' presence.

Each is calibrated the way the demo's history is, so that the bureau's figures read the same
on any day: incidents since July stay −31.9 % / −14.3 % against the year before, the dispute
resolution rate 3.5 points above it, and officers spend about 41.5 hours a week in their
communities.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import Community, Dispute, IncidentCount, Officer, Presence
from services.core.clock import day_start, local_today, year_before
from services.demo import dates, texts
from services.demo import presence as demo_presence
from services.demo.disputes import GAIN, KIND_SHARE, KINDS, PER_DAY
from services.demo.incidents import CATEGORIES, SINCE_JULY
from services.demo.live_state import LiveState
from services.demo.names import person_name
from services.stats import since_july

HOUR = 3_600
PRESENCE_SCALE = 0.95  # the shift plan averages ~43.7 h a week; the pilot's figure is ~41.5 h
RESOLVE_AFTER = 2 * HOUR  # a dispute is not mediated within two hours of being reported


def rng_for(state: LiveState, stage: str, *keys: int) -> np.random.Generator:
    return np.random.default_rng([state.seed, zlib.crc32(stage.encode()), *keys])


def _days_ending(lo: int, hi: int) -> list[date]:
    """Local days whose end (the next midnight in Asia/Shanghai) lies in (lo, hi]."""
    first = local_today(datetime.fromtimestamp(lo, UTC))
    out = []
    day = first
    while dates.day_epoch(day + timedelta(days=1)) <= hi:
        if dates.day_epoch(day + timedelta(days=1)) > lo:
            out.append(day)
        day += timedelta(days=1)
    return out


def _district_sum(session: Session, category: str, first: date, last: date) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(IncidentCount.count), 0)).where(
        IncidentCount.category == category, IncidentCount.day.between(first, last))) or 0)


def incidents(session: Session, state: LiveState, lo: int, hi: int) -> int:
    """Each day that ended in (lo, hi] is imported, as the bureau's dispatch system does.

    Day d's totals are set so that, read on d + 1, [1 July, d + 1] against the year before
    gives the pilot's change exactly (rounding aside): the criminal and public-order counts
    follow the same days a year before, times 0.681 and 0.857.
    """
    comms = session.execute(select(Community.id, Community.population, Community.kind)
                            .order_by(Community.id)).all()
    if not comms:
        return 0
    ids = np.array([c[0] for c in comms])
    weight = np.array([max(c[1] or 0, 1) * (1.2 if c[2] == "community" else 0.8) for c in comms],
                      dtype=float)
    written = 0
    for day in _days_ending(lo, hi):
        if session.scalar(select(IncidentCount.id).where(IncidentCount.day == day).limit(1)):
            continue  # imported already (the demo load writes every day before its own)
        rows = []
        for k, category in enumerate(CATEGORIES):
            total = _day_total(session, state, day, k, category)
            counts = rng_for(state, "live_incidents", day.toordinal(), k).multinomial(
                total, weight / weight.sum())
            rows += [{"day": day, "category": category, "community_id": int(c), "count": int(n)}
                     for c, n in zip(ids.tolist(), counts.tolist(), strict=True)]
        session.execute(insert(IncidentCount), rows)
        written += 1
    return written


def _day_total(session: Session, state: LiveState, day: date, k: int, category: str) -> int:
    view = day + timedelta(days=1)
    period = since_july(view)
    if period.first > day:  # 30 June: the day belongs to the window that ends today
        period, view = since_july(day), day
    if k not in SINCE_JULY:
        same_day = _district_sum(session, category, year_before(day), year_before(day))
        return int(rng_for(state, "live_other", day.toordinal()).poisson(max(same_day, 1)))
    ratio = 1 + SINCE_JULY[k] / 100
    before = _district_sum(session, category, year_before(period.first), year_before(view))
    have = _district_sum(session, category, period.first, day - timedelta(days=1))
    return max(0, round(ratio * before) - have)


def disputes(session: Session, state: LiveState, lo: int, hi: int) -> int:
    """New disputes reported by day, then mediation: the oldest open ones in the window are
    resolved while the rate is under last year's plus 3.5 points."""
    comms = session.execute(select(Community.id, Community.population, Community.name)
                            .order_by(Community.id)).all()
    if not comms:
        return 0
    pop = np.array([max(c[1] or 0, 1) for c in comms], dtype=float)
    rows = []
    day = local_today(datetime.fromtimestamp(lo, UTC))
    while dates.day_epoch(day) < hi:
        rows += _disputes_of(state, day, comms, pop, lo, hi)
        day += timedelta(days=1)
    if rows:
        session.execute(insert(Dispute), rows)
    _mediate(session, state, hi)
    return len(rows)


def _disputes_of(state: LiveState, day: date, comms: Sequence[Any], pop: np.ndarray, lo: int,
                 hi: int) -> list[dict]:
    rng = rng_for(state, "live_disputes", day.toordinal())
    n = int(rng.poisson(PER_DAY * 1.1))
    at = dates.day_epoch(day) + np.sort(rng.integers(8 * HOUR, 21 * HOUR, n))
    where = rng.choice(len(comms), n, p=pop / pop.sum())
    kind = rng.choice(len(KINDS), n, p=KIND_SHARE)
    words = random.Random(int(rng.integers(0, 2**31)))
    out = []
    for t, c, k in zip(at.tolist(), where.tolist(), kind.tolist(), strict=True):
        parties = [{"name": person_name(words, words.random() < 0.5), "phone": ""}
                   for _ in range(2)]
        text = texts.dispute_text(KINDS[k], words)
        if lo <= t < hi:
            out.append({"community_id": comms[c][0], "kind": KINDS[k], "parties": parties,
                        "address": comms[c][2], "description": text,
                        "reported_at": dates.utc(t), "resolved": False, "resolution": ""})
    return out


def _window(period_first: date, last: date) -> tuple[datetime, datetime]:
    return day_start(period_first), day_start(last + timedelta(days=1))


def _counts(session: Session, lo: datetime, hi: datetime) -> tuple[int, int]:
    inside = and_(Dispute.reported_at >= lo, Dispute.reported_at < hi)
    n, r = session.execute(select(func.count(), func.coalesce(func.sum(
        case((Dispute.resolved, 1), else_=0)), 0)).where(inside)).one()
    return int(n), int(r)


def _mediate(session: Session, state: LiveState, hi: int) -> None:
    now = datetime.fromtimestamp(hi, UTC)
    period = since_july(local_today(now))
    this_lo, this_hi = _window(period.first, period.last)
    before = period.year_before()
    n, r = _counts(session, this_lo, this_hi)
    nb, rb = _counts(session, *_window(before.first, before.last))
    if n == 0 or nb == 0:
        return
    need = round((rb / nb + GAIN / 100) * n) - r
    if need <= 0:
        return
    rows = session.execute(select(Dispute.id, Dispute.reported_at).where(
        Dispute.reported_at >= this_lo,
        Dispute.reported_at < now - timedelta(seconds=RESOLVE_AFTER),
        Dispute.resolved.is_(False)).order_by(Dispute.reported_at).limit(need)).all()
    rng = rng_for(state, "live_mediation", hi)
    words = random.Random(hi)
    for dispute_id, reported in rows:
        start = max(reported.replace(tzinfo=UTC) + timedelta(seconds=RESOLVE_AFTER),
                    now - timedelta(hours=12))
        span = max(1, int((now - start).total_seconds()))
        at = start + timedelta(seconds=int(rng.integers(0, span)))
        session.execute(update(Dispute).where(Dispute.id == dispute_id).values(
            resolved=True, resolved_at=at, resolution=texts.dispute_outcome(words),
            version=Dispute.version + 1))


def presence(session: Session, state: LiveState, lo: int, hi: int) -> int:
    """Officers check in and out of their communities by the pilot's shift plan."""
    for pid, end in list(state.checked_in.items()):
        if end <= hi:
            session.execute(update(Presence).where(Presence.id == int(pid),
                                                   Presence.ended_at.is_(None))
                            .values(ended_at=dates.utc(end)))
            del state.checked_in[pid]
    beats: dict[int, list[int]] = {}
    for cid, oid in session.execute(select(Community.id, Community.officer_id).join(
            Officer, Officer.id == Community.officer_id).where(Officer.active.is_(True))
            .order_by(Community.id)):
        if oid is not None:
            beats.setdefault(oid, []).append(cid)
    written = 0
    day = local_today(datetime.fromtimestamp(lo, UTC)) - timedelta(days=1)
    while dates.day_epoch(day) < hi:
        for oid, beat in beats.items():
            written += _spans(session, state, oid, beat, day, lo, hi)
        day += timedelta(days=1)
    return written


def _spans(session: Session, state: LiveState, oid: int, beat: list[int], day: date, lo: int,
           hi: int) -> int:
    rng = random.Random(state.seed * 1_000_003 + oid * 100_003 + day.toordinal())
    written = 0
    for begin, finish in demo_presence.pilot_shifts(day, rng):
        community = rng.choice(beat)
        end = begin + int((finish - begin) * PRESENCE_SCALE)
        if not lo <= begin < hi:
            continue
        row = Presence(officer_id=oid, community_id=community, started_at=dates.utc(begin),
                       ended_at=dates.utc(end) if end <= hi else None, source="checkin",
                       reason="")
        session.add(row)
        session.flush()
        if end > hi:
            state.checked_in[str(row.id)] = end
        written += 1
    return written
