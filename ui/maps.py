"""Map builders: plain data in, an offline pydeck Deck out (no Streamlit calls, no database)."""

from __future__ import annotations

from typing import Any

import pydeck as pdk

from ui.map_deck import bounds_of, fit_view, make_deck

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
        get_radius=12, radius_min_pixels=6, radius_max_pixels=12, get_fill_color=POINT_COLOR,
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
