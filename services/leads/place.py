"""Where a lead happened: the point, its grid and community, and the district check."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, District, Grid, Member
from services.core.actor import Actor
from services.core.errors import Invalid

_LOCATION = "location"


@dataclass(frozen=True)
class Place:
    community_id: int
    grid_id: int | None
    lat: float
    lon: float


def _contains(boundary: dict[str, Any] | None, lat: float, lon: float) -> bool:
    if not boundary:
        return False
    return bool(shape(boundary).covers(Point(lon, lat)))


def inside_district(session: Session, lat: float, lon: float) -> bool:
    """True when the point lies in the district's boundary (or no boundary is known)."""
    boundary = session.scalar(select(District.boundary).order_by(District.id).limit(1))
    return True if not boundary else _contains(boundary, lat, lon)


def grid_at(session: Session, lat: float, lon: float) -> Grid | None:
    """The grid holding the point: a bounding-box query first, then the polygon test."""
    candidates = session.scalars(
        select(Grid).where(Grid.min_lat <= lat, Grid.max_lat >= lat,
                           Grid.min_lon <= lon, Grid.max_lon >= lon)
    ).all()
    return next((g for g in candidates if _contains(g.boundary, lat, lon)), None)


def community_at(session: Session, lat: float, lon: float) -> int | None:
    """The community whose boundary holds the point, else the one with the nearest centre."""
    rows = session.execute(select(Community.id, Community.lat, Community.lon,
                                  Community.boundary)).all()
    for cid, _clat, _clon, boundary in rows:
        if _contains(boundary, lat, lon):
            return int(cid)
    if not rows:
        return None
    return int(min(rows, key=lambda r: (r[1] - lat) ** 2 + (r[2] - lon) ** 2)[0])


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    if lat is None and lon is None:
        return None
    try:
        plat, plon = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise Invalid({_LOCATION: "leads.bad_point"}) from exc
    if not (math.isfinite(plat) and math.isfinite(plon)) or abs(plat) > 90 or abs(plon) > 180:
        raise Invalid({_LOCATION: "leads.bad_point"})
    return plat, plon


@dataclass(frozen=True)
class OwnGrid:
    id: int
    name: str
    community_id: int
    lat: float
    lon: float


def _member_grid(session: Session, actor: Actor) -> OwnGrid | None:
    """The reporter's own grid (columns only: boundaries are big and not needed here)."""
    if actor.member_id is None:
        return None
    row = session.execute(select(Grid.id, Grid.name, Grid.community_id, Grid.lat, Grid.lon)
                          .join(Member, Member.grid_id == Grid.id)
                          .where(Member.id == actor.member_id)).first()
    return OwnGrid(*row) if row else None


def locate(
    session: Session, *, actor: Actor, community_id: int | None, grid_id: int | None,
    lat: float | None, lon: float | None,
) -> Place:
    """Resolve the place from a grid, a community, a point, or the reporter's own grid."""
    point = _point(lat, lon)
    if point is not None and not inside_district(session, *point):
        raise Invalid({_LOCATION: "leads.outside_district"})
    if grid_id is not None:
        row = session.execute(select(Grid.id, Grid.name, Grid.community_id, Grid.lat, Grid.lon)
                              .where(Grid.id == grid_id)).first()
        chosen = OwnGrid(*row) if row else None
        if chosen is None or (community_id is not None and chosen.community_id != community_id):
            raise Invalid({_LOCATION: "leads.bad_grid"})
        plat, plon = point or (chosen.lat, chosen.lon)
        return Place(chosen.community_id, chosen.id, plat, plon)
    if community_id is not None:
        centre = session.execute(select(Community.lat, Community.lon)
                                 .where(Community.id == community_id)).first()
        if centre is None:
            raise Invalid({_LOCATION: "leads.bad_community"})
        plat, plon = point or (centre[0], centre[1])
        grid = grid_at(session, plat, plon) if point else None
        gid = grid.id if grid is not None and grid.community_id == community_id else None
        return Place(community_id, gid, plat, plon)
    if point is not None:
        grid = grid_at(session, *point)
        cid = grid.community_id if grid else community_at(session, *point)
        if cid is None:
            raise Invalid({_LOCATION: "leads.bad_community"})
        return Place(cid, grid.id if grid else None, *point)
    own = _member_grid(session, actor)
    if own is None:
        raise Invalid({_LOCATION: "leads.location_required"})
    return Place(own.community_id, own.id, own.lat, own.lon)


@dataclass(frozen=True)
class PlaceChoices:
    communities: tuple[tuple[int, str], ...]
    own_grid: tuple[int, str, int] | None  # (grid id, grid name, community id)


def place_choices(session: Session, *, actor: Actor) -> PlaceChoices:
    """What the report form offers: every community of the district, and the reporter's grid."""
    rows = session.execute(select(Community.id, Community.name).order_by(Community.name)).all()
    own = _member_grid(session, actor)
    return PlaceChoices(tuple((int(i), n) for i, n in rows),
                        (own.id, own.name, own.community_id) if own else None)


def grids_of(session: Session, *, community_id: int) -> list[tuple[int, str]]:
    rows = session.execute(select(Grid.id, Grid.name).where(Grid.community_id == community_id)
                           .order_by(Grid.code)).all()
    return [(int(i), n) for i, n in rows]
