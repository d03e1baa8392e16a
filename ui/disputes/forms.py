"""Forms for disputes: record one (with its parties), add a mediation step, resolve or reopen."""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from services import disputes
from services.core import clock
from services.core.actor import Actor
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.places import place
from ui.core.record_forms import people_editor, run
from ui.core.versions import seen_version
from ui.core.widgets import field_error, pop_errors


def new_dispute_form(actor: Actor) -> None:
    with db_session() as s:
        places = dict(disputes.community_choices(s, actor=actor))
    errors = pop_errors("dispute_new")
    community = st.selectbox(t("disputes.community"), list(places),
                             format_func=lambda c: place(places[c]),
                             key="dispute_new_community")
    kind = st.selectbox(t("disputes.kind_label"), disputes.KINDS,
                        format_func=lambda v: label("disputes.kind", v), key="dispute_new_kind")
    address = st.text_input(t("disputes.address"), key="dispute_new_address", max_chars=200)
    field_error(errors, "address")
    text = st.text_area(t("disputes.description"), key="dispute_new_description", max_chars=4000)
    field_error(errors, "description")
    st.caption(t("disputes.parties_hint"))
    parties = people_editor("dispute_new_parties", "cases.person")
    field_error(errors, "parties")
    lead = st.number_input(t("disputes.lead_id"), min_value=1, step=1, value=None,
                           key="dispute_new_lead")
    if st.button(t("disputes.create"), type="primary", key="dispute_new_submit") and community:
        run("dispute_new", lambda s: disputes.record_dispute(
            s, actor=actor, community_id=community, kind=kind, address=address or "",
            description=text or "", parties=parties, lead_id=int(lead) if lead else None),
            t("disputes.created"))


def step_and_resolve_forms(actor: Actor, d: disputes.DisputeView) -> None:
    errors = pop_errors("dispute_step")
    with st.expander(t("disputes.add_step"), icon=":material/forum:"), st.form(
            f"dispute_step_{d.id}", clear_on_submit=True, enter_to_submit=False):
        day = st.date_input(t("disputes.step_day"), value=clock.local_today(),
                            format="YYYY-MM-DD", key="dispute_step_day")
        by = st.text_input(t("disputes.step_by"), key="dispute_step_by", max_chars=64)
        field_error(errors, "by")
        note = st.text_area(t("disputes.step_note"), key="dispute_step_note", max_chars=2000)
        field_error(errors, "note")
        field_error(errors, "at")
        if st.form_submit_button(t("disputes.add_step"), key="dispute_step_submit"):
            at = min(clock.now(), datetime.combine(day, time(12), tzinfo=clock.TZ))
            run("dispute_step", lambda s: disputes.add_step(
                s, actor=actor, dispute_id=d.id, by=by or "", note=note or "", at=at),
                t("disputes.saved"))
    errors = pop_errors("dispute_resolve")
    seen = seen_version("dispute", d.id, d.version)
    title = t("disputes.reopen") if d.resolved else t("disputes.resolve")
    with st.expander(title, icon=":material/task_alt:"), st.form(
            f"dispute_resolve_{d.id}", enter_to_submit=False):
        how = "" if d.resolved else st.text_area(t("disputes.resolution"),
                                                 key="dispute_resolution", max_chars=2000)
        field_error(errors, "resolution")
        if st.form_submit_button(title, key="dispute_resolve_submit"):
            run("dispute_resolve", lambda s: disputes.set_resolution(
                s, actor=actor, dispute_id=d.id, shown_version=seen,
                resolved=not d.resolved, resolution=how or ""), t("disputes.saved"))
