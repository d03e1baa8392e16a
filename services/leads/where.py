"""The report form's map: boundaries to draw offline, and what a tapped or located point is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import mapping, shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Community, District, Grid
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.leads.place import _member_grid, _point, community_at, grid_at, inside_district

TOLERANCE = 0.0004  # degrees (about 40 m): outlines drawn on a phone need no more


@dataclass(frozen=True)
class PointInfo:
    lat: float
    lon: float
    community_id: int
    community: str
    grid_id: int | None
    grid: str


def describe_point(session: Session, *, actor: Actor, lat: float | None,
                   lon: float | None) -> PointInfo:
    """The community and grid a point lies in, shown before submitting. Invalid with
    `leads.outside_district` for a point outside the district, `leads.bad_point` for no
    point or nonsense."""
    require(actor, Perm.REPORT_LEAD)
    point = _point(lat, lon)
    if point is None:
        raise Invalid({"location": "leads.bad_point"})
    if not inside_district(session, *point):
        raise Invalid({"location": "leads.outside_district"})
    grid = grid_at(session, *point)
    community_id = grid.community_id if grid else community_at(session, *point)
    if community_id is None:
        raise Invalid({"location": "leads.bad_community"})
    name = session.scalar(select(Community.name).where(Community.id == community_id)) or ""
    return PointInfo(point[0], point[1], int(community_id), name,
                     grid.id if grid else None, grid.name if grid else "")


def _rings(geo: dict[str, Any] | None) -> list[list[list[float]]]:
    """Outer rings of a (multi)polygon, simplified and rounded: [[lon, lat], ...] each."""
    if not geo:
        return []
    try:
        geom = shape(geo).simplify(TOLERANCE, preserve_topology=True)
    except (ValueError, TypeError, AttributeError, KeyError):
        return []
    shapes = mapping(geom)
    polygons = ([shapes["coordinates"]] if shapes["type"] == "Polygon"
                else list(shapes["coordinates"]) if shapes["type"] == "MultiPolygon" else [])
    return [[[round(x, 5), round(y, 5)] for x, y in poly[0]] for poly in polygons if poly]


def start_point(session: Session, *, actor: Actor) -> tuple[float, float]:
    """Where the form's map looks first: the reporter's own grid, else the district's middle."""
    require(actor, Perm.REPORT_LEAD)
    own = _member_grid(session, actor)
    if own is not None:
        return own.lat, own.lon
    row = session.execute(select(func.min(Community.lat), func.max(Community.lat),
                                 func.min(Community.lon), func.max(Community.lon))).one()
    if row[0] is None:
        return 0.0, 0.0
    return (row[0] + row[1]) / 2, (row[2] + row[3]) / 2


def map_shapes(session: Session) -> dict[str, Any]:
    """What the form's map draws, from Pingan's own boundaries: the district outline, every
    community and every grid, simplified. Plain JSON-able data, the same for every user
    (boundaries are not personal), so a page may cache it."""
    outline = session.scalar(select(District.boundary).order_by(District.id).limit(1))
    communities = [{"name": name, "rings": _rings(geo)} for name, geo in session.execute(
        select(Community.name, Community.boundary).order_by(Community.id))]
    grids = [r for geo, in session.execute(select(Grid.boundary).order_by(Grid.id))
             for r in _rings(geo)]
    return {"outline": _rings(outline), "communities": communities, "grids": grids}
