"""The alert's small map: its target area and the sightings reported, offline (no tiles)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pydeck as pdk

from services.alerts import Sighting
from services.core import clock
from ui.maps import AREA_FILL, AREA_LINE, POINT_COLOR, OfflineDeck, bounds_of, fit_view, make_deck

DISTRICT_CENTRE = (29.48, 106.48)


def sightings_deck(boundaries: Sequence[dict[str, Any]], sightings: Sequence[Sighting],
                   lead_word: str) -> OfflineDeck:
    """Area polygons and one red dot per sighting; the tooltip names the lead and its time."""
    features = [{"type": "Feature", "geometry": g, "properties": {}} for g in boundaries]
    points = [{"lon": round(s.lon, 5), "lat": round(s.lat, 5),
               "label": f"{lead_word} #{s.lead_id} · {clock.local(s.created_at)}"}
              for s in sightings]  # strings only: pydeck cannot send datetimes
    layers = [pdk.Layer("GeoJsonLayer", id="alert_area",
                        data={"type": "FeatureCollection", "features": features}, filled=True,
                        stroked=True, get_fill_color=AREA_FILL, get_line_color=AREA_LINE,
                        line_width_min_pixels=1, pickable=False),
              pdk.Layer("ScatterplotLayer", id="alert_sightings", data=points,
                        get_position="[lon, lat]", radius_units="'pixels'", get_radius=8,
                        get_fill_color=POINT_COLOR, stroked=True,
                        get_line_color=[255, 255, 255, 255], line_width_min_pixels=2,
                        pickable=True)]
    dots = [{"type": "Point", "coordinates": [p["lon"], p["lat"]]} for p in points]
    box = bounds_of([*boundaries, *dots])
    if box is None:
        view = pdk.ViewState(latitude=DISTRICT_CENTRE[0], longitude=DISTRICT_CENTRE[1], zoom=11)
    else:
        view = fit_view(box, width=640, height=320, max_zoom=16.0)
    return make_deck(layers, view, tooltip={"text": "{label}"})
