"""Pieces of the report form: where it happened, the values to submit, nearby reports."""

from __future__ import annotations

from typing import Any

import streamlit as st

from services import leads
from services.core.actor import Actor
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.leads.locate import ERROR, POINT, point_args
from ui.leads.photos import UPLOAD_MB

MODES = ("own", "list", "point")


def _photos_key() -> str:
    return f"lead_form_photos_{st.session_state.get('lead_form_n', 0)}"


def place_inputs(actor: Actor) -> None:
    """The reporter's own grid by default; or a community and grid from lists; or a point."""
    with db_session() as s:
        choices = leads.place_choices(s, actor=actor)
    modes = [m for m in MODES if m != "own" or choices.own_grid]
    mode = st.radio(t("leads.where"), modes, key="lead_form_where", horizontal=True,
                    format_func=lambda m: t(f"leads.where_{m}"))
    if mode == "own" and choices.own_grid:
        st.caption(t("leads.own_grid", grid=md(choices.own_grid[1])))
    elif mode == "list":
        names = dict(choices.communities)
        cid = st.selectbox(t("leads.f_community"), list(names), format_func=lambda c: names[c],
                           key="lead_form_community", index=None,
                           placeholder=t("leads.choose"))
        if cid is not None:
            with db_session() as s:
                grids = dict(leads.grids_of(s, community_id=cid))
            st.selectbox(t("leads.grid"), [None, *grids], key="lead_form_grid",
                         format_func=lambda g: t("leads.any_grid") if g is None else grids[g])
    else:
        left, right = st.columns(2)
        left.number_input(t("leads.lat"), key="lead_form_lat", value=None, format="%.6f",
                          min_value=-90.0, max_value=90.0)
        right.number_input(t("leads.lon"), key="lead_form_lon", value=None, format="%.6f",
                           min_value=-180.0, max_value=180.0)


def submit_args() -> dict[str, Any]:
    """What the form holds now, as report_lead's keyword arguments."""
    state = st.session_state
    mode = state.get("lead_form_where", "own")
    files = [*([shot] if (shot := state.get(_camera_key())) else []),
             *(state.get(_photos_key()) or [])]
    # no place (the reporter's own grid, the default): the service reads it with dispatch's
    # one read
    place: dict[str, Any] = {"community_id": None, "grid_id": None, "lat": None, "lon": None}
    if point := point_args():  # located or tapped on the map: it wins
        place = point
    elif mode == "list":
        place["community_id"] = state.get("lead_form_community")
        place["grid_id"] = state.get("lead_form_grid") if place["community_id"] else None
    elif mode == "point":
        place["lat"], place["lon"] = state.get("lead_form_lat"), state.get("lead_form_lon")
    return {
        "category": state.get("lead_form_category") or "",
        "urgency": state.get("lead_form_urgency") or "",
        "description": state.get("lead_form_description") or "",
        "address": state.get("lead_form_address") or "",
        "reporter_contact": state.get("lead_form_contact") or "",
        "photos": [f.getvalue() for f in files],
        **place,
    }


def _camera_key() -> str:
    return f"lead_form_camera_{st.session_state.get('lead_form_n', 0)}"


def photo_uploader() -> None:
    """The phone's camera, or photos chosen from its gallery."""
    st.camera_input(t("phone.camera"), key=_camera_key())
    st.file_uploader(t("leads.photos_label", limit=UPLOAD_MB), type=["jpg", "jpeg", "png"],
                     accept_multiple_files=True, key=_photos_key(), help=t("leads.photos_help"),
                     max_upload_size=UPLOAD_MB)


def clear_form() -> None:
    """Empty the form after a report (a new uploader key drops the chosen files)."""
    for key in ("lead_form_category", "lead_form_description", "lead_form_address",
                "lead_form_contact", "lead_form_lat", "lead_form_lon", "lead_nearby",
                "lead_form_urgency", "lead_form_community", "lead_form_grid", POINT, ERROR):
        st.session_state.pop(key, None)
    st.session_state["lead_form_n"] = st.session_state.get("lead_form_n", 0) + 1


def nearby_choice(pending: list[tuple[int, float, str, str]]) -> int | str | None:
    """Similar leads within 200 m in the last day: add to one, or report anew."""
    st.warning(t("leads.nearby_found", n=len(pending)))
    choice: int | str | None = None
    for lead_id, distance, excerpt, status in pending:
        box = st.container(border=True)
        box.text(t("leads.nearby_row", id=lead_id, m=round(distance),
                   status=label("leads.status", status)) + "\n" + excerpt)
        if box.button(t("leads.add_here", id=lead_id), key=f"lead_add_{lead_id}"):
            choice = lead_id
    left, right = st.columns(2)
    if left.button(t("leads.submit_new"), key="lead_submit_new", type="primary"):
        choice = "new"
    if right.button(t("common.cancel"), key="lead_nearby_cancel"):
        st.session_state.pop("lead_nearby", None)
        st.rerun()
    return choice


def report_done(done: tuple[int, str]) -> None:
    """After a report: its number and who has it, a link to it, and 'report another'."""
    lead_id, text = done
    st.success(text, icon=":material/check_circle:")
    st.page_link(nav.page_path("pages/lead.py"), label=t("phone.see_lead", id=lead_id),
                 icon=":material/description:", query_params={"id": str(lead_id)})
    if st.button(t("phone.report_another"), key="lead_report_another", type="primary",
                 width="stretch", icon=":material/add_alert:"):
        st.session_state.pop("lead_report_done", None)
        st.rerun()
