"""Map services on SQLite and PostgreSQL: aggregation matches direct counts, scopes, filters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Lead
from services import maps
from services.core.actor import Actor
from services.core.errors import Invalid, PermissionDenied
from services.core.leadstate import is_open
from services.maps.coverage import alert_areas, grid_coverage, response_units
from services.maps.filters import MapFilters
from services.maps.leads import lead_layer
from services.maps.measures import community_measures
from tests import factories as f
from tests import map_data as md
from tests.map_data import NOW


@dataclass
class World:
    a: object
    b: object
    grid_a: object
    boss: Actor  # supervisor, whole district
    officer_a: Actor  # officer whose scope is community A


@pytest.fixture
def world(session: Session) -> World:
    a = f.community(session, name="双林社区", lat=29.48, lon=106.48, population=4000)
    b = f.community(session, name="新山村社区", lat=29.50, lon=106.52, population=2000)
    grid_a = f.grid(session, a)
    boss = f.actor(session, f.user(session, "supervisor"))
    officer_a = f.actor(session, f.user(session, "officer", communities=[a]))
    return World(a, b, grid_a, boss, officer_a)


def _count(session: Session, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0


def test_cells_add_up_to_a_direct_sql_count_cell_by_cell(session: Session, world: World) -> None:
    md.scatter(session, world.a, 120, seed=3)
    md.scatter(session, world.b, 80, seed=4)
    layer = lead_layer(session, actor=world.boss, filters=MapFilters(window="7d"), now=NOW,
                       prefer_cells=True)
    assert layer.mode == "cells" and layer.total == 200 == int(layer.cells["count"].sum())
    window = (Lead.created_at >= NOW - timedelta(days=7), Lead.created_at < NOW)
    assert int(layer.cells["open"].sum()) == _count(session, *window, is_open())
    assert int(layer.cells["urgent"].sum()) == _count(session, *window, Lead.urgency != "routine")
    g = layer.grid
    for cell in layer.cells.itertuples():
        inside = (Lead.lat >= cell.row * g.dlat, Lead.lat < (cell.row + 1) * g.dlat,
                  Lead.lon >= cell.col * g.dlon, Lead.lon < (cell.col + 1) * g.dlon)
        assert cell.count == _count(session, *window, *inside)
    side_lat = g.dlat * 111_320
    side_lon = g.dlon * 111_320 * math.cos(math.radians(29.48))
    assert abs(side_lat - 300) < 1 and abs(side_lon - 300) < 1


def test_points_when_few_cells_when_many(session: Session, world: World) -> None:
    md.scatter(session, world.a, 30)
    few = lead_layer(session, actor=world.boss, filters=MapFilters(), now=NOW)
    many = lead_layer(session, actor=world.boss, filters=MapFilters(), now=NOW, point_limit=20)
    assert few.mode == "points" and len(few.points) == 30 and few.cells.empty
    assert many.mode == "cells" and many.points.empty and many.total == 30


def test_points_carry_masked_contacts_and_the_community(session: Session, world: World) -> None:
    md.lead(session, world.a, reporter_contact="13812345678", address="双林路 8 号")
    session.flush()
    points = lead_layer(session, actor=world.boss, filters=MapFilters(), now=NOW).points
    row = points.iloc[0]
    assert row["contact"] == "138****5678" and "13812345678" not in points.to_csv()
    assert row["community"] == "双林社区" and row["address"] == "双林路 8 号" and row["open"]


def test_scope_holds_on_every_layer(session: Session, world: World) -> None:
    md.scatter(session, world.a, 10, seed=1)
    md.scatter(session, world.b, 15, seed=2)
    f.grid(session, world.b)
    md.alert(session, communities=[world.a.id, world.b.id])
    md.alert(session, communities=[world.b.id], title="只在新山村")
    unit = f.team(session, world.b, kind="response_unit")
    f.member(session, unit)
    view = maps.map_view(session, actor=world.officer_a, filters=MapFilters(), now=NOW,
                         layers=frozenset(maps.LAYERS))
    assert [c["properties"]["name"] for c in view.base.communities["features"]] == ["双林社区"]
    assert len(view.base.stations) == 1 and len(view.base.offices) == 1
    assert view.leads is not None and view.leads.total == 10
    assert set(view.leads.points["community"]) == {"双林社区"}
    assert view.measures is not None and list(view.measures["community_id"]) == [world.a.id]
    assert view.coverage is not None and len(view.coverage["features"]) == 1
    assert view.units == []
    assert view.alerts is not None
    assert [a["properties"]["area"] for a in view.alerts["features"]] == ["双林社区"]
    whole = maps.map_view(session, actor=world.boss, filters=MapFilters(), now=NOW,
                          layers=frozenset(maps.LAYERS))
    assert len(whole.base.communities["features"]) == 2 and whole.leads.total == 25  # type: ignore[union-attr]
    assert len(whole.alerts["features"]) == 3 and len(whole.units) == 1  # type: ignore[arg-type, index]


def test_filters_change_the_data(session: Session, world: World) -> None:
    md.scatter(session, world.a, 60, hours=24 * 20)

    def total(**kw: object) -> int:
        layer = lead_layer(session, actor=world.boss, filters=MapFilters(**kw), now=NOW)  # type: ignore[arg-type]
        return layer.total

    window = Lead.created_at < NOW
    assert total(window="24h") == _count(session, window, Lead.created_at >= NOW - timedelta(1))
    assert total(window="7d") == _count(session, window, Lead.created_at >= NOW - timedelta(7))
    assert total(window="30d") == 60
    assert total(window="24h") < total(window="7d") < total(window="30d")
    assert total(window="30d", categories=("fraud",)) == _count(session, Lead.category == "fraud")
    assert total(window="30d", urgencies=("emergency",)) == _count(
        session, Lead.urgency == "emergency")
    assert total(window="30d", statuses=("closed", "resolved")) == _count(
        session, Lead.status.in_(["closed", "resolved"]))
    assert total(window="30d", categories=("fraud",), urgencies=("routine",)) < total(
        window="30d", categories=("fraud",))


def test_custom_window_counts_whole_local_days(session: Session, world: World) -> None:
    # 2026-03-14 23:30 in Shanghai is 15:30 UTC; 2026-03-15 00:30 is 16:30 UTC.
    md.lead(session, world.a, at=NOW.replace(day=14, hour=15, minute=30))
    md.lead(session, world.a, at=NOW.replace(day=14, hour=16, minute=30))
    session.flush()
    one_day = MapFilters(window="custom", first=date(2026, 3, 14), last=date(2026, 3, 14))
    two_days = MapFilters(window="custom", first=date(2026, 3, 14), last=date(2026, 3, 15))
    assert lead_layer(session, actor=world.boss, filters=one_day, now=NOW).total == 1
    assert lead_layer(session, actor=world.boss, filters=two_days, now=NOW).total == 2


def test_community_measures_match_direct_counts(session: Session, world: World) -> None:
    md.scatter(session, world.a, 40, hours=24 * 20)
    md.lead(session, world.a, at=NOW - timedelta(days=200), status="new")  # old but still open
    today = date(2026, 3, 15)
    for back in range(7):
        md.incidents(session, world.a, today - timedelta(days=back), 3)
        md.incidents(session, world.a, date(2025, 3, 15) - timedelta(days=back), 2)
        md.incidents(session, world.b, date(2025, 3, 15) - timedelta(days=back), 1)
    frame = community_measures(session, actor=world.boss, filters=MapFilters(window="7d"),
                               now=NOW).set_index("community_id")
    a, b = frame.loc[world.a.id], frame.loc[world.b.id]
    assert a["open_leads"] == _count(session, is_open(), Lead.community_id == world.a.id)
    recent = _count(session, Lead.community_id == world.a.id,
                    Lead.created_at >= NOW - timedelta(days=7))
    assert a["leads"] == recent and a["leads_per_1000"] == round(recent / 4000 * 1000, 2)
    assert a["incidents"] == 21 and a["incidents_before"] == 14  # 8–15 March, both years
    assert a["incident_change"] == 50.0
    assert b["incidents"] == 0 and math.isnan(b["incident_change"])  # 7 before: too few


def test_open_leads_follow_category_and_urgency_but_not_the_status_filter(
    session: Session, world: World
) -> None:
    md.scatter(session, world.a, 36)
    base = community_measures(session, actor=world.boss, filters=MapFilters(), now=NOW)
    closed = community_measures(session, actor=world.boss, now=NOW,
                                filters=MapFilters(statuses=("closed",), categories=("fire",)))
    a = world.a.id
    assert closed.set_index("community_id").loc[a, "open_leads"] == _count(
        session, is_open(), Lead.category == "fire")
    assert closed.set_index("community_id").loc[a, "leads"] == _count(
        session, Lead.status == "closed", Lead.category == "fire")
    assert base.set_index("community_id").loc[a, "open_leads"] == _count(session, is_open())


def test_alert_areas_only_for_published_alerts_valid_now(session: Session, world: World) -> None:
    md.alert(session, communities=[world.a.id], grids=[world.grid_a.id], title="有效")
    md.alert(session, communities=[world.a.id], status="draft", title="草稿")
    md.alert(session, communities=[world.a.id], title="过期", valid_to=NOW - timedelta(hours=1))
    md.alert(session, communities=[world.a.id], status="closed", title="已结束")
    areas = alert_areas(session, actor=world.boss, now=NOW)["features"]
    assert sorted((a["properties"]["title"], a["properties"]["kind"]) for a in areas) == [
        ("有效", "community"), ("有效", "grid")]
    assert areas[0]["properties"]["valid_to"] == "2026-03-21 12:00"


def test_grid_coverage_counts_active_members_of_active_teams(
    session: Session, world: World
) -> None:
    empty = f.grid(session, world.a)
    retired = f.grid(session, world.a)
    team = f.team(session, world.a)
    f.member(session, team, grid_id=world.grid_a.id)
    f.member(session, team, grid_id=world.grid_a.id)
    f.member(session, team, grid_id=retired.id, active=False)
    idle = f.team(session, world.a, active=False)
    f.member(session, idle, grid_id=empty.id)
    props = {g["properties"]["id"]: g["properties"]
             for g in grid_coverage(session, actor=world.boss)["features"]}
    assert props[world.grid_a.id]["members"] == 2 and props[world.grid_a.id]["covered"]
    assert not props[empty.id]["covered"] and not props[retired.id]["covered"]


def test_response_units_sit_where_their_members_are(session: Session, world: World) -> None:
    unit = f.team(session, world.a, kind="response_unit", name="最小处置单元一")
    f.member(session, unit, grid_id=world.grid_a.id)
    f.team(session, world.b, kind="response_unit", name="无人")
    f.team(session, world.a, kind="patrol")
    units = {u["name"]: u for u in response_units(session, actor=world.boss)}
    assert set(units) == {"最小处置单元一", "无人"}
    assert units["最小处置单元一"]["members"] == 1 and units["无人"]["members"] == 0
    assert (units["无人"]["lat"], units["无人"]["lon"]) == (29.5, 106.52)


def test_bad_filters_and_roles_without_the_map_are_refused(session: Session,
                                                           world: World) -> None:
    with pytest.raises(Invalid) as bad:
        lead_layer(session, actor=world.boss, filters=MapFilters(window="1y"), now=NOW)
    assert bad.value.fields == {"window": "map.error.window"}
    with pytest.raises(Invalid):
        lead_layer(session, actor=world.boss, now=NOW, filters=MapFilters(
            window="custom", first=date(2026, 3, 2), last=date(2026, 3, 1)))
    with pytest.raises(Invalid):
        lead_layer(session, actor=world.boss, filters=MapFilters(categories=("x",)), now=NOW)
    worker = f.actor(session, f.user(session, "grid_worker", communities=[world.a]))
    with pytest.raises(PermissionDenied):
        maps.map_view(session, actor=worker, filters=MapFilters(), layers=frozenset({"leads"}))


def test_base_layers_have_compact_geometry(session: Session, world: World) -> None:
    world.a.boundary = {"type": "Polygon", "coordinates": [[[106.4712345678, 29.47], [
        106.49, 29.47], [106.49, 29.49], [106.4712345678, 29.47]]]}
    session.flush()
    base = maps.map_view(session, actor=world.boss, filters=MapFilters(),
                         layers=frozenset()).base
    ring = base.communities["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == [106.47123, 29.47]
    assert base.district["features"][0]["properties"]["name"] == "大渡口区"


def test_an_empty_scope_shows_an_empty_map(session: Session, world: World) -> None:
    md.scatter(session, world.a, 5)
    nobody = f.actor(session, f.user(session, "officer", scope_kind="communities"))
    view = maps.map_view(session, actor=nobody, filters=MapFilters(), now=NOW,
                         layers=frozenset(maps.LAYERS))
    assert view.base.communities["features"] == [] and view.base.stations == []
    assert view.leads is not None and view.leads.total == 0
    assert view.measures is not None and view.measures.empty
    assert view.coverage == {"type": "FeatureCollection", "features": []}
