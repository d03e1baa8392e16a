"""The step forms on a lead's page: one small form per step the user may take now."""

from __future__ import annotations

from typing import Any

import streamlit as st

from services import leads
from services.core.actor import Actor, Perm
from services.core.errors import Conflict, ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.leads.widgets import lead_error

MAIN = ("accept", "start", "resolve", "verify", "close")
MOVES = ("en_route", "on_scene")  # one tap each, no form: the officer is on the move
NOTE_OPTIONAL = ("accept", "start", "verify", "close", "reassign", "duplicate")
NOTE_LABEL = {"resolve": "leads.reply", "ask_info": "phone.question_label"}


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


def _clicked(lead_id: int, action: str) -> None:
    """Runs before the rerun even when the step is no longer drawn (someone else changed
    the lead meanwhile): the click is kept, so that the conflict can be said."""
    note = st.session_state.get(f"lead_note_{action}_{lead_id}") or ""
    st.session_state["lead_pending"] = (lead_id, action, note)


def _stale_click(actor: Actor, detail: leads.LeadDetail, shown: int, drawn: set[str]) -> None:
    """A step clicked on the version shown that is not offered any more: tried anyway with
    that version, so the service's Conflict says who changed the lead and when; the typed
    note is kept on screen to copy."""
    pending = st.session_state.pop("lead_pending", None)
    if not pending or pending[0] != detail.lead.id or pending[1] in drawn:
        return
    _lead_id, action, note = pending
    _do(actor, detail, action, shown, note, {})
    if note:
        st.text_area(t("hardening.your_text"), value=note, key=f"lead_kept_{action}",
                     disabled=True)


def action_forms(actor: Actor, detail: leads.LeadDetail, shown: int) -> None:
    """A form for each step allowed now, carrying the version the user saw."""
    flash = st.session_state.get("lead_flash")
    if flash and flash[:2] == (detail.lead.id, detail.lead.version):
        st.success(flash[2])
    _stale_click(actor, detail, shown, set(detail.actions))
    steps = [a for a in detail.actions  # answer_info has its own form; moves are buttons
             if a not in ("comment", "answer_info") and a not in MOVES]
    if steps:
        st.subheader(t("leads.actions"))
    lead_id = detail.lead.id
    moves = [a for a in MOVES if a in detail.actions]
    for col, action in zip(st.columns(len(moves)) if moves else [], moves, strict=False):
        if col.button(t(f"leads.do.{action}"), key=f"lead_move_{action}", type="primary",
                      use_container_width=True, on_click=_clicked, args=(lead_id, action)):
            _do(actor, detail, action, shown, "", {})
    for action in steps:
        with st.expander(t(f"leads.do.{action}"), expanded=action in MAIN):
            extra = _extras(actor, detail, action)
            with st.form(f"lead_form_{action}_{lead_id}", enter_to_submit=False):
                label = t("leads.note_optional" if action in NOTE_OPTIONAL else
                          NOTE_LABEL.get(action, "leads.reason"))
                note = st.text_area(label, key=f"lead_note_{action}_{lead_id}", max_chars=2000)
                if st.form_submit_button(t(f"leads.do.{action}"), key=f"lead_do_{action}",
                                         type="primary" if action in MAIN else "secondary",
                                         on_click=_clicked, args=(lead_id, action)):
                    _do(actor, detail, action, shown, note, extra)
    if actor.can(Perm.HANDLE_LEAD) and detail.lead.status in leads.OPEN_STATUSES:
        _task_form(actor, detail)
    if "comment" in detail.actions:
        with st.form(f"lead_comment_{lead_id}", clear_on_submit=True, enter_to_submit=False):
            note = st.text_area(t("leads.comment"), key=f"lead_note_comment_{lead_id}",
                                max_chars=2000)
            if st.form_submit_button(t("leads.do.comment"), key="lead_do_comment"):
                _do(actor, detail, "comment", shown, note, {})


def _task_form(actor: Actor, detail: leads.LeadDetail) -> None:
    lead_id = detail.lead.id
    with db_session() as s:
        teams = dict(leads.team_choices(s, actor=actor, lead_id=lead_id))
    with st.expander(t("leads.make_task")), st.form(f"lead_task_{lead_id}",
                                                    clear_on_submit=True, enter_to_submit=False):
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
