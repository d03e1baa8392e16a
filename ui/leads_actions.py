"""The step forms on a lead's page: one small form per step the user may take now."""

from __future__ import annotations

from typing import Any

import streamlit as st

from services import leads
from services.actor import Actor, Perm
from services.errors import Conflict, ServiceError
from ui.bridge import db_session
from ui.i18n import t
from ui.leads_widgets import lead_error

MAIN = ("accept", "start", "resolve", "verify", "close")
NOTE_OPTIONAL = ("accept", "start", "verify", "close", "reassign", "duplicate")


def _extras(actor: Actor, detail: leads.LeadDetail, action: str) -> dict[str, Any]:
    """The extra field a step needs: where to return it, to whom, a duplicate of what."""
    lead_id = detail.lead.id
    if action == "reassign":
        with db_session() as s:
            officers: dict[int, str] = dict(leads.officer_choices(s, actor=actor, lead_id=lead_id))
        pick = st.selectbox(t("leads.to_officer"), list(officers),
                            format_func=lambda o: officers[o],
                            key=f"lead_officer_{lead_id}")
        return {"officer_id": pick}
    if action == "return":
        with db_session() as s:
            communities = dict(leads.place_choices(s, actor=actor).communities)
        where = st.selectbox(t("leads.to_community"), [None, *communities],
                             key=f"lead_to_{lead_id}",
                             format_func=lambda c: t("leads.same_community") if c is None
                             else communities[c])
        return {"community_id": where}
    if action == "duplicate":
        target = st.number_input(t("leads.duplicate_of"), min_value=1, step=1, value=None,
                                 key=f"lead_dup_{lead_id}")
        return {"duplicate_of": int(target) if target else None}
    return {}


def _do(actor: Actor, detail: leads.LeadDetail, action: str, shown: int, note: str,
        extra: dict[str, Any]) -> None:
    try:
        with db_session(write=True) as s:
            view = leads.act(s, actor=actor, lead_id=detail.lead.id, action=action,
                             shown_version=shown, note=note or "", **extra)
    except Conflict as exc:
        lead_error(exc)
        if st.button(t("leads.reload"), key=f"lead_reload_{action}"):
            st.rerun()
    except ServiceError as exc:
        lead_error(exc)
        if getattr(exc, "fields", None):
            st.error(" ".join(t(k) for k in exc.fields.values()))  # type: ignore[attr-defined]
    else:
        # Kept until the lead changes again: extra reruns (cookie component) must not lose it.
        st.session_state["lead_flash"] = (detail.lead.id, view.version,
                                          t("leads.done", action=t(f"leads.do.{action}")))
        st.rerun()


def action_forms(actor: Actor, detail: leads.LeadDetail, shown: int) -> None:
    """A form for each step allowed now, carrying the version the user saw."""
    flash = st.session_state.get("lead_flash")
    if flash and flash[:2] == (detail.lead.id, detail.lead.version):
        st.success(flash[2])
    steps = [a for a in detail.actions if a != "comment"]
    if steps:
        st.subheader(t("leads.actions"))
    lead_id = detail.lead.id
    for action in steps:
        with st.expander(t(f"leads.do.{action}"), expanded=action in MAIN):
            extra = _extras(actor, detail, action)
            with st.form(f"lead_form_{action}_{lead_id}"):
                label = t("leads.note_optional" if action in NOTE_OPTIONAL else
                          ("leads.reply" if action == "resolve" else "leads.reason"))
                note = st.text_area(label, key=f"lead_note_{action}_{lead_id}", max_chars=2000)
                if st.form_submit_button(t(f"leads.do.{action}"), key=f"lead_do_{action}",
                                         type="primary" if action in MAIN else "secondary"):
                    _do(actor, detail, action, shown, note, extra)
    if actor.can(Perm.HANDLE_LEAD) and detail.lead.status in leads.OPEN_STATUSES:
        _task_form(actor, detail)
    if "comment" in detail.actions:
        with st.form(f"lead_comment_{lead_id}", clear_on_submit=True):
            note = st.text_area(t("leads.comment"), key=f"lead_note_comment_{lead_id}",
                                max_chars=2000)
            if st.form_submit_button(t("leads.do.comment"), key="lead_do_comment"):
                _do(actor, detail, "comment", shown, note, {})


def _task_form(actor: Actor, detail: leads.LeadDetail) -> None:
    lead_id = detail.lead.id
    with db_session() as s:
        teams = dict(leads.team_choices(s, actor=actor, lead_id=lead_id))
    with st.expander(t("leads.make_task")), st.form(f"lead_task_{lead_id}",
                                                    clear_on_submit=True):
        title = st.text_input(t("leads.task_title"), key=f"lead_task_title_{lead_id}",
                              max_chars=200)
        body = st.text_area(t("leads.task_body"), key=f"lead_task_body_{lead_id}",
                            max_chars=2000)
        team = st.selectbox(t("leads.task_team"), [None, *teams], key=f"lead_task_team_{lead_id}",
                            format_func=lambda v: t("leads.any_team") if v is None else teams[v])
        if st.form_submit_button(t("leads.make_task"), key="lead_task_submit"):
            try:
                with db_session(write=True) as s:
                    leads.create_task(s, actor=actor, lead_id=lead_id, title=title or "",
                                      description=body or "", team_id=team)
            except ServiceError as exc:
                lead_error(exc)
            else:
                st.session_state["lead_flash"] = (lead_id, detail.lead.version,
                                                  t("leads.task_made"))
                st.rerun()
