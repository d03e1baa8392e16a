"""Returned for more information on a lead's page: the question, and the reporter's answer form."""

from __future__ import annotations

import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Actor
from services.core.errors import Invalid, ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.widgets import field_error, pop_errors, remember_errors
from ui.leads.photos import UPLOAD_MB
from ui.leads.widgets import lead_error


def answer_section(actor: Actor, detail: leads.LeadDetail, shown: int) -> None:
    """For the reporter of a lead waiting for their answer: the question first, then a form
    with text and photos. Sent, the lead goes back to the officer."""
    if "answer_info" not in detail.actions:
        return
    lead_id = detail.lead.id
    asked = next((e for e in reversed(detail.events) if e.action == "ask_info"), None)
    box = st.container(border=True, key=f"lead_asked_{lead_id}")
    box.warning(t("phone.asked"), icon=":material/help:")
    if asked is not None:
        box.caption(t("phone.asked_by", who=md(asked.actor_name), at=clock.local(asked.at)))
        box.text(asked.note)  # user text: plain
    errors = pop_errors(f"lead_answer_{lead_id}")
    with box.form(f"lead_answer_form_{lead_id}"):
        note = st.text_area(t("phone.answer_label"), key=f"lead_answer_note_{lead_id}",
                            max_chars=2000)
        field_error(errors, "note")
        files = st.file_uploader(t("phone.answer_photos", limit=UPLOAD_MB),
                                 type=["jpg", "jpeg", "png"], accept_multiple_files=True,
                                 key=f"lead_answer_photos_{lead_id}", max_upload_size=UPLOAD_MB)
        field_error(errors, "photos")
        sent = st.form_submit_button(t("leads.do.answer_info"), key="lead_do_answer_info",
                                     type="primary", width="stretch")
    if sent:
        try:
            with db_session(write=True) as s:
                view = leads.answer_info(s, actor=actor, lead_id=lead_id, shown_version=shown,
                                         note=note or "",
                                         photos=[f.getvalue() for f in files or []])
        except Invalid as exc:
            if exc.fields:
                remember_errors(f"lead_answer_{lead_id}", exc)
                st.rerun()
            lead_error(exc)
        except ServiceError as exc:
            lead_error(exc)
        else:
            st.session_state["lead_flash"] = (lead_id, view.version, t("phone.answered"))
            st.rerun()
