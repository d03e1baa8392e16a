"""The demo district's map: sub-districts, communities and grids tiling the real outline."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import Point, Polygon

from services.demo import geo, names

LAYOUT_SEED = 1_048_576  # the map is the same for every seed: screenshots and docs stay valid
GRID_TOTAL = 302

# name, English name, kind, seed (lon, lat) of the seat, communities, villages
SUBDISTRICTS = (
    ("新山村街道", "Xinshancun", "street", (106.470, 29.489), 9, 0),
    ("跃进村街道", "Yuejincun", "street", (106.497, 29.484), 8, 0),
    ("九宫庙街道", "Jiugongmiao", "street", (106.480, 29.466), 10, 0),
    ("春晖路街道", "Chunhuilu", "street", (106.479, 29.442), 9, 0),
    ("茄子溪街道", "Qiezixi", "street", (106.505, 29.414), 8, 0),
    ("八桥镇", "Baqiao", "town", (106.458, 29.410), 5, 7),
    ("建胜镇", "Jiansheng", "town", (106.410, 29.421), 3, 9),
    ("跳磴镇", "Tiaodeng", "town", (106.428, 29.368), 2, 9),
)
SHUANGLIN_SUB = 5  # 双林社区 lies in 八桥镇


@dataclass(frozen=True)
class GridSpec:
    code: str
    name: str
    poly: Polygon
    lon: float
    lat: float
    hotspots: np.ndarray  # (3, 2) lon/lat points where leads cluster


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    name_en: str
    kind: str  # community | village
    sub: int
    poly: Polygon
    lon: float
    lat: float
    population: int
    households: int
    grids: tuple[GridSpec, ...]
    roads: tuple[str, ...]


@dataclass(frozen=True)
class SubSpec:
    name: str
    name_en: str
    kind: str
    poly: Polygon
    lon: float
    lat: float


@dataclass(frozen=True)
class Layout:
    outline: Polygon
    subs: tuple[SubSpec, ...]
    communities: tuple[CommunitySpec, ...]


@lru_cache(maxsize=1)
def layout() -> Layout:
    """Build (once per process) the deterministic map of the demo district."""
    rng = np.random.default_rng(LAYOUT_SEED)
    prng = random.Random(LAYOUT_SEED)
    area = geo.to_km(geo.outline())
    seats = np.array([geo.to_km(Point(*s[3])).coords[0] for s in SUBDISTRICTS])
    sub_cells = geo.voronoi_cells(area, seats)
    cells = [_community_cells(sub_cells[i], seats[i], spec, rng)
             for i, spec in enumerate(SUBDISTRICTS)]
    words = _names(prng, cells)
    pops = _populations(prng, cells)
    counts = _grid_counts([p for p, _ in pops])
    communities: list[CommunitySpec] = []
    for i, sub_cells_i in enumerate(cells):
        for poly_km, kind in sub_cells_i:
            n = len(communities)
            communities.append(_community(n, i, poly_km, kind, words[n], pops[n], counts[n], rng,
                                          prng))
    subs = tuple(_sub(i, [c for c in communities if c.sub == i]) for i in range(len(SUBDISTRICTS)))
    return Layout(geo.outline(), subs, tuple(communities))


def _community_cells(parent: Polygon, seat: np.ndarray, spec: tuple, rng: np.random.Generator
                     ) -> list[tuple[Polygon, str]]:
    """Communities crowd around the seat; in towns the outer, larger cells are villages."""
    n_comm, n_vill = spec[4], spec[5]
    k = n_comm + n_vill
    pts = geo.lattice(parent, float(np.sqrt(parent.area / (k * 90))))
    d2 = ((pts - seat) ** 2).sum(axis=1)
    weight = 1 + (14 if n_vill else 1.5) * np.exp(-d2 / (2 * 1.1**2))
    seeds = geo.balanced_seeds(parent, k, rng, weight, pts)
    cells = geo.voronoi_cells(parent, seeds)
    order = np.argsort([c.area for c in cells], kind="stable")  # small (dense) cells first
    return [(cells[j], "community" if rank < n_comm else "village")
            for rank, j in enumerate(order)]


def _names(prng: random.Random, cells: list[list[tuple[Polygon, str]]]) -> list[tuple[str, str]]:
    kinds = [kind for sub in cells for _, kind in sub]
    urban, rural = names.place_words(prng, kinds.count("community") - 1, kinds.count("village"))
    out: list[tuple[str, str]] = []
    first_in_shuanglin_sub = sum(len(s) for s in cells[:SHUANGLIN_SUB])
    for n, kind in enumerate(kinds):
        if n == first_in_shuanglin_sub:
            zh, en = names.SHUANGLIN
        else:
            zh, en = (urban if kind == "community" else rural).pop().split(" ")
        out.append((zh + ("社区" if kind == "community" else "村"), en))
    return out


def _populations(prng: random.Random, cells: list[list[tuple[Polygon, str]]]
                 ) -> list[tuple[int, int]]:
    out = []
    for i, sub in enumerate(cells):
        town = SUBDISTRICTS[i][2] == "town"
        for _, kind in sub:
            if kind == "village":
                pop = prng.randint(1_200, 4_800)
            else:
                pop = prng.randint(3_200, 9_000) if town else prng.randint(4_500, 14_500)
            out.append((pop, round(pop / prng.uniform(2.45, 2.9))))
    return out


def _grid_counts(pops: list[int]) -> list[int]:
    """GRID_TOTAL grids shared by population (largest remainder), at least two each."""
    w = np.array(pops, dtype=float)
    raw = w / w.sum() * GRID_TOTAL
    counts = np.maximum(np.floor(raw).astype(int), 2)
    for j in np.argsort(-(raw - np.floor(raw)), kind="stable"):
        if counts.sum() >= GRID_TOTAL:
            break
        counts[j] += 1
    while counts.sum() > GRID_TOTAL:
        counts[int(np.argmax(counts))] -= 1
    return [int(c) for c in counts]


def _community(n: int, sub: int, poly_km: Polygon, kind: str, name: tuple[str, str],
               pop: tuple[int, int], k: int, rng: np.random.Generator, prng: random.Random
               ) -> CommunitySpec:
    seeds = geo.balanced_seeds(poly_km, k, rng)
    order = np.lexsort((seeds[:, 0], -np.round(seeds[:, 1], 1)))  # number grids north to south
    cells = [geo.to_deg(c) for c in geo.voronoi_cells(poly_km, seeds[order])]
    grids = []
    for g, cell in enumerate(cells):
        lon, lat = geo.inside_point(cell)
        hot = geo.sample_in(cell, 3, rng, np.array([[lon, lat]]), spread=0.0012)
        grids.append(GridSpec(f"500104{n + 1:03d}{g + 1:02d}", f"{name[0]}第{g + 1}网格", cell,
                              lon, lat, hot))
    union = shapely.union_all([g.poly for g in grids])
    poly = max(geo.polygons(union), key=lambda p: p.area)
    lon, lat = geo.inside_point(poly)
    roads = tuple(prng.choice(names.ROAD_WORDS) + prng.choice(names.ROAD_KINDS) for _ in range(4))
    return CommunitySpec(name[0], name[1], kind, sub, poly, lon, lat, pop[0], pop[1],
                         tuple(grids), roads)


def _sub(i: int, comms: list[CommunitySpec]) -> SubSpec:
    spec = SUBDISTRICTS[i]
    union = shapely.union_all([c.poly for c in comms])
    poly = max(geo.polygons(union), key=lambda p: p.area)
    densest = min(comms, key=lambda c: c.poly.area)
    return SubSpec(spec[0], spec[1], spec[2], poly, densest.lon, densest.lat)
