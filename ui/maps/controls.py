"""The map page's widgets: filters, layer switches, the legend and what a selection opens."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Any

import streamlit as st

from services import maps
from services.core import clock
from services.core.actor import Actor
from services.maps.filters import CATEGORIES, STATUSES, URGENCIES, WINDOWS, MapFilters
from ui.core import nav
from ui.core.i18n import lang, t
from ui.core.places import place
from ui.maps.build import MapOptions
from ui.maps.legend import Legend

PICK = "map_pick"


def _multi(label: str, options: tuple[str, ...], prefix: str, key: str) -> tuple[str, ...]:
    chosen = st.multiselect(label, options, format_func=lambda c: t(f"{prefix}.{c}"), key=key,
                            placeholder=t("map.filter.all"))
    return tuple(chosen)


def _window(here: Any, days_here: Any) -> tuple[str, Any, Any]:
    window = here.segmented_control(
        t("map.filter.window"), WINDOWS, default="7d", key="map_window",
        format_func=lambda w: t(f"map.window.{w}")) or "7d"
    if window != "custom":
        return window, None, None
    today = clock.local_today()
    days = days_here.date_input(t("map.filter.days"), max_value=today,
                                format="YYYY-MM-DD", key="map_days",
                                value=(today - timedelta(days=6), today))
    picked = list(days) if isinstance(days, tuple | list) else [days]
    return window, picked[0] if picked else None, picked[-1] if picked else None


def _attributes() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    cols = st.columns(3)
    with cols[0]:
        categories = _multi(t("map.filter.categories"), CATEGORIES, "map.category",
                            "map_categories")
    with cols[1]:
        statuses = _multi(t("map.filter.statuses"), STATUSES, "map.status", "map_statuses")
    with cols[2]:
        urgencies = _multi(t("map.filter.urgencies"), URGENCIES, "map.urgency",
                           "map_urgencies")
    return categories, statuses, urgencies


def controls(actor: Actor) -> tuple[MapFilters, MapOptions]:
    """Read the filters and layer switches (widget keys `map_*`)."""
    top = st.columns([5, 3, 3])
    window, first, last = _window(top[0], top[1])
    style = top[2].segmented_control(
        t("map.lead_style"), ("auto", "heatmap"), default="auto", key="map_lead_style",
        format_func=lambda s: t(f"map.lead_style.{s}")) or "auto"
    defaults = set(maps.DEFAULT_LAYERS) | ({"grids"} if maps.grids_by_default(actor) else set())
    layers = st.pills(t("map.layers"), maps.LAYERS, selection_mode="multi", key="map_layers",
                      default=[x for x in maps.LAYERS if x in defaults],
                      format_func=lambda x: t(f"map.layer.{x}"))
    # A button group, not a selectbox: its labels follow a language switch at once.
    measure = st.segmented_control(
        t("map.measure_select"), maps.MEASURES, default="open_leads", key="map_measure",
        format_func=lambda m: t(f"map.measure.{m}")) or "open_leads"
    categories, statuses, urgencies = _attributes()
    filters = MapFilters(window=window, first=first, last=last, categories=categories,
                         statuses=statuses, urgencies=urgencies)
    return filters, MapOptions(layers=frozenset(layers or ()), measure=measure,
                               lead_style=style, lang=lang())


def render_legends(legends: list[Legend]) -> None:
    """What the colours mean, drawn as swatches (our own text only, escaped)."""
    for legend in legends:
        rows = "".join(
            '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="width:14px;height:14px;flex:none;border:1px solid #888;'
            f'background:rgb({c[0]},{c[1]},{c[2]})"></span><span>{escape(label)}</span></div>'
            for c, label in legend.items)
        note = f'<div style="color:#777;margin-top:2px">{escape(legend.note)}</div>' \
            if legend.note else ""
        st.html(f'<div class="map-legend" style="font-size:0.82rem;margin-bottom:10px">'
                f"<b>{escape(legend.title)}</b>{rows}{note}</div>")


def remember_pick() -> None:
    """on_select callback: keep what was picked, so the page acts on it once."""
    state = st.session_state.get("map_chart")
    objects = (state or {}).get("selection", {}).get("objects", {}) if state else {}
    for layer, picked in objects.items():
        if picked:
            st.session_state[PICK] = {"layer": layer, "object": picked[0]}
            return
    st.session_state.pop(PICK, None)


def _open(path: str, state_key: str, value: int) -> None:
    if not (nav.ROOT / path).exists():
        st.info(t("map.page_missing"))
        return
    st.session_state[state_key] = value
    st.session_state.pop(PICK, None)
    st.switch_page(nav.page_path(path))


def selection_panel() -> None:
    """A picked lead opens its page; a community or a cell shows what it is, with a link."""
    pick = st.session_state.get(PICK)
    if not pick:
        return
    layer, obj = pick["layer"], pick["object"]
    props = obj.get("properties", obj)
    if layer in ("leads", "lead_taps") and "id" in obj:
        _open("pages/lead.py", "lead_id", int(obj["id"]))
    elif layer == "communities" and "id" in props:
        name = place(props.get("name", ""), props.get("name_en") or "")
        st.text(t("map.selected.community", name=name))
        if st.button(t("map.open_community"), key="map_open_community"):
            _open("pages/community.py", "community_id", int(props["id"]))
    elif "tip" in props:
        st.text(props["tip"])
