"""Map builders: offline decks (no provider, no tiles, no URLs), compact JSON, fitted views."""

from __future__ import annotations

import json

from tests.factories import square
from ui.map_deck import bounds_of, fit_view
from ui.maps import small_map


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
