"""Map builders: offline decks (no provider, no tiles, no URLs), compact JSON, fitted views."""

from __future__ import annotations

import json

import pytest

from services.maps import MapView
from tests.factories import square
from ui.maps.build import MapOptions, build_map, small_map
from ui.maps.deck import bounds_of, fit_view
from ui.maps.legend import DIVERGING, NO_DATA, ZERO, diverging, sequential


def _offline(spec: dict) -> None:
    assert "mapProvider" not in spec
    assert spec["mapStyle"] == "__MAP_STYLE__"  # Streamlit draws no basemap for the sentinel
    text = json.dumps(spec)
    assert "http" not in text and "mapbox" not in text and "carto" not in text


def test_small_map_is_offline_and_shows_the_point_on_its_boundary() -> None:
    deck = small_map(29.4812345, 106.4812345, square(29.48, 106.48))
    spec = json.loads(deck.to_json())
    _offline(spec)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["small_map_point"]["data"] == [{"lon": 106.48123, "lat": 29.48123}]
    assert layers["small_map_area"]["data"]["features"][0]["geometry"]["type"] == "Polygon"
    view = spec["initialViewState"]
    assert abs(view["latitude"] - 29.48) < 0.01 and 13 < view["zoom"] <= 16.5


def test_small_map_without_boundary_centres_on_the_point() -> None:
    spec = json.loads(small_map(29.5, 106.5).to_json())
    _offline(spec)
    assert [layer["id"] for layer in spec["layers"]] == ["small_map_point"]
    assert spec["initialViewState"]["zoom"] == 15


def test_deck_json_is_compact_and_keeps_chinese_readable() -> None:
    deck = small_map(29.5, 106.5, {"type": "Feature", "geometry": square(29.5, 106.5),
                                    "properties": {"name": "双林社区"}})
    text = deck.to_json()
    assert "双林社区" in text and "\n" not in text


def test_fit_view_zooms_in_on_small_areas_and_out_on_large_ones() -> None:
    small = fit_view(bounds_of([square(29.48, 106.48, 0.002)]))  # type: ignore[arg-type]
    large = fit_view(bounds_of([square(29.48, 106.48, 0.1)]))  # type: ignore[arg-type]
    assert small.zoom > large.zoom + 4
    assert bounds_of([None, {}]) is None


def _view(mode: str = "points") -> MapView:
    from datetime import UTC, datetime

    import pandas as pd

    from services.maps.base import BaseLayers
    from services.maps.leads import CellGrid, LeadLayer

    a = {"type": "Feature", "geometry": square(29.48, 106.48),
         "properties": {"id": 1, "name": "双林社区", "name_en": "Shuanglin", "kind": "community",
                        "population": 4000}}
    b = {"type": "Feature", "geometry": square(29.48, 106.49),  # shares an edge with a
         "properties": {"id": 2, "name": "新山村", "name_en": "", "kind": "village",
                        "population": 0}}
    base = BaseLayers(district={"type": "FeatureCollection", "features": []},
                      river={"type": "FeatureCollection", "features": []},
                      communities={"type": "FeatureCollection", "features": [a, b]},
                      stations=[], offices=[])
    measures = pd.DataFrame({"community_id": [1, 2], "open_leads": [3, 0], "leads": [8, 0],
                             "leads_per_1000": [2.0, float("nan")], "incidents": [12, 0],
                             "incident_change": [20.0, float("nan")]})
    points = pd.DataFrame([{
        "id": 7, "lat": 29.48, "lon": 106.48, "category": "fraud", "urgency": "urgent",
        "status": "dispatched", "created_at": datetime(2026, 3, 1, 4, 0, tzinfo=UTC),
        "community": "双林社区", "address": "双林路 8 号", "contact": "138****5678", "open": True}])
    cells = pd.DataFrame({"row": [10], "col": [20], "count": [5], "open": [2], "urgent": [1],
                          "lat": [29.48], "lon": [106.48]})
    leads = LeadLayer(1 if mode == "points" else 5000, mode, points if mode == "points" else
                      points.iloc[0:0], cells if mode == "cells" else cells.iloc[0:0],
                      CellGrid(300, 0.0027, 0.0031))
    return MapView(base=base, measures=measures, leads=leads)


def test_built_map_has_tooltips_strings_only_and_shared_borders_once() -> None:
    deck, legends = build_map(_view(), MapOptions(layers=frozenset({"measure", "leads"})))
    spec = json.loads(deck.to_json())
    _offline(spec)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    lead = layers["leads"]["data"][0]
    assert set(lead) == {"id", "lat", "lon", "c", "tip"}  # no datetime objects travel
    assert lead["tip"].startswith("线索 #7 · 诈骗 · 紧急 · 已派单")
    assert "2026-03-01 12:00 · 双林社区" in lead["tip"] and "138****5678" in lead["tip"]
    borders = layers["borders"]["data"]  # every area's borders in one layer
    assert len(borders) == 7  # 2 squares × 4 sides − 1 shared; the empty district has none
    assert {(tuple(b["c"]), b["w"]) for b in borders} == {((255, 255, 255, 255), 1.5)}
    assert "district" not in layers and "river" not in layers  # empty: no layer to draw
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids.index("borders") == ids.index("communities") + 1  # above the areas
    tips = [f["properties"]["tip"] for f in layers["communities"]["data"]["features"]]
    assert "双林社区（社区）· 人口 4,000" in tips[0] and "同比 +20.0%" in tips[0]
    assert "同比 —" in tips[1]
    assert [legend.title for legend in legends] == ["未结线索", "线索（按紧急程度）"]
    assert spec["layers"][-1]["id"] == "leads"  # leads are drawn on top


def test_cells_and_heatmap_and_english() -> None:
    options = MapOptions(layers=frozenset({"leads"}), lang="en")
    view = _view("cells")
    deck, legends = build_map(view, options)
    cells = {x["id"]: x for x in json.loads(deck.to_json())["layers"]}["lead_cells"]
    assert cells["data"][0]["tip"].startswith("Cell of about 300 m: 5")
    # the browser draws each cell as the square from its south-west corner: the same
    # arithmetic here (deck.gl's expressions are a subset of Python's) gives its corners
    row = cells["data"][0]
    corners = eval(cells["getPolygon"].removeprefix("@@="), {}, dict(row))  # noqa: S307
    grid = view.leads.grid  # type: ignore[union-attr]
    assert corners[0] == [row["lon"], row["lat"]]
    assert corners[2] == pytest.approx([row["lon"] + grid.dlon, row["lat"] + grid.dlat], abs=1e-6)
    assert legends[0].title == "Leads per cell of about 300 m"
    heat, legends = build_map(_view("cells"), MapOptions(layers=frozenset({"leads"}),
                                                          lead_style="heatmap"))
    layer = {x["id"]: x for x in json.loads(heat.to_json())["layers"]}["lead_heat"]
    assert layer["data"] == [{"lat": 29.48135, "lon": 106.48155, "w": 5}]
    assert legends[0].title == "线索密度"


def test_measure_classes_and_change_colours() -> None:
    colours, items = sequential([0, 1, 2, 3, 4, 10, 20, 40])
    assert colours[0] == ZERO and colours[-1] != colours[1]
    assert [label for _, label in items][0] == "0" and items[-1][1].endswith("40")
    colours, items = diverging([-50.0, 0.0, 50.0, float("nan")], "zh")
    assert colours[0] == DIVERGING[0] and colours[1] == DIVERGING[2]
    assert colours[2] == DIVERGING[4] and colours[3] == NO_DATA
    assert items[-1][1].startswith("无法比较")


def test_an_empty_view_still_draws() -> None:
    import pandas as pd

    from services.maps.base import BaseLayers
    from services.maps.leads import CELL_COLUMNS, POINT_COLUMNS, CellGrid, LeadLayer

    empty = {"type": "FeatureCollection", "features": []}
    view = MapView(base=BaseLayers(empty, empty, empty, [], []),
                   measures=pd.DataFrame(columns=["community_id", "open_leads"]),
                   leads=LeadLayer(0, "points", pd.DataFrame(columns=POINT_COLUMNS),
                                   pd.DataFrame(columns=CELL_COLUMNS),
                                   CellGrid(300, 0.0027, 0.0031)),
                   coverage=empty, units=[], alerts=empty)
    deck, _ = build_map(view, MapOptions(layers=frozenset({"measure", "leads", "coverage",
                                                            "alerts", "posts"})))
    spec = json.loads(deck.to_json())
    _offline(spec)
    assert [layer["id"] for layer in spec["layers"]] == ["lead_taps", "leads"]  # nothing else


def test_the_alert_legend_says_when_no_alert_is_in_force() -> None:
    from dataclasses import replace

    options = MapOptions(layers=frozenset({"measure", "alerts"}))
    empty = {"type": "FeatureCollection", "features": []}
    _, legends = build_map(replace(_view(), alerts=empty), options)
    alert = [legend for legend in legends if legend.title == "协查通报"]
    assert len(alert) == 1 and alert[0].note == "目前没有有效的协查通报。"
    area = {"type": "Feature", "geometry": square(29.48, 106.48),
            "properties": {"alert_id": 1, "title": "协查走失老人", "origin": "四川",
                           "valid_to": "2026-12-01 08:00"}}
    deck, legends = build_map(replace(_view(), alerts={**empty, "features": [area]}), options)
    alert = [legend for legend in legends if legend.title == "协查通报"]
    assert len(alert) == 1 and alert[0].note == ""
    assert "alerts" in [layer["id"] for layer in json.loads(deck.to_json())["layers"]]


def test_grids_switched_off_are_lines_that_appear_as_the_map_is_zoomed_in() -> None:
    from dataclasses import replace

    from pydeck import ViewState

    from ui.maps.deck import metres_per_pixel

    grid = {"type": "Feature", "geometry": square(29.48, 106.48, 0.001),
            "properties": {"id": 5, "name": "双林一网格", "code": "G-05"}}
    view = replace(_view(), grids={"type": "FeatureCollection", "features": [grid]})
    off, legends = build_map(view, MapOptions(layers=frozenset({"measure"})))
    spec = json.loads(off.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert "grids" not in layers  # no grid areas: hovering still shows the community
    borders = layers["borders"]  # one layer for every line: a second one cost 0.3 s
    assert (borders["widthUnits"], borders["widthMaxPixels"]) == ("meters", 3)
    grey = [b for b in borders["data"] if b["c"] == [90, 90, 90, 200]]
    assert len(grey) == 4 and {b["w"] for b in grey} == {4}
    # the communities' borders look as before at the opening view: 1.5 px, in metres
    opening = metres_per_pixel(ViewState(**spec["initialViewState"]))
    assert {b["w"] for b in borders["data"] if b["c"] == [255, 255, 255, 255]} == {
        round(1.5 * opening, 1)}
    # 4 m: about a tenth of a pixel over the whole district (zoom 11), a pixel at zoom 14
    at = {z: metres_per_pixel(ViewState(latitude=29.4, longitude=106.5, zoom=z)) for z in (11, 14)}
    assert 4 / at[11] < 0.15 and 0.9 < 4 / at[14] < 1.3
    assert ("网格", "网格边界（放大地图后显示）") in [(g.title, g.items[0][1]) for g in legends]
    on, legends = build_map(view, MapOptions(layers=frozenset({"measure", "grids"})))
    layers = {layer["id"]: layer for layer in json.loads(on.to_json())["layers"]}
    assert "widthUnits" not in layers["borders"] and layers["grids"]["pickable"]  # pixels
    assert "G-05" in layers["grids"]["data"]["features"][0]["properties"]["tip"]
    assert ("网格", "网格边界（悬停看网格名称）") in [(g.title, g.items[0][1]) for g in legends]


def test_marks_keep_their_screen_size_and_a_lead_answers_a_finger() -> None:
    """Stations, offices, units and leads are sized in pixels, so zooming in never makes a
    station cover the leads around it; a lead is drawn at 12 px but picked within 44 px."""
    from dataclasses import replace

    view = _view()
    post = {"id": 1, "name": "跃进村派出所", "name_en": "Yuejincun Police Station",
            "lat": 29.481, "lon": 106.481}
    view = replace(view, base=replace(view.base, stations=[post], offices=[{**post, "id": 2}]))
    deck, _ = build_map(view, MapOptions(layers=frozenset({"posts", "leads"})))
    layers = {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}
    marks = ["stations", "offices", "lead_taps", "leads"]
    assert all(layers[m]["@@type"] == "ScatterplotLayer" for m in marks)
    assert all(layers[m]["radiusUnits"] == "pixels" for m in marks)
    assert not any("radiusMaxPixels" in layers[m] or "radiusScale" in layers[m] for m in marks)
    assert layers["stations"]["getRadius"] > layers["offices"]["getRadius"]
    assert 2 * layers["lead_taps"]["getRadius"] >= 44 and layers["lead_taps"]["pickable"]
    assert layers["lead_taps"]["getFillColor"][3] == 0  # the tap ring is not drawn
    assert 2 * layers["leads"]["getRadius"] < 44
    ids = list(layers)
    assert ids.index("lead_taps") == ids.index("leads") - 1 and ids[-1] == "leads"
    assert "Yuejincun" not in layers["stations"]["data"][0]["tip"]  # Chinese by default
