"""The report form's map and point: what a located or tapped point is, and what is refused."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from services import leads
from services.core.errors import Invalid
from tests import factories as f
from tests.images import picture
from tests.leads_world import World, build


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def test_a_point_is_named_by_its_grid_and_community(session: Session, w: World) -> None:
    info = leads.describe_point(session, actor=w.grid1, lat=w.g1.lat + 0.001, lon=w.g1.lon)
    assert (info.grid_id, info.grid, info.community_id, info.community) == (
        w.g1.id, w.g1.name, w.c1.id, w.c1.name)
    # in the community but outside its grids: the community alone
    info = leads.describe_point(session, actor=w.grid1, lat=w.c1.lat + 0.008, lon=w.c1.lon)
    assert (info.grid_id, info.community_id) == (None, w.c1.id)


@pytest.mark.parametrize(("lat", "lon", "key"), [
    (30.5, 106.48, "leads.outside_district"),  # Chongqing's north, outside the district
    (29.48, 116.48, "leads.outside_district"),
    (None, None, "leads.bad_point"),
    (float("nan"), 106.48, "leads.bad_point"),
    (91.0, 106.48, "leads.bad_point"),
    ("29.48", "x", "leads.bad_point"),
])
def test_a_point_outside_the_district_or_nonsense_is_refused(
        session: Session, w: World, lat: object, lon: object, key: str) -> None:
    with pytest.raises(Invalid) as err:
        leads.describe_point(session, actor=w.grid1, lat=lat, lon=lon)  # type: ignore[arg-type]
    assert err.value.fields == {"location": key}


def test_the_same_point_is_refused_on_submit_and_nothing_is_stored(
        session: Session, w: World) -> None:
    with pytest.raises(Invalid) as err:
        leads.report_lead(session, actor=w.grid1, category="help", urgency="routine",
                          description="外地", lat=30.5, lon=106.48)
    assert err.value.fields == {"location": "leads.outside_district"}
    from sqlalchemy import func, select

    from db.models import Lead
    assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_map_shapes_come_from_our_own_boundaries(session: Session, w: World) -> None:
    f.district(session)
    shapes = leads.map_shapes(session)
    assert {c["name"] for c in shapes["communities"]} == {w.c1.name, w.c2.name}
    assert len(shapes["grids"]) == 2 and len(shapes["outline"]) == 1
    ring = shapes["grids"][0]
    assert ring[0] == ring[-1] and all(len(p) == 2 for p in ring)  # closed [lon, lat] rings
    json.dumps(shapes)  # plain data for the browser
    assert leads.start_point(session, actor=w.grid1) == (w.g1.lat, w.g1.lon)  # own grid
    lat, lon = leads.start_point(session, actor=w.admin)  # no grid: the district's middle
    assert min(w.c1.lat, w.c2.lat) <= lat <= max(w.c1.lat, w.c2.lat)


def test_a_photo_s_gps_is_offered_only_when_it_is_there(w: World) -> None:
    assert leads.photo_gps(picture("JPEG", lat=29.4801, lon=106.4802)) == pytest.approx(
        (29.4801, 106.4802), abs=1e-4)
    assert leads.photo_gps(picture("JPEG")) is None
    assert leads.photo_gps(b"not a picture") is None
