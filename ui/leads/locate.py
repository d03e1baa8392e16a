"""Where it happened, the way phones do it: the browser's position on request, or a tap on an
offline map of Pingan's own boundaries; the point's grid and community shown before submit.

The map is a small Streamlit component shipped here (ui/leads/locator/: HTML, CSS, JavaScript; no
CDN, no tiles, no outside service). It runs in the page itself, not in an iframe, so the
browser's geolocation works wherever the page is a secure context (localhost or HTTPS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from services import leads
from services.core.actor import Actor
from services.core.errors import Invalid
from ui.core.bridge import db_session, settings
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.places import place

_HERE = Path(__file__).resolve().parent / "locator"
_LOCATOR = st.components.v2.component(
    "pingan_locator", js=(_HERE / "locator.js").read_text(encoding="utf-8"),
    css=(_HERE / "locator.css").read_text(encoding="utf-8"))
POINT = "lead_form_point"  # (lat, lon, accuracy in metres or None, source: gps | tap | photo)
ERROR = "lead_form_geo_error"  # the browser's refusal: denied | unavailable | timeout | insecure
INACCURATE_M = 100  # a position less precise than this is said to be so


@st.cache_data(ttl=600, show_spinner=False)
def _shapes(database_url: str) -> dict[str, Any]:
    """Boundaries are the same for every user: drawn from one cached copy."""
    with db_session() as s:
        return leads.map_shapes(s)


def _noop() -> None:
    """The component's state changes rerun the page; the values are read below."""


def _consume(result: Any) -> None:
    """A new pick or error from the browser, once each (a state value stays until changed)."""
    state = st.session_state
    pick, error = result.get("pick"), result.get("error")
    if pick and pick.get("at") != state.get("lead_form_pick_at"):
        state["lead_form_pick_at"] = pick.get("at")
        state[POINT] = (float(pick["lat"]), float(pick["lon"]), pick.get("accuracy"),
                        pick.get("source") or "tap")
        state.pop(ERROR, None)
    if error and error.get("at") != state.get("lead_form_error_at"):
        state["lead_form_error_at"] = error.get("at")
        state[ERROR] = str(error.get("code") or "unavailable")


def where_inputs(actor: Actor) -> None:
    """The locate button and the map, then what the chosen point is (or why it is refused)."""
    with db_session() as s:
        centre = leads.start_point(s, actor=actor)
    point = st.session_state.get(POINT)
    data = {"shapes": _shapes(settings().database_url), "centre": list(centre),
            "point": list(point[:3]) if point else None, "auto": True,
            "labels": {"locate": t("phone.locate"), "locating": t("phone.locating"),
                       "hint": t("phone.map_hint"), "zoom_in": t("phone.zoom_in"),
                       "zoom_out": t("phone.zoom_out")}}
    result = _LOCATOR(key=f"lead_form_locator_{st.session_state.get('lead_form_n', 0)}",
                      data=data, on_pick_change=_noop, on_error_change=_noop, height="content")
    _consume(result)
    error = st.session_state.get(ERROR)
    if error:
        st.error(t(f"phone.geo_{error}"), icon=":material/location_disabled:")
    point = st.session_state.get(POINT)
    if point:
        point_line(actor, point)


def point_line(actor: Actor, point: tuple[Any, ...]) -> None:
    """The point's grid and community, or the reason it cannot be used."""
    try:
        with db_session() as s:
            info = leads.describe_point(s, actor=actor, lat=point[0], lon=point[1])
    except Invalid as exc:
        st.error(t(next(iter(exc.fields.values()), exc.key)), icon=":material/wrong_location:")
        return
    where = md(" · ".join(x for x in (info.grid, place(info.community)) if x))
    st.success(t("phone.point_is", where=where, lat=f"{info.lat:.5f}", lon=f"{info.lon:.5f}"),
               icon=":material/location_on:")
    accuracy = point[2]
    if accuracy is not None and float(accuracy) > INACCURATE_M:
        st.warning(t("phone.inaccurate", m=round(float(accuracy))), icon=":material/gps_not_fixed:")
    if st.button(t("phone.clear_point"), key="lead_form_clear_point"):
        st.session_state.pop(POINT, None)
        st.rerun()


def point_args() -> dict[str, Any] | None:
    """The chosen point as report_lead's place arguments, or None (no point chosen)."""
    point = st.session_state.get(POINT)
    if not point:
        return None
    return {"community_id": None, "grid_id": None, "lat": point[0], "lon": point[1]}


def photo_suggestion(actor: Actor, photos: list[bytes]) -> None:
    """A photo that carries its GPS position (EXIF) offers that place, one tap to use it."""
    point = st.session_state.get(POINT)
    for data in photos:
        gps = leads.photo_gps(data)
        if gps is None or (point and abs(point[0] - gps[0]) + abs(point[1] - gps[1]) < 1e-6):
            continue
        try:
            with db_session() as s:
                info = leads.describe_point(s, actor=actor, lat=gps[0], lon=gps[1])
        except Invalid:
            st.caption(t("phone.photo_gps_outside"))
            return
        where = md(" · ".join(x for x in (info.grid, place(info.community)) if x))
        st.info(t("phone.photo_gps", where=where), icon=":material/photo_camera:")
        if st.button(t("phone.photo_gps_use"), key="lead_form_use_photo_gps"):
            st.session_state[POINT] = (gps[0], gps[1], None, "photo")
            st.rerun()
        return
