"""On a lead's page: record the lead as a dispute (矛盾纠纷), or open the one recorded from it."""

from __future__ import annotations

import streamlit as st

from services import disputes, leads
from services.core.actor import Actor, Perm
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.record_forms import people_editor, run, show_flash
from ui.core.widgets import field_error, pop_errors


def dispute_section(actor: Actor, detail: leads.LeadDetail) -> None:
    """A link to the lead's dispute once there is one; until then a form to record it."""
    if not actor.can(Perm.VIEW_DISPUTES):
        return
    lead = detail.lead
    with db_session() as s:
        found = disputes.dispute_of_lead(s, actor=actor, lead_id=lead.id)
    if found is not None:
        show_flash()
        st.page_link(nav.page_path("pages/disputes.py"), query_params={"id": str(found)},
                     label=t("leads.open_dispute", id=found), icon=":material/handshake:")
    elif actor.can(Perm.EDIT_DISPUTES) and actor.in_scope(lead.community_id):
        _record_form(actor, detail)


def _record_form(actor: Actor, detail: leads.LeadDetail) -> None:
    """Where and what come from the lead (and stay editable); kind and parties are added."""
    lead = detail.lead
    form = f"lead_dispute_{lead.id}"
    errors = pop_errors(form)
    for field, value in (("address", lead.address), ("description", lead.description)):
        st.session_state.setdefault(f"{form}_{field}", value)  # the lead's, until edited
    with st.expander(t("leads.record_dispute"), icon=":material/handshake:",
                     expanded=bool(errors["fields"])):
        st.caption(t("leads.dispute_hint", community=md(place(detail.community_name))))
        field_error(errors, "grid_id")
        kind = st.selectbox(t("disputes.kind_label"), disputes.KINDS, index=None,
                            format_func=lambda v: label("disputes.kind", v),
                            placeholder=t("leads.choose"), key=f"{form}_kind")
        field_error(errors, "kind")
        address = st.text_input(t("disputes.address"), key=f"{form}_address", max_chars=200)
        field_error(errors, "address")
        text = st.text_area(t("disputes.description"), key=f"{form}_description",
                            max_chars=4000)
        field_error(errors, "description")
        st.caption(t("disputes.parties_hint"))
        parties = people_editor(f"{form}_parties", "cases.person")
        field_error(errors, "parties")
        if st.button(t("leads.record_dispute"), type="primary", key="lead_dispute_submit"):
            run(form, lambda s: disputes.record_dispute(
                s, actor=actor, community_id=lead.community_id, grid_id=lead.grid_id,
                lead_id=lead.id, kind=kind or "", address=address or "",
                description=text or "", parties=parties), t("leads.dispute_recorded"))
