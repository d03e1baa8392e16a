"""The forms on an alert's page: acknowledge, report a sighting, record who was mobilised,
and for supervisors publish, amend and close."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from services import alerts
from services.core import clock
from services.core.actor import Actor, Perm
from services.core.errors import Invalid, ServiceError
from ui.alerts.form import write_form
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import choose, label, t
from ui.core.versions import seen_version
from ui.core.widgets import field_error, pop_errors, remember_errors, show_error
from ui.leads import UPLOAD_MB


def _run(form: str, action: Callable[[Any], Any], flash: Callable[[Any], str]) -> None:
    """Do one write in its own transaction; field errors go back to the form."""
    try:
        with db_session(write=True) as s:
            result = action(s)
    except Invalid as exc:
        if exc.fields:
            remember_errors(form, exc)
            st.rerun()
        show_error(exc)
    except ServiceError as exc:
        show_error(exc)
    else:
        st.session_state["alert_flash"] = flash(result)
        st.rerun()


def respond(actor: Actor, d: alerts.AlertDetail) -> None:
    """What a recipient (or a relay) does with a published alert."""
    a, mine = d.alert, d.mine
    if a.status != "published":
        return
    if mine.recipient or mine.relayed:
        if (mine.recipient and mine.acknowledged_at is None) or (
                not mine.recipient and mine.relayed_reached < mine.relayed):
            with st.form(f"alert_ack_{a.id}", enter_to_submit=False):
                if mine.relayed:
                    st.caption(t("alerts.relay_hint", n=mine.relayed))
                responding = st.checkbox(t("alerts.responding"), key="alert_ack_responding",
                                         value=True) if mine.recipient else False
                if st.form_submit_button(t("alerts.acknowledge"), type="primary",
                                         key="alert_ack"):
                    _run("alert_ack", lambda s: alerts.acknowledge(
                        s, actor=actor, alert_id=a.id, responding=responding),
                        lambda n: t("alerts.acknowledged_flash", n=n))
        elif mine.acknowledged_at is not None:
            st.success(t("alerts.you_acknowledged", at=clock.local(mine.acknowledged_at)))
    if actor.can(Perm.REPORT_LEAD):
        _sighting_form(actor, a.id)
    if mine.officer:
        _mobilised_form(actor, d)


def _sighting_form(actor: Actor, alert_id: int) -> None:
    errors = pop_errors("alert_sighting")
    with st.expander(t("alerts.report_sighting"), icon=":material/visibility:", expanded=True
                     ), st.form(f"alert_sighting_{alert_id}", clear_on_submit=True,
                                enter_to_submit=False):
        text = st.text_area(t("alerts.sighting_text"), key="alert_sighting_text",
                            max_chars=2000, placeholder=t("alerts.sighting_placeholder"))
        field_error(errors, "description")
        address = st.text_input(t("alerts.sighting_address"), key="alert_sighting_address",
                                max_chars=200)
        photos = st.file_uploader(t("alerts.f_photos", limit=UPLOAD_MB),
                                  type=["jpg", "jpeg", "png"],
                                  accept_multiple_files=True, key="alert_sighting_photos",
                                  max_upload_size=UPLOAD_MB)
        field_error(errors, "photos")
        field_error(errors, "location")
        if st.form_submit_button(t("alerts.send_sighting"), type="primary",
                                 key="alert_sighting_submit"):
            _run("alert_sighting", lambda s: alerts.report_sighting(
                s, actor=actor, alert_id=alert_id, description=text or "", address=address or "",
                photos=[p.getvalue() for p in photos or []]),
                lambda lead: t("alerts.sighting_sent", id=lead.id,
                               status=label("leads.status", lead.status)))


def _mobilised_form(actor: Actor, d: alerts.AlertDetail) -> None:
    names = {m: n for m, n, _ in d.relayed_members}
    with st.expander(t("alerts.record_mobilised"), icon=":material/groups:"), st.form(
            f"alert_mobilised_{d.alert.id}", enter_to_submit=False):
        picked = st.multiselect(t("alerts.members_mobilised"), list(names),
                                default=[m for m, _, on in d.relayed_members if on],
                                format_func=lambda m: names[m], key="alert_mobilised_members",
                                placeholder=choose(names))
        helpers = st.number_input(t("alerts.helpers"), min_value=0, max_value=10_000, step=1,
                                  key="alert_mobilised_helpers")
        if st.form_submit_button(t("common.save"), key="alert_mobilised_submit"):
            _run("alert_mobilised", lambda s: alerts.record_mobilised(
                s, actor=actor, alert_id=d.alert.id, member_ids=picked, helpers=int(helpers)),
                lambda n: t("alerts.mobilised_flash", n=n))


def supervise(actor: Actor, d: alerts.AlertDetail) -> None:
    """Publish or edit a draft, amend a published alert, or close it with an outcome."""
    if not actor.can(Perm.PUBLISH_ALERT):
        return
    a = d.alert
    if a.status == "draft":
        st.subheader(t("alerts.edit_draft"))
        write_form(actor, a)
    elif a.status == "published":
        if st.button(t("alerts.amend"), key="alert_amend", icon=":material/edit_note:"):
            try:
                with db_session(write=True) as s:
                    new = alerts.amend(s, actor=actor, alert_id=a.id)
            except ServiceError as exc:
                show_error(exc)
            else:
                st.switch_page(nav.page_path("pages/alert.py"), query_params={"id": str(new.id)})
        _close_form(actor, a)


def _close_form(actor: Actor, a: alerts.AlertView) -> None:
    errors = pop_errors("alert_close")
    seen = seen_version("alert", a.id, a.version)
    with st.expander(t("alerts.close"), icon=":material/flag:"), st.form(
            f"alert_close_{a.id}", enter_to_submit=False):
        outcome = st.selectbox(t("alerts.outcome"), alerts.OUTCOMES, key="alert_close_outcome",
                               format_func=lambda o: label("alerts.outcome", o))
        field_error(errors, "outcome")
        caught = st.number_input(t("alerts.suspects_caught"), min_value=0, max_value=1000,
                                 step=1, key="alert_close_caught")
        note = st.text_area(t("alerts.outcome_note"), key="alert_close_note", max_chars=2000)
        field_error(errors, "note")
        if st.form_submit_button(t("alerts.close"), type="primary", key="alert_close_submit"):
            _run("alert_close", lambda s: alerts.close_alert(
                s, actor=actor, alert_id=a.id, shown_version=seen, outcome=outcome,
                note=note or "", suspects_caught=int(caught)),
                lambda v: t("alerts.closed_flash", outcome=label("alerts.outcome", v.outcome)))
