"""The offline pydeck Deck for maps: no basemap provider, no tiles, compact JSON, a fitted view."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

Bounds = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
Color = list[int]


class OfflineDeck(pdk.Deck):
    """A Deck drawn only from our own layers (map_provider=None keeps every tile request away).

    pydeck writes indented JSON with non-ASCII text escaped, about three times the bytes of
    the same JSON written compactly; Streamlit sends whatever `to_json()` returns.
    """

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize,
                          separators=(",", ":"), ensure_ascii=False)


def make_deck(layers: Sequence[pdk.Layer], view: pdk.ViewState,
              tooltip: dict[str, str] | bool = False) -> OfflineDeck:
    # map_style keeps pydeck's sentinel: Streamlit then draws no basemap. map_style=None would
    # make Streamlit fetch its default tiles from the Internet.
    return OfflineDeck(layers=list(layers), initial_view_state=view, map_provider=None,
                       tooltip=tooltip, views=[pdk.View(type="MapView", controller=True)])


def bounds_of(geometries: Iterable[dict[str, Any] | None]) -> Bounds | None:
    """The bounding box of GeoJSON geometries (or features), None when there is nothing."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], int | float):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        else:
            for c in coords or ():
                walk(c)

    for g in geometries:
        if not g:
            continue
        geom = g.get("geometry", g) if g.get("type") == "Feature" else g
        if geom:
            walk(geom.get("coordinates"))
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(bounds: Bounds, width: int = 700, height: int = 560,
             max_zoom: float = 17.0) -> pdk.ViewState:
    """A view centred on `bounds` with the zoom that fits them in width × height pixels."""
    min_lon, min_lat, max_lon, max_lat = bounds
    span_x = max(max_lon - min_lon, 1e-6) / 360.0
    span_y = max(_merc_y(max_lat) - _merc_y(min_lat), 1e-6) / (2 * math.pi)
    # deck.gl's world is 512 px wide at zoom 0.
    zoom = min(math.log2(width / 512 / span_x), math.log2(height / 512 / span_y)) - 0.1
    return pdk.ViewState(latitude=round((min_lat + max_lat) / 2, 5),
                         longitude=round((min_lon + max_lon) / 2, 5),
                         zoom=round(max(3.0, min(zoom, max_zoom)), 2), pitch=0, bearing=0)


def metres_per_pixel(view: pdk.ViewState) -> float:
    """Ground metres one screen pixel covers at the view's centre (Web Mercator, 512 px world
    at zoom 0, as deck.gl draws it)."""
    return 40_075_016.686 * math.cos(math.radians(view.latitude)) / (512 * 2 ** view.zoom)
