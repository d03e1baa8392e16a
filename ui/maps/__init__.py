"""Offline maps: pydeck layers, legend, controls and the deck builders."""

from ui.maps import layers
from ui.maps.build import AREA_FILL, AREA_LINE, POINT_COLOR
from ui.maps.controls import render_legends
from ui.maps.deck import Bounds, OfflineDeck, bounds_of, fit_view, make_deck
from ui.maps.legend import ALERT, LAND, UNIT, URGENCY, Legend
from ui.maps.tiles import tile_layers

__all__ = [
    "ALERT", "AREA_FILL", "AREA_LINE", "Bounds", "bounds_of", "fit_view", "LAND", "layers",
    "Legend", "make_deck", "OfflineDeck", "POINT_COLOR", "render_legends", "tile_layers",
    "UNIT", "URGENCY",
]
