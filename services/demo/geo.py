"""Geometry for the demo district: outline, Voronoi partitions, the river, points in polygons."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, shape

OUTLINE_PATH = Path(__file__).parent / "data" / "dadukou_outline.geojson"
LON0, LAT0 = 106.46, 29.42
KX = 111.32 * float(np.cos(np.radians(LAT0)))  # km per degree of longitude here
KY = 110.85  # km per degree of latitude


@lru_cache(maxsize=1)
def outline() -> Polygon:
    """The district's real outline; buffer(0) drops a zero-width spike in the source."""
    data = json.loads(OUTLINE_PATH.read_text(encoding="utf-8"))
    geom = shape(data["features"][0]["geometry"]).buffer(0)
    assert isinstance(geom, Polygon)
    return geom


def to_km(geom: Any) -> Any:
    return shapely.transform(geom, lambda c: np.column_stack(((c[:, 0] - LON0) * KX,
                                                              (c[:, 1] - LAT0) * KY)))


def to_deg(geom: Any) -> Any:
    # No rounding: neighbours' shared edges stay exactly collinear, so nothing overlaps.
    return shapely.transform(geom, lambda c: np.column_stack((c[:, 0] / KX + LON0,
                                                              c[:, 1] / KY + LAT0)))


def lattice(parent: Polygon, spacing: float) -> np.ndarray:
    """Regular sample points (n, 2) inside `parent`, used to weigh and balance cells."""
    minx, miny, maxx, maxy = parent.bounds
    xs = np.arange(minx + spacing / 2, maxx, spacing)
    ys = np.arange(miny + spacing / 2, maxy, spacing)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.column_stack((gx.ravel(), gy.ravel()))
    return pts[shapely.contains_xy(parent, pts[:, 0], pts[:, 1])]


def balanced_seeds(parent: Polygon, k: int, rng: np.random.Generator,
                   weight: np.ndarray | None = None, pts: np.ndarray | None = None,
                   iters: int = 30) -> np.ndarray:
    """k seeds whose Voronoi cells hold about equal weight of `parent` (weighted Lloyd)."""
    if pts is None:
        pts = lattice(parent, np.sqrt(parent.area / (k * 80)))
    w = np.ones(len(pts)) if weight is None else weight
    seeds = pts[rng.choice(len(pts), size=k, replace=False, p=w / w.sum())].copy()
    for _ in range(iters):
        d = ((pts[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
        near = d.argmin(axis=1)
        mass = np.bincount(near, weights=w, minlength=k)
        for axis in (0, 1):
            s = np.bincount(near, weights=w * pts[:, axis], minlength=k)
            seeds[:, axis] = np.where(mass > 0, s / np.maximum(mass, 1e-12), seeds[:, axis])
    return seeds


def voronoi_cells(parent: Polygon, seeds: np.ndarray) -> list[Polygon]:
    """The Voronoi cells of `seeds` clipped to `parent`, one polygon per seed, in seed order."""
    if len(seeds) == 1:
        return [parent]
    env = parent.envelope.buffer(max(parent.bounds[2] - parent.bounds[0], 1.0))
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=env, ordered=True)
    clipped = list(shapely.intersection(np.asarray(cells.geoms), parent))
    return _merge_fragments(clipped)


def _merge_fragments(cells: list[Any]) -> list[Polygon]:
    """Keep each cell's largest part; strays go to the neighbour sharing the most edge with them."""
    main: list[Polygon] = []
    strays: list[Polygon] = []
    for cell in cells:
        parts = sorted(polygons(cell), key=lambda p: -p.area)
        main.append(parts[0] if parts else Polygon())
        strays.extend(parts[1:])
    for stray in strays:
        edge = stray.boundary
        shared = [edge.intersection(m.boundary).length if not m.is_empty else 0.0 for m in main]
        j = int(np.argmax(shared))
        merged = shapely.union(main[j], stray)
        main[j] = max(polygons(merged), key=lambda p: p.area)
    return main


def polygons(geom: Any) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if isinstance(geom, MultiPolygon) or hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygons(g)]
    return []


def river() -> dict[str, Any]:
    """The Yangtze along the eastern edge, as a GeoJSON polygon just outside the outline."""
    course = LineString([(106.541, 29.376), (106.541, 29.394), (106.507, 29.446),
                         (106.5055, 29.470), (106.5075, 29.4795), (106.527, 29.4800),
                         (106.5275, 29.497), (106.532, 29.512)])
    water = to_km(course).buffer(0.55, quad_segs=4)
    water = shapely.difference(water, to_km(outline()).buffer(0.08))
    return geojson(max(polygons(to_deg(water)), key=lambda p: p.area))


def geojson(geom: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(shapely.to_geojson(geom))
    return data


def inside_point(poly: Polygon) -> tuple[float, float]:
    """A centre for labels and markers that lies inside the polygon (lon, lat)."""
    c = poly.centroid
    p = c if poly.contains(c) else poly.point_on_surface()
    return round(p.x, 6), round(p.y, 6)


def sample_in(poly: Polygon, n: int, rng: np.random.Generator, hotspots: np.ndarray,
              spread: float = 0.0009) -> np.ndarray:
    """n points (lon, lat) strictly inside `poly`: about half near hotspots, half anywhere."""
    shapely.prepare(poly)
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        m = max(2 * (n - len(out)), 16)
        near = rng.random(m) < 0.55
        hs = hotspots[rng.integers(0, len(hotspots), m)]
        cand = np.where(near[:, None], hs + rng.normal(0, spread, (m, 2)),
                        np.column_stack((rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m))))
        cand = np.round(cand, 6)
        ok = shapely.contains_xy(poly, cand[:, 0], cand[:, 1])
        out = np.vstack((out, cand[ok]))
    return out[:n]
