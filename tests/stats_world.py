"""Hand-built data for the statistics tests, kept also as plain Python rows for reference sums."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import (
    Community,
    Dispute,
    IncidentCount,
    Lead,
    LeadEvent,
    Member,
    Officer,
    Presence,
    Station,
    Task,
    Team,
)
from services.core.actor import Actor
from tests import factories as f

TODAY = date(2025, 11, 29)
EMPTY_MONTH = (2025, 4)  # no incident at all is recorded in April 2025
CATS = ("criminal", "public_order", "other")


@dataclass
class World:
    s1: Station
    s2: Station
    a: Community  # station 1, 5,000 residents
    b: Community  # station 1, 1,200 residents, few incidents (small bases)
    c: Community  # station 2, no incidents in 2024
    admin: Actor
    supervisor: Actor  # station 1
    officer_a: Actor  # community a only
    grid_a: Actor
    incidents: list[tuple[date, str, int, int]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A UTC instant on `day` in Asia/Shanghai (UTC+8, no daylight saving)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def build(s: Session) -> World:
    s1, s2 = f.station(s), f.station(s)
    a = f.community(s, station_=s1, population=5000, name="甲社区", name_en="Jia")
    b = f.community(s, station_=s1, population=1200, name="乙社区", name_en="Yi")
    c = f.community(s, station_=s2, population=3000, name="丙村", name_en="Bing", kind="village")
    oa = f.officer(s, a)
    member = f.member(s, f.team(s, a))
    users = dict(
        admin=f.user(s, "admin"), supervisor=f.user(s, "supervisor", station_=s1),
        officer_a=f.user(s, "officer", communities=[a], officer_id=oa.id),
        grid_a=f.user(s, "grid_worker", communities=[a], member_id=member.id))
    w = World(s1, s2, a, b, c, **{k: f.actor(s, u) for k, u in users.items()})
    w.extra.update(officer_a=oa, member_a=member)
    add_incidents(s, w)
    return w


def add_incidents(s: Session, w: World) -> None:
    rng = random.Random(6)
    rows: list[tuple[date, str, int, int]] = []
    day = date(2024, 1, 1)
    while day <= TODAY:
        for cid, p in ((w.a.id, 0.7), (w.b.id, 0.004), (w.c.id, 0.5)):
            if (day.year, day.month) == EMPTY_MONTH or (cid == w.c.id and day.year == 2024):
                continue
            for cat in CATS:
                if rng.random() < p or (day == date(2024, 2, 29) and cid == w.a.id):
                    rows.append((day, cat, cid, rng.randint(0 if cat == "other" else 1, 4)))
        day += timedelta(days=1)
    s.execute(insert(IncidentCount), [
        {"day": d, "category": cat, "community_id": cid, "count": n} for d, cat, cid, n in rows])
    w.incidents = rows


def dispute(s: Session, community: Community, reported: datetime, *, resolved: bool = False,
            address: str = "", parties: list[Any] | None = None, kind: str = "neighbour",
            recurring_of: int | None = None) -> Dispute:
    d = Dispute(community_id=community.id, kind=kind, address=address, parties=parties or [],
                reported_at=reported, resolved=resolved, recurring_of_id=recurring_of,
                resolved_at=reported + timedelta(days=3) if resolved else None)
    s.add(d)
    s.flush()
    return d


def presence(s: Session, officer: Officer, community: Community, start: datetime,
             hours: float | None = None, manual: float | None = None) -> Presence:
    p = Presence(officer_id=officer.id, community_id=community.id, started_at=start,
                 ended_at=start + timedelta(hours=hours) if hours is not None else None,
                 hours=manual, source="manual" if manual is not None else "checkin")
    s.add(p)
    s.flush()
    return p


def lead(s: Session, community: Community, created: datetime, **kw: Any) -> Lead:
    row = Lead(community_id=community.id, created_at=created, lat=community.lat,
               lon=community.lon, category=kw.pop("category", "public_order"),
               urgency=kw.pop("urgency", "routine"), description="测试", **kw)
    s.add(row)
    s.flush()
    return row


def escalate_event(s: Session, row: Lead, when: datetime) -> None:
    s.add(LeadEvent(lead_id=row.id, at=when, action="escalate", from_status="dispatched",
                    to_status="escalated"))
    s.flush()


def task(s: Session, community: Community, claimed_by: Member | None, claimed: datetime | None,
         team: Team | None = None) -> Task:
    t = Task(community_id=community.id, team_id=team.id if team else None, title="巡查",
             status="claimed" if claimed_by else "open", created_at=claimed or at(TODAY),
             claimed_by_member_id=claimed_by.id if claimed_by else None, claimed_at=claimed)
    s.add(t)
    s.flush()
    return t
