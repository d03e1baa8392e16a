"""The form a supervisor writes an alert in: save as draft, see whom it would reach, publish."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from services import alerts
from services.core import clock
from services.core.actor import Actor
from services.core.errors import Invalid, ServiceError
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import choose, label, t
from ui.core.widgets import FormErrors, field_error, pop_errors, remember_errors, show_error
from ui.leads import UPLOAD_MB

FORM = "alert_form"


def _target(values: dict[str, Any]) -> alerts.Target:
    return alerts.Target(
        community_ids=tuple(values["communities"]), grid_ids=tuple(values["grids"]),
        team_kinds=tuple(values["kinds"]), roles=tuple(values["roles"]),
        skills=tuple(values["skills"]), available_only=bool(values["available"]))


def _texts(form: str, d: alerts.AlertView | None, errors: FormErrors) -> dict[str, Any]:
    v: dict[str, Any] = {}
    for name, widget, max_chars in (("origin_region", st.text_input, 100),
                                    ("case_ref", st.text_input, 64),
                                    ("title", st.text_input, 200),
                                    ("subject", st.text_area, 4000)):
        v[name] = widget(t(f"alerts.f_{name}"), value=getattr(d, name) if d else "",
                         key=f"{form}_{name}", max_chars=max_chars)
        field_error(errors, name)
    v["photos"] = st.file_uploader(t("alerts.f_photos", limit=UPLOAD_MB),
                                   type=["jpg", "jpeg", "png"],
                                   accept_multiple_files=True, key=f"{form}_photos",
                                   max_upload_size=UPLOAD_MB)
    field_error(errors, "photos")
    return v


def _fields(form: str, d: alerts.AlertView | None, communities: dict[int, str],
            grids: dict[int, str], errors: FormErrors) -> dict[str, Any]:
    v = _texts(form, d, errors)
    aim = d.target if d else alerts.Target()
    v["communities"] = st.multiselect(
        t("alerts.f_communities"), list(communities), format_func=lambda c: communities[c],
        default=[c for c in aim.community_ids if c in communities], key=f"{form}_communities",
        placeholder=choose(communities))
    v["grids"] = st.multiselect(t("alerts.f_grids"), list(grids), format_func=lambda g: grids[g],
                                default=[g for g in aim.grid_ids if g in grids],
                                key=f"{form}_grids", placeholder=choose(grids))
    field_error(errors, "area")
    left, right = st.columns(2)
    v["roles"] = left.multiselect(t("alerts.f_roles"), alerts.ROLES, default=list(aim.roles),
                                  format_func=lambda r: label("alerts.role", r),
                                  key=f"{form}_roles", placeholder=choose(alerts.ROLES))
    field_error(errors, "roles")
    v["kinds"] = right.multiselect(t("alerts.f_team_kinds"), alerts.TEAM_KINDS,
                                   default=list(aim.team_kinds),
                                   format_func=lambda k: label("alerts.kind", k),
                                   key=f"{form}_kinds", placeholder=t("alerts.any"))
    v["skills"] = left.multiselect(t("alerts.f_skills"), alerts.SKILLS, default=list(aim.skills),
                                   format_func=lambda k: label("alerts.skill", k),
                                   key=f"{form}_skills", placeholder=t("alerts.any"))
    v["available"] = right.checkbox(t("alerts.f_available"), value=aim.available_only,
                                    key=f"{form}_available")
    first = clock.local_today(d.valid_from) if d else clock.local_today()
    last = clock.local_today(d.valid_to - timedelta(seconds=1)) if d else first + timedelta(3)
    v["from"] = left.date_input(t("alerts.f_valid_from"), value=first,
                                format="YYYY-MM-DD", key=f"{form}_from")
    v["to"] = right.date_input(t("alerts.f_valid_to"), value=last,
                               format="YYYY-MM-DD", key=f"{form}_to")
    field_error(errors, "valid_to")
    return v


def _save(actor: Actor, v: dict[str, Any], publish: bool, d: alerts.AlertView | None) -> None:
    first: date = v["from"] or clock.local_today()
    last: date = v["to"] or first
    photos = [f.getvalue() for f in v["photos"] or []]
    with db_session(write=True) as s:
        draft = alerts.save_draft(
            s, actor=actor, origin_region=v["origin_region"], case_ref=v["case_ref"],
            title=v["title"], subject=v["subject"], target=_target(v), photos=photos,
            valid_from=clock.day_start(first), valid_to=clock.day_start(last + timedelta(days=1)),
            alert_id=d.id if d else None, shown_version=d.version if d else None)
        if publish:
            _, reach = alerts.publish(s, actor=actor, alert_id=draft.id,
                                      shown_version=draft.version)
    flash = t("alerts.published", n=reach.total) if publish else t("alerts.saved")
    st.session_state["alert_flash"] = flash
    st.switch_page(nav.page_path("pages/alert.py"), query_params={"id": str(draft.id)})


def write_form(actor: Actor, draft_view: alerts.AlertView | None = None) -> None:
    """Fields, then three buttons: preview the reach, save a draft, publish now. With a
    draft, the form edits it (carrying the version shown)."""
    with db_session() as s:
        communities, grids = alerts.area_choices(s, actor=actor)
    names = dict(communities)
    grid_names = {g: f"{names.get(c, '')} · {n}" for g, n, c in grids}
    form = FORM if draft_view is None else f"alert_edit_{draft_view.id}"
    errors = pop_errors(form)
    with st.form(form, enter_to_submit=False):
        v = _fields(form, draft_view, names, grid_names, errors)
        cols = st.columns(3)
        preview = cols[0].form_submit_button(t("alerts.preview"), key=f"{form}_preview")
        draft = cols[1].form_submit_button(t("alerts.save_draft"), key=f"{form}_draft")
        publish = cols[2].form_submit_button(t("alerts.publish"), type="primary",
                                             key=f"{form}_publish")
    if not (preview or draft or publish):
        return
    try:
        if preview:
            with db_session() as s:
                reach = alerts.preview(s, actor=actor, target=_target(v))
            st.info(t("alerts.reach", total=reach.total, officers=reach.officers,
                      members=reach.members, accounts=reach.with_account,
                      relayed=reach.relayed))
            return
        _save(actor, v, publish, draft_view)
    except Invalid as exc:
        remember_errors(form, exc)
        if exc.fields:
            st.rerun()
        show_error(exc)
    except ServiceError as exc:
        show_error(exc)
