"""The map beside the board: open leads by urgency, officers checked in, alert areas in force.

Drawn from Pingan's own boundaries (offline); an internal tile service may lie underneath
(ui.maps.tiles). The base and the alert areas change slowly and are cached per actor; the
leads and officers are read on every refresh with the board.
"""

from __future__ import annotations

from typing import Any

import pydeck as pdk
import streamlit as st

from services import board, maps
from services.core import clock
from services.core.actor import Actor
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import lang, translate
from ui.maps import (
    ALERT,
    LAND,
    UNIT,
    URGENCY,
    Bounds,
    Legend,
    OfflineDeck,
    bounds_of,
    fit_view,
    make_deck,
    render_legends,
    tile_layers,
)
from ui.maps import layers as map_layers

KEY = "board_map"
LEADS, TAPS, UNITS = "board_leads", "board_lead_taps", "board_units"
LATE_LINE = [33, 33, 33, 255]


@st.cache_resource(ttl=300, max_entries=64, show_spinner=False)
def _base(actor: Actor, language: str) -> tuple[tuple[pdk.Layer, ...], tuple[Any, ...],
                                                 pdk.ViewState, Bounds]:
    """District, river and the communities in scope (the actor is a real cache key: each
    scope its own entry); cached as built layers, shared read-only."""
    with db_session() as s:
        base = maps.base_layers(s, actor=actor)
    features = base.communities["features"]
    tips = [translate(language, "map.tip.community", name=_name(f["properties"], language),
                      kind=translate(language, f"map.kind.{f['properties']['kind']}"),
                      population=f"{f['properties']['population']:,}") for f in features]
    areas = [map_layers.district(base.district), map_layers.river(base.river),
             map_layers.communities(base.communities, [LAND for _ in features], tips)]
    box = bounds_of(features) or bounds_of(base.district["features"]) or (
        106.4, 29.4, 106.6, 29.55)
    return (tuple(layer for layers, _ in areas for layer in layers),
            tuple(seg for _, segs in areas for seg in segs), fit_view(box, 520, 520), box)


def _name(props: dict[str, Any], language: str) -> str:
    return str(props["name_en"] if language == "en" and props.get("name_en") else props["name"])


@st.cache_data(ttl=60, show_spinner=False)
def _alert_areas(actor: Actor) -> dict[str, Any]:
    with db_session() as s:
        return maps.alert_areas(s, actor=actor)


def _lead_rows(data: board.BoardMap, language: str) -> list[dict[str, Any]]:
    """A point per lead, its tooltip from the catalogue (each name looked up once a refresh,
    not once a lead: a thousand leads are a thousand tooltips)."""
    names: dict[str, str] = {}

    def name(key: str) -> str:
        if key not in names:
            names[key] = translate(language, key)
        return names[key]

    white = [255, 255, 255, 255]
    rows = []
    for x in data.leads:
        head = translate(language, "map.tip.lead", id=x.id,
                         category=name(f"map.category.{x.category}"),
                         urgency=name(f"map.urgency.{x.urgency}"),
                         status=name(f"map.status.{x.status}"))
        rows.append({"id": x.id, "lat": x.lat, "lon": x.lon,
                     "c": [*URGENCY.get(x.urgency, URGENCY["routine"]), 230],
                     "l": LATE_LINE if x.section == "late" else white,
                     "tip": f"{head}\n{x.community} · {name(f'board.map.section_{x.section}')}"})
    return rows


def _unit_rows(data: board.BoardMap, states: dict[int, str], language: str
               ) -> list[dict[str, Any]]:
    rows = []
    for u in data.units:
        state = translate(language, f"board.unit_{states.get(u.officer_id, 'in_community')}")
        rows.append({"id": u.officer_id, "lat": u.lat, "lon": u.lon,
                     "tip": translate(language, "board.map.tip_unit", name=u.name, state=state,
                                      community=u.community, since=clock.local(u.since)[-5:])})
    return rows


def deck(actor: Actor, data: board.BoardMap, states: dict[int, str],
         language: str) -> OfflineDeck:
    """Tiles (when configured), the base, alert areas, then officers and leads on top."""
    layers, segments, view, box = _base(actor, language)
    alerts = _alert_areas(actor) if maps.sees_alert_areas(actor) else {"features": []}
    alert_layers, alert_segments = map_layers.alerts(alerts, language) if alerts[
        "features"] else ([], [])
    drawn = [*tile_layers(box), *layers, *alert_layers,
             *map_layers.borders([*segments, *alert_segments])]
    units = _unit_rows(data, states, language)
    if units:
        drawn.append(map_layers.dots(UNITS, units, [*UNIT, 235], map_layers.UNIT_PX + 1))
    leads = _lead_rows(data, language)
    drawn += [map_layers.tap_ring(TAPS, leads),
              map_layers.dots(LEADS, leads, "c", map_layers.LEAD_PX, get_line_color="l",
                              get_line_width=2)]
    return make_deck(drawn, view, tooltip={"text": "{tip}"})


def legends(language: str, has_alerts: bool) -> list[Legend]:
    items = [(c, translate(language, f"map.urgency.{u}")) for u, c in URGENCY.items()]
    more = [(UNIT, translate(language, "board.map.legend_unit"))]
    if has_alerts:
        more.append((ALERT, translate(language, "board.map.legend_alert")))
    return [Legend(translate(language, "board.map.legend_leads"), items,
                   translate(language, "board.map.legend_late")),
            Legend(translate(language, "board.map.legend_more"), more)]


def show(actor: Actor, data: board.BoardMap, officers: tuple[board.Unit, ...],
         *, opens: bool) -> None:
    """The map; with `opens`, clicking a lead opens its page (the wall shows, it opens
    nothing)."""
    language = lang()
    states = {u.id: u.state for u in officers}
    chart = deck(actor, data, states, language)
    if opens:
        picked = st.pydeck_chart(chart, on_select="rerun", selection_mode="single-object",
                                 key=KEY, height=520)
        objects = picked.get("selection", {}).get("objects", {}) if picked else {}
        chosen = (objects.get(LEADS) or objects.get(TAPS) or [None])[0]
        if chosen and "id" in chosen:
            st.switch_page(nav.page_path("pages/lead.py"), query_params={"id": str(chosen["id"])})
    else:
        st.pydeck_chart(chart, key=f"{KEY}_wall", height=520)
    alerts = bool(_alert_areas(actor)["features"]) if maps.sees_alert_areas(actor) else False
    render_legends(legends(language, alerts))
    if opens:
        st.caption(translate(language, "board.map.click"))
    if not data.shown_all:
        st.caption(translate(language, "board.map.cut", n=board.MAP_POINTS))
