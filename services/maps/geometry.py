"""GeoJSON for the map: coordinates rounded to about a metre."""

from __future__ import annotations

from typing import Any

# 1e-5 degree is about 1 m here: finer detail only costs bytes. Rounded, the demo's 79
# communities and 302 grids weigh about 140 kB, so nothing needs simplifying.
DECIMALS = 5


def _round(coords: Any) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [round(float(coords[0]), DECIMALS), round(float(coords[1]), DECIMALS)]
    return [_round(c) for c in coords]


def compact(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    """The geometry with rounded coordinates (None when there is none)."""
    if not geometry or "coordinates" not in geometry:
        return None
    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}


def feature(geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any] | None:
    geom = compact(geometry)
    if geom is None:
        return None
    return {"type": "Feature", "geometry": geom, "properties": properties}


def collection(features: list[dict[str, Any] | None]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [f for f in features if f is not None]}


def square(lat: float, lon: float, half: float) -> dict[str, Any]:
    """A small square polygon around a centre, for places that have no boundary."""
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]
    return {"type": "Polygon", "coordinates": [_round(ring)]}
