"""GeoJSON for the map: coordinates rounded to about a metre, optional simplification."""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping, shape

DECIMALS = 5  # 1e-5 degree is about 1 m here: finer detail only costs bytes


def _round(coords: Any) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [round(float(coords[0]), DECIMALS), round(float(coords[1]), DECIMALS)]
    return [_round(c) for c in coords]


def compact(geometry: dict[str, Any] | None, tolerance: float = 0.0) -> dict[str, Any] | None:
    """The geometry with rounded coordinates; simplified first when `tolerance` (degrees) > 0."""
    if not geometry or "coordinates" not in geometry:
        return None
    if tolerance > 0:
        simple = shape(geometry).simplify(tolerance, preserve_topology=True)
        if not simple.is_empty:
            geometry = dict(mapping(simple))
    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}


def feature(geometry: dict[str, Any] | None, tolerance: float = 0.0,
            **properties: Any) -> dict[str, Any] | None:
    geom = compact(geometry, tolerance)
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
