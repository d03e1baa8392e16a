"""One pydeck layer per kind of map data; each object carries its tooltip text in `tip`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pydeck as pdk

from services.core import clock
from ui.core.i18n import translate
from ui.core.places import place
from ui.maps.legend import (
    ALERT,
    COVERED,
    DONE,
    GRID,
    LAND,
    OFFICE,
    RIVER,
    STATION,
    UNCOVERED,
    UNIT,
    URGENCY,
    Color,
)

FeatureCollection = dict[str, Any]
Segment = dict[str, Any]  # {"s": [lon, lat], "t": [lon, lat], "c": colour, "w": pixels}
Areas = tuple[list[pdk.Layer], list[Segment]]  # the filled areas, and their borders
GRID_LINE = [*GRID, 200]
WHITE: Color = [255, 255, 255, 255]
GRID_LINE_M = 4  # metres: a tenth of a pixel over the whole district, a pixel from zoom 14


def _with(fc: FeatureCollection, extra: list[dict[str, Any]]) -> FeatureCollection:
    """A copy of the collection with extra properties per feature (the data stays untouched)."""
    return {"type": "FeatureCollection", "features": [
        {**feat, "properties": {**feat["properties"], **more}}
        for feat, more in zip(fc["features"], extra, strict=True)]}


def edges(fc: FeatureCollection) -> list[dict[str, list[float]]]:
    """Every boundary segment once (a border shared by two areas is drawn once)."""
    seen: dict[tuple[tuple[float, ...], tuple[float, ...]], None] = {}
    for feat in fc["features"]:
        geom = feat["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [
            geom["coordinates"]]
        for ring in (r for poly in polygons for r in poly):
            for a, b in zip(ring, ring[1:], strict=False):
                key = (tuple(a), tuple(b)) if tuple(a) <= tuple(b) else (tuple(b), tuple(a))
                if key[0] != key[1]:
                    seen.setdefault(key)
    return [{"s": list(a), "t": list(b)} for a, b in seen]


def _geo(layer_id: str, data: FeatureCollection, fill: Color | str, line: Color,
         line_px: float, pickable: bool) -> Areas:
    """Filled areas, and their borders as plain line segments for the one `borders` layer.

    In software WebGL (machines without a graphics card) every layer delays the first
    picture: deck.gl's PathLayer (GeoJsonLayer strokes) compiles a costly shader, and each
    layer more costs tens of milliseconds. So the borders of every kind of area are
    segments of one LineLayer, and an empty collection draws no layer at all.
    """
    if not data["features"]:
        return [], []
    area = pdk.Layer("GeoJsonLayer", id=layer_id, data=data, filled=True, stroked=False,
                     get_fill_color=fill, pickable=pickable)
    return [area], [{**seg, "c": line, "w": line_px} for seg in edges(data)]


def borders(segments: list[Segment], metres_per_px: float | None = None) -> list[pdk.Layer]:
    """Every area's borders in one layer, in the order given.

    Widths are pixels; with `metres_per_px` (when grid lines are drawn) they are metres: the
    pixel widths scaled at the opening view, so it looks the same, thickening up to 3 px as
    the map is zoomed in, and grid lines of GRID_LINE_M metres that appear only then. Grid
    lines in a LineLayer of their own delayed the first picture by 0.3 s in software WebGL;
    in this one they cost nothing measurable.
    """
    if not segments:
        return []
    units: dict[str, Any] = {}
    if metres_per_px is not None:
        segments = [{"s": seg["s"], "t": seg["t"], "c": seg["c"],
                     "w": seg["m"] if "m" in seg else round(seg["w"] * metres_per_px, 1)}
                    for seg in segments]
        units = {"width_units": "'meters'",  # quoted: pydeck sends it as a string
                 "width_max_pixels": 3}
    return [pdk.Layer("LineLayer", id="borders", data=segments, get_source_position="s",
                      get_target_position="t", get_color="c", get_width="w",
                      pickable=False, **units)]


def district(fc: FeatureCollection) -> Areas:
    return _geo("district", fc, [*LAND, 255], [110, 110, 110, 255], 2, False)


def river(fc: FeatureCollection) -> Areas:
    return _geo("river", fc, [*RIVER, 255], [*RIVER, 255], 1, False)


def communities(fc: FeatureCollection, fills: list[Color], tips: list[str]) -> Areas:
    extra = [{"fill": [*c, 190], "tip": t} for c, t in zip(fills, tips, strict=True)]
    return _geo("communities", _with(fc, extra), "properties.fill",
                [255, 255, 255, 255], 1.5, True)


def grids(fc: FeatureCollection, lang: str) -> Areas:
    tips = [translate(lang, "map.tip.grid", name=f["properties"]["name"],
                      code=f["properties"]["code"]) for f in fc["features"]]
    return _geo("grids", _with(fc, [{"tip": t} for t in tips]), [0, 0, 0, 0], GRID_LINE, 1,
                True)


def grid_lines(fc: FeatureCollection) -> list[Segment]:
    """Grid boundaries for the borders layer, GRID_LINE_M metres wide whatever the zoom, so
    that they appear as the map is zoomed in: invisible over the whole district (about 70 m
    a pixel), a pixel wide over a few communities. Lines only, not pickable areas: hovering
    keeps showing the community."""
    return [{**seg, "c": GRID_LINE, "m": GRID_LINE_M} for seg in edges(fc)]


def coverage(fc: FeatureCollection, lang: str) -> Areas:
    extra = []
    for f in fc["features"]:
        p = f["properties"]
        key = "map.tip.covered" if p["covered"] else "map.tip.uncovered"
        extra.append({"fill": [*(COVERED if p["covered"] else UNCOVERED), 120],
                      "tip": translate(lang, key, name=p["name"], community=p["community"],
                                       members=p["members"], teams=p["teams"])})
    return _geo("coverage", _with(fc, extra), "properties.fill", [70, 70, 70, 200], 1, True)


def alerts(fc: FeatureCollection, lang: str) -> Areas:
    tips = [translate(lang, "map.tip.alert", **f["properties"]) for f in fc["features"]]
    return _geo("alerts", _with(fc, [{"tip": t} for t in tips]), [*ALERT, 45], [*ALERT, 255],
                4, True)


# Marks keep their size on screen whatever the zoom (pixels, not metres): a station that grew
# with the zoom came to cover the leads around it. A lead is drawn small but answers a tap
# within TAP_PX of its centre (a finger's 44 px), through a transparent ring under the dots.
LEAD_PX, TAP_PX, UNIT_PX, OFFICE_PX, STATION_PX = 6, 22, 5, 7, 9


def _dots(layer_id: str, rows: list[dict[str, Any]], colour: Color | str, px: float,
          line: Color | None = None, **kw: Any) -> pdk.Layer:
    props: dict[str, Any] = {"get_line_color": line or [0, 0, 0, 0],
                             "get_line_width": 1.5 if line else 0, **kw}
    return pdk.Layer("ScatterplotLayer", id=layer_id, data=rows, get_position="[lon, lat]",
                     radius_units="'pixels'",  # quoted: pydeck sends it as a string
                     get_radius=px, get_fill_color=colour, stroked=line is not None,
                     line_width_units="'pixels'", pickable=True, **props)


def dots(layer_id: str, rows: list[dict[str, Any]], colour: Color | str, px: float,
         **kw: Any) -> pdk.Layer:
    """Pickable round markers (each row's `tip` its tooltip) for maps beyond this module,
    `px` pixels wide at every zoom like the other maps' marks, with a white outline unless
    `get_line_color` says otherwise (the board's map)."""
    return _dots(layer_id, rows, colour, px, WHITE, **kw)


def tap_ring(layer_id: str, rows: list[dict[str, Any]]) -> pdk.Layer:
    """A transparent ring under small dots that answers a finger's tap (TAP_PX)."""
    return _dots(layer_id, rows, [0, 0, 0, 0], TAP_PX)


def posts(stations: list[dict[str, Any]], offices: list[dict[str, Any]],
          lang: str) -> list[pdk.Layer]:
    def tipped(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return [{**r, "tip": translate(lang, key, name=place(r["name"], r["name_en"],
                                                             language=lang))} for r in rows]

    layers = []
    if offices:
        layers.append(_dots("offices", tipped(offices, "map.tip.office"), [*OFFICE, 255],
                            OFFICE_PX, WHITE))
    if stations:
        layers.append(_dots("stations", tipped(stations, "map.tip.station"), [*STATION, 255],
                            STATION_PX, WHITE))
    return layers


def units(rows: list[dict[str, Any]], lang: str) -> list[pdk.Layer]:
    data = [{**r, "tip": translate(lang, "map.tip.unit", **r)} for r in rows]
    return [_dots("units", data, [*UNIT, 235], UNIT_PX, WHITE)] if data else []


def lead_points(points: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """The leads as dots, over their tap rings (a pick of either opens the lead)."""
    rows = []
    for p in points.itertuples(index=False):
        colour = URGENCY.get(p.urgency, DONE) if p.open else DONE
        lines = [translate(lang, "map.tip.lead", id=p.id,
                           category=translate(lang, f"map.category.{p.category}"),
                           urgency=translate(lang, f"map.urgency.{p.urgency}"),
                           status=translate(lang, f"map.status.{p.status}")),
                 f"{clock.local(p.created_at)} · {p.community}", p.address,
                 translate(lang, "map.tip.contact", contact=p.contact) if p.contact else ""]
        rows.append({"id": int(p.id), "lat": p.lat, "lon": p.lon, "c": [*colour, 220],
                     "tip": "\n".join(line for line in lines if line)})
    return [tap_ring("lead_taps", rows), _dots("leads", rows, "c", LEAD_PX, WHITE)]


def lead_cells(cells: pd.DataFrame, fills: list[Color], metres: int, dlat: float, dlon: float,
               lang: str) -> pdk.Layer:
    """Each cell a square from its south-west corner, drawn by the browser from that corner.

    A PolygonLayer of flat squares uses the very shader the community areas already use;
    deck.gl's GridCellLayer compiles one of its own, which in software WebGL (machines
    without a graphics card) delayed the first picture of the map by about half a second.
    """
    rows = [{"lat": c.lat, "lon": c.lon, "c": [*fill, 170],
             "tip": translate(lang, "map.tip.cell", count=c.count, open=c.open, urgent=c.urgent,
                              metres=metres)}
            for c, fill in zip(cells.itertuples(index=False), fills, strict=True)]
    east, north = f"lon + {dlon:.7f}", f"lat + {dlat:.7f}"
    square = f"[[lon, lat], [{east}, lat], [{east}, {north}], [lon, {north}]]"
    return pdk.Layer("PolygonLayer", id="lead_cells", data=rows, get_polygon=square,
                     filled=True, stroked=False, get_fill_color="c", pickable=True)


def lead_heatmap(cells: pd.DataFrame, dlat: float, dlon: float) -> pdk.Layer:
    rows = [{"lat": round(c.lat + dlat / 2, 5), "lon": round(c.lon + dlon / 2, 5), "w": c.count}
            for c in cells.itertuples(index=False)]
    return pdk.Layer("HeatmapLayer", id="lead_heat", data=rows, get_position="[lon, lat]",
                     get_weight="w", radius_pixels=40, pickable=False)
