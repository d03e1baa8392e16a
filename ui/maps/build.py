"""Map builders: plain data in, an offline pydeck Deck out (no Streamlit calls, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pydeck as pdk

from services.maps import LeadLayer, MapView
from ui.core.i18n import translate
from ui.core.places import place
from ui.maps import layers as map_layers
from ui.maps.deck import bounds_of, fit_view, make_deck, metres_per_pixel
from ui.maps.legend import LAND, Color, Legend, diverging, fixed_legends, sequential

POINT_COLOR = [229, 57, 53, 235]
AREA_FILL = [66, 133, 244, 40]
AREA_LINE = [25, 90, 200, 220]


def as_features(geo: dict[str, Any] | None) -> dict[str, Any]:
    """A FeatureCollection from a geometry, a feature or a collection (None: empty)."""
    if not geo:
        return {"type": "FeatureCollection", "features": []}
    if geo.get("type") == "FeatureCollection":
        return geo
    if geo.get("type") == "Feature":
        return {"type": "FeatureCollection", "features": [geo]}
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": geo, "properties": {}}]}


def small_map(lat: float, lon: float, boundary: dict[str, Any] | None = None) -> pdk.Deck:
    """Where is this? A point on its surroundings (a community boundary, or a collection of
    boundaries such as a community and its grids), drawn offline for a lead's form and page."""
    point = {"lon": round(float(lon), 5), "lat": round(float(lat), 5)}
    layers: list[pdk.Layer] = []
    area = as_features(boundary)
    if area["features"]:
        layers.append(pdk.Layer(
            "GeoJsonLayer", id="small_map_area", data=area, filled=True, stroked=True,
            get_fill_color=AREA_FILL, get_line_color=AREA_LINE, line_width_min_pixels=1,
            pickable=False,
        ))
    layers.append(pdk.Layer(
        "ScatterplotLayer", id="small_map_point", data=[point], get_position="[lon, lat]",
        radius_units="'pixels'", get_radius=8, get_fill_color=POINT_COLOR,
        stroked=True, get_line_color=[255, 255, 255, 255], line_width_min_pixels=2,
        pickable=False,
    ))
    box = bounds_of(area["features"])
    if box is None:
        view = pdk.ViewState(latitude=point["lat"], longitude=point["lon"], zoom=15)
    else:
        box = (min(box[0], point["lon"]), min(box[1], point["lat"]),
               max(box[2], point["lon"]), max(box[3], point["lat"]))
        view = fit_view(box, width=560, height=300, max_zoom=16.5)
    return make_deck(layers, view)


@dataclass(frozen=True)
class MapOptions:
    """How to draw a MapView: which layers, which measure colours the communities, language."""

    layers: frozenset[str]
    measure: str = "open_leads"
    lead_style: str = "auto"  # auto (points or cells) | cells | heatmap
    lang: str = "zh"


def build_map(view: MapView, options: MapOptions) -> tuple[pdk.Deck, list[Legend]]:
    """The district map and the legends of the colours it uses."""
    lang = options.lang
    fills, tips, legends = _communities(view, options)
    areas = [map_layers.district(view.base.district), map_layers.river(view.base.river),
             map_layers.communities(view.base.communities, fills, tips)]
    if view.alerts is not None:  # under grids and coverage: hovering a grid names the grid
        areas.append(map_layers.alerts(view.alerts, lang))
    if view.coverage is not None:
        areas.append(map_layers.coverage(view.coverage, lang))
    elif view.grids is not None and "grids" in options.layers:
        areas.append(map_layers.grids(view.grids, lang))
    box = bounds_of(view.base.communities["features"]) or bounds_of(
        view.base.district["features"]) or (106.4, 29.4, 106.6, 29.55)
    opening = fit_view(box)
    layers = [layer for area_layers, _ in areas for layer in area_layers]
    segments = [seg for _, area_segments in areas for seg in area_segments]
    lines = bool(view.grids and view.grids["features"]) and "grids" not in options.layers
    if lines and view.grids is not None:
        segments += map_layers.grid_lines(view.grids)
    lead_mode: str | None = None
    lead_layers: list[pdk.Layer] = []
    if view.leads is not None:
        lead_mode, lead_layers, lead_legend = _leads(view.leads, options)
        legends += lead_legend
    if lead_mode != "points":  # cells and heat lie under the borders, stations and offices
        layers, lead_layers = layers + lead_layers, []
    layers += map_layers.borders(segments, metres_per_pixel(opening) if lines else None)
    if "posts" in options.layers:
        layers += map_layers.posts(view.base.stations, view.base.offices, lang)
    if view.units is not None:
        layers += map_layers.units(view.units, lang)
    layers += lead_layers  # points on top, where they can be clicked
    legends += fixed_legends(options.layers, lead_mode, lang, None if view.alerts is None
                             else len(view.alerts["features"]), grid_lines=lines)
    deck = make_deck(layers, opening, tooltip={"text": "{tip}"})
    return deck, legends


def _communities(view: MapView, options: MapOptions) -> tuple[list[Color], list[str], list[Legend]]:
    lang, features = options.lang, view.base.communities["features"]
    ids = [f["properties"]["id"] for f in features]
    if view.measures is None:
        rows: list[dict[str, Any]] = [{} for _ in ids]
    else:
        by_id = view.measures.set_index("community_id").to_dict("index")
        rows = [by_id.get(i, {}) for i in ids]
    tips = [_community_tip(f["properties"], row, lang) for f, row in zip(features, rows,
                                                                          strict=True)]
    if view.measures is None or "measure" not in options.layers:
        return [LAND for _ in ids], tips, []
    values = [float(row.get(options.measure, float("nan"))) for row in rows]
    if options.measure == "incident_change":
        fills, items = diverging(values, lang)
    else:
        fills, items = sequential(values, 2 if options.measure == "leads_per_1000" else 0)
    title = translate(lang, f"map.measure.{options.measure}")
    return fills, tips, [Legend(title, items, translate(lang, f"map.note.{options.measure}"))]


def _community_tip(props: dict[str, Any], row: dict[str, Any], lang: str) -> str:
    name = place(props["name"], props.get("name_en") or "", language=lang)
    lines = [translate(lang, "map.tip.community", name=name,
                       kind=translate(lang, f"map.kind.{props['kind']}"),
                       population=f"{props['population']:,}")]
    if row:
        change = row["incident_change"]
        lines.append(translate(lang, "map.tip.measures", open=row["open_leads"],
                               leads=row["leads"], rate=row["leads_per_1000"],
                               incidents=row["incidents"],
                               change="—" if change != change else f"{change:+.1f}%"))
    return "\n".join(lines)


def _leads(leads: LeadLayer, options: MapOptions) -> tuple[str, list[pdk.Layer], list[Legend]]:
    lang = options.lang
    if leads.mode == "points":
        return "points", map_layers.lead_points(leads.points, lang), []
    if options.lead_style == "heatmap":
        return "heatmap", [map_layers.lead_heatmap(leads.cells, leads.grid.dlat,
                                                   leads.grid.dlon)], []
    fills, items = sequential(leads.cells["count"].tolist())
    layer = map_layers.lead_cells(leads.cells, fills, leads.grid.metres, leads.grid.dlat,
                                  leads.grid.dlon, lang)
    title = translate(lang, "map.legend.cells", metres=leads.grid.metres)
    return "cells", [layer], [Legend(title, items[1:], translate(lang, "map.note.cells"))]
