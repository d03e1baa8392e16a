"""The map beside the board: open leads by urgency and the officers checked in, in scope."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from db.models import Community, Lead, Officer, Presence
from services.board.live import URGENCY_RANK, WAITING, WORKING, BoardFilters, late, scope_where
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.leadstate import is_open
from services.core.scope import community_filter

POINTS = 1500  # most urgent first; more would slow every refresh and hide each other anyway
SPREAD = 0.0012  # degrees: officers checked in to one community drawn around its centre


@dataclass(frozen=True)
class MapLead:
    id: int
    lat: float
    lon: float
    urgency: str
    status: str
    category: str
    community: str
    section: str  # waiting | progress | late (the board's sections)


@dataclass(frozen=True)
class MapUnit:
    officer_id: int
    name: str
    community: str
    lat: float
    lon: float
    since: datetime


@dataclass(frozen=True)
class BoardMap:
    leads: tuple[MapLead, ...]
    shown_all: bool  # False when only the POINTS most urgent are drawn
    units: tuple[MapUnit, ...]


def _leads(session: Session, actor: Actor, filters: BoardFilters,
           now: datetime) -> tuple[tuple[MapLead, ...], bool]:
    section = case((late(now), "late"), (Lead.status.in_(WAITING), "waiting"),
                   (Lead.status.in_(WORKING), "progress"), else_="late")
    rows = session.execute(
        select(Lead.id, Lead.lat, Lead.lon, Lead.urgency, Lead.status, Lead.category,
               Community.name, section)
        .join(Community, Community.id == Lead.community_id)
        .where(*scope_where(session, actor, filters), is_open())
        .order_by(URGENCY_RANK, Lead.id.desc()).limit(POINTS + 1)).all()
    return tuple(MapLead(int(r[0]), round(float(r[1]), 5), round(float(r[2]), 5), *r[3:])
                 for r in rows[:POINTS]), len(rows) <= POINTS


def _units(session: Session, actor: Actor, filters: BoardFilters) -> tuple[MapUnit, ...]:
    """Officers with an open check-in (on duty, active) at the community they checked in
    to; several in one community are drawn around its centre, not on top of each other."""
    where = [Presence.source == "checkin", Presence.ended_at.is_(None),
             Officer.active.is_(True), Officer.on_duty.is_(True),
             community_filter(actor, Presence.community_id)]
    if filters.community_ids:
        where.append(Presence.community_id.in_(filters.community_ids))
    if filters.station_ids:
        where.append(Community.station_id.in_(filters.station_ids))
    rows = session.execute(
        select(Officer.id, Officer.name, Community.id, Community.name, Community.lat,
               Community.lon, Presence.started_at)
        .join(Officer, Officer.id == Presence.officer_id)
        .join(Community, Community.id == Presence.community_id)
        .where(*where).order_by(Community.id, Officer.id, Presence.started_at.desc())).all()
    placed: dict[int, int] = {}
    out: list[MapUnit] = []
    seen: set[int] = set()
    for oid, name, cid, cname, lat, lon, since in rows:
        if oid in seen:  # two open check-ins: the newest counts
            continue
        seen.add(oid)
        k = placed[cid] = placed.get(cid, -1) + 1
        angle = k * 2.4  # the golden angle: neighbours never line up
        r = SPREAD * math.sqrt(k)
        out.append(MapUnit(int(oid), name, cname, round(float(lat) + r * math.sin(angle), 5),
                           round(float(lon) + r * math.cos(angle), 5), since))
    return tuple(out)


def board_map(session: Session, *, actor: Actor, filters: BoardFilters,
              now: datetime | None = None) -> BoardMap:
    """Two queries per refresh: the open leads (the most urgent POINTS of them) and the
    officers checked in. The base and the alert areas change slowly (services.maps)."""
    require(actor, Perm.VIEW_BOARD)
    require(actor, Perm.VIEW_MAP)
    leads, shown_all = _leads(session, actor, filters, now or clock.now())
    return BoardMap(leads, shown_all, _units(session, actor, filters))
