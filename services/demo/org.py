"""The organisation: district, sub-districts, stations, offices, communities, grids, officers."""

from __future__ import annotations

import math

import shapely

from db.models import Community, District, Grid, Officer, PoliceOffice, Station, Subdistrict
from services.demo import geo, names
from services.demo.layout import CommunitySpec
from services.demo.world import World
from services.demo.writer import Writer

OFFICES_PER_STATION = (4, 3, 4, 4, 3, 4, 3, 3)  # 28 community police offices
OFFICER_COUNT = 62
DEPUTY_SECRETARIES = 10


def write_org(w: Writer, world: World) -> None:
    lay = world.layout
    world.district_id = w.ids(District, 1)[0]
    lon, lat = geo.inside_point(lay.outline)
    w.insert(District, [{
        "id": world.district_id, "name": "大渡口区", "name_en": "Dadukou", "lat": lat, "lon": lon,
        "boundary": geo.geojson(lay.outline), "river": geo.river()}])
    world.sub_ids = w.ids(Subdistrict, len(lay.subs))
    world.station_ids = w.ids(Station, len(lay.subs))
    subs, stations = [], []
    for i, s in enumerate(lay.subs):
        place = {"lat": s.lat, "lon": s.lon, "boundary": geo.geojson(s.poly),
                 "district_id": world.district_id}
        subs.append({**place, "id": world.sub_ids[i], "name": s.name, "name_en": s.name_en,
                     "kind": s.kind})
        short = s.name.removesuffix("街道").removesuffix("镇")
        stations.append({**place, "id": world.station_ids[i], "name": f"{short}派出所",
                         "name_en": f"{s.name_en} Police Station"})
    w.insert(Subdistrict, subs)
    w.insert(Station, stations)
    groups = _office_groups(world)
    _write_offices(w, world, groups)
    _write_communities(w, world, groups)
    _write_officers(w, world, groups)


def _office_groups(world: World) -> list[list[int]]:
    """Split each station's communities into angular sectors around the station: one office each."""
    groups: list[list[int]] = []
    comms = world.layout.communities
    for i, sub in enumerate(world.layout.subs):
        mine = [c for c, spec in enumerate(comms) if spec.sub == i]
        mine.sort(key=lambda c: math.atan2(comms[c].lat - sub.lat, comms[c].lon - sub.lon))
        k = OFFICES_PER_STATION[i]
        groups.extend([mine[len(mine) * j // k: len(mine) * (j + 1) // k] for j in range(k)])
    return groups


def _office_main(comms: tuple[CommunitySpec, ...], group: list[int]) -> int:
    cx = sum(comms[c].lon for c in group) / len(group)
    cy = sum(comms[c].lat for c in group) / len(group)
    return min(group, key=lambda c: (comms[c].lon - cx) ** 2 + (comms[c].lat - cy) ** 2)


def _write_offices(w: Writer, world: World, groups: list[list[int]]) -> None:
    comms = world.layout.communities
    world.office_ids = w.ids(PoliceOffice, len(groups))
    rows = []
    for j, group in enumerate(groups):
        main = comms[_office_main(comms, group)]
        short = main.name.removesuffix("社区").removesuffix("村")
        central = len(group) >= 3
        union = shapely.union_all([comms[c].poly for c in group])
        rows.append({
            "id": world.office_ids[j], "station_id": world.station_ids[main.sub],
            "name": f"{short}{'中心警务区' if central else '社区警务室'}",
            "name_en": main.name_en + (" Central Police District" if central else " Police Office"),
            "lat": main.lat, "lon": main.lon, "boundary": geo.geojson(union)})
    w.insert(PoliceOffice, rows)


def _write_communities(w: Writer, world: World, groups: list[list[int]]) -> None:
    comms = world.layout.communities
    office_of = {c: j for j, g in enumerate(groups) for c in g}
    world.community_ids = w.ids(Community, len(comms))
    world.community_sub = [c.sub for c in comms]
    w.insert(Community, [{
        "id": world.community_ids[n], "subdistrict_id": world.sub_ids[c.sub],
        "station_id": world.station_ids[c.sub], "police_office_id": world.office_ids[office_of[n]],
        "name": c.name, "name_en": c.name_en, "kind": c.kind, "population": c.population,
        "households": c.households, "lat": c.lat, "lon": c.lon, "boundary": geo.geojson(c.poly),
    } for n, c in enumerate(comms)])
    world.shuanglin = next(n for n, c in enumerate(comms) if c.name == "双林社区")
    grid_rows = []
    for n, c in enumerate(comms):
        for g in c.grids:
            minx, miny, maxx, maxy = g.poly.bounds
            grid_rows.append({"community_id": world.community_ids[n], "code": g.code,
                              "name": g.name, "lat": g.lat, "lon": g.lon,
                              "boundary": geo.geojson(g.poly), "min_lat": miny, "max_lat": maxy,
                              "min_lon": minx, "max_lon": maxx})
            world.grid_community.append(n)
            world.grid_polys.append(g.poly)
            world.grid_hotspots.append(g.hotspots)
    world.grid_ids = w.ids(Grid, len(grid_rows))
    w.insert(Grid, [{**r, "id": i} for r, i in zip(grid_rows, world.grid_ids,
                                                             strict=True)])


def _pairs(world: World, groups: list[list[int]]) -> list[list[int]]:
    """Each officer's communities: one each, except the smallest neighbours in an office share."""
    comms = world.layout.communities
    candidates = sorted(
        (comms[a].population + comms[b].population, a, b)
        for g in groups for a in g for b in g
        if a < b and comms[a].poly.distance(comms[b].poly) < 1e-6
    )
    paired: set[int] = set()
    beats: list[list[int]] = []
    for _, a, b in candidates:
        if len(beats) == len(comms) - OFFICER_COUNT:
            break
        if a not in paired and b not in paired and world.shuanglin not in (a, b):
            beats.append([a, b])
            paired.update((a, b))
    beats.extend([c] for c in range(len(comms)) if c not in paired)
    return sorted(beats, key=lambda b: min(b))


def _write_officers(w: Writer, world: World, groups: list[list[int]]) -> None:
    rng = world.rngs.py("officers")
    office_of = {c: j for j, g in enumerate(groups) for c in g}
    beats = _pairs(world, groups)
    world.officer_ids = w.ids(Officer, len(beats))
    badges = rng.sample(range(10_000, 100_000), len(beats))
    deputies = set(rng.sample(range(len(beats)), DEPUTY_SECRETARIES))
    off_duty = set(rng.sample(sorted(set(range(len(beats))) - deputies), 2))
    rows = []
    world.community_officer = [0] * len(world.community_ids)
    for k, beat in enumerate(beats):
        name = names.person_name(rng, male=rng.random() < 0.82)
        world.officer_names.append(name)
        world.officer_badges.append(f"{badges[k]:06d}")
        world.officer_communities.append(beat)
        for c in beat:
            world.community_officer[c] = k
        rows.append({"id": world.officer_ids[k], "name": name, "badge_no": world.officer_badges[k],
                     "phone": world.phones.next(), "police_office_id":
                     world.office_ids[office_of[beat[0]]], "is_deputy_secretary": k in deputies,
                     "on_duty": k not in off_duty or world.shuanglin in beat})
    w.insert(Officer, rows)
    w.update(Community, "officer_id", [
        (world.community_ids[c], world.officer_ids[k]) for c, k in
        enumerate(world.community_officer)])
    backups: dict[int, int] = {}
    for k, beat in enumerate(beats):
        backups.setdefault(office_of[beat[0]], k)  # the office's first officer stands in
    w.update(PoliceOffice, "backup_officer_id",
             [(world.office_ids[j], world.officer_ids[k]) for j, k in sorted(backups.items())])
