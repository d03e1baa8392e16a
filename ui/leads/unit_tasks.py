"""Social units (the "N") on a lead's page: give a task to an active unit of the lead's
community, see the units' tasks with their state, and record a unit's report-back at the
version shown (a stale save names who changed the task and when, and keeps the text)."""

from __future__ import annotations

import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Actor, Perm
from services.core.errors import Conflict, ServiceError
from services.leads.common import NOTE_MAX
from services.leads.unit_tasks import TITLE_MAX
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.widgets import field_error, pop_errors, refused, show_error, table

FLASH = "unit_task_flash"
PENDING = "unit_report_pending"


def _give_form(actor: Actor, lead_id: int) -> None:
    """Unit, title and description; after a refused submit everything stays as typed and
    each message sits under its field."""
    with db_session() as s:
        units = dict(leads.unit_choices(s, actor=actor, lead_id=lead_id))
    if not units:
        st.caption(t("unit_tasks.no_units"))
        return
    form = f"unit_task_form_{lead_id}"
    keys = {k: f"unit_task_{k}_{lead_id}" for k in ("unit", "title", "body")}
    errors = pop_errors(form)
    with st.expander(t("unit_tasks.give"), icon=":material/handshake:",
                     expanded=bool(errors["fields"])), st.form(form, enter_to_submit=False):
        unit = st.selectbox(t("unit_tasks.unit"), list(units), index=None, key=keys["unit"],
                            placeholder=t("widget.choose"), format_func=lambda i: units[i])
        field_error(errors, "social_unit_id")
        title = st.text_input(t("leads.task_title"), key=keys["title"], max_chars=TITLE_MAX)
        field_error(errors, "title")
        body = st.text_area(t("leads.task_body"), key=keys["body"], max_chars=NOTE_MAX)
        field_error(errors, "description")
        go = st.form_submit_button(t("unit_tasks.give_submit"), key="unit_task_submit")
    if not go:
        return
    try:
        with db_session(write=True) as s:
            task_id = leads.give_task_to_unit(s, actor=actor, lead_id=lead_id,
                                              social_unit_id=unit, title=title or "",
                                              description=body or "")
    except ServiceError as exc:
        refused(form, exc)
    else:
        for key in keys.values():  # given: the form starts empty again
            st.session_state.pop(key, None)
        st.session_state[FLASH] = ("unit_tasks.given", task_id, units[unit or 0])
        st.rerun()


def _clicked(task_id: int, shown_version: int) -> None:
    """Runs before the rerun, with the version drawn when the user clicked: kept even if the
    form is gone by then (the task was recorded or cancelled elsewhere meanwhile)."""
    text = st.session_state.get(f"unit_report_{task_id}") or ""
    st.session_state[PENDING] = (task_id, shown_version, text)


def _save_pending(actor: Actor) -> None:
    """Record the report clicked in the last run, at the version that run showed."""
    pending = st.session_state.pop(PENDING, None)
    if not pending:
        return
    task_id, shown, text = pending
    try:
        with db_session(write=True) as s:
            leads.record_unit_report(s, actor=actor, task_id=task_id, shown_version=shown,
                                     report=text)
    except Conflict as exc:
        show_error(exc)  # who changed it, when, and that nothing was saved
        st.text_area(t("hardening.your_text"), value=text, disabled=True,
                     key=f"unit_report_kept_{task_id}")
    except ServiceError as exc:
        refused(f"unit_report_form_{task_id}", exc)
    else:
        st.session_state.pop(f"unit_report_{task_id}", None)
        st.session_state[FLASH] = ("unit_tasks.reported", task_id, "")
        st.rerun()


def _report_form(task: leads.TaskView) -> None:
    form = f"unit_report_form_{task.id}"
    errors = pop_errors(form)
    with st.form(form, enter_to_submit=False):
        st.text_area(t("unit_tasks.report_of", id=task.id, unit=md(task.unit)),
                     key=f"unit_report_{task.id}", max_chars=NOTE_MAX)
        field_error(errors, "report")
        st.form_submit_button(t("unit_tasks.record"), key=f"unit_report_submit_{task.id}",
                              on_click=_clicked, args=(task.id, task.version))


def unit_tasks(actor: Actor, detail: leads.LeadDetail, tasks: list[leads.TaskView]) -> None:
    """The section, for an officer who handles leads; nothing for anyone else."""
    if not actor.can(Perm.HANDLE_LEAD):
        return
    lead_open = detail.lead.status in leads.OPEN_STATUSES
    mine = [x for x in tasks if x.unit]
    if not mine and not lead_open:
        return
    st.subheader(t("unit_tasks.title"))
    flash = st.session_state.pop(FLASH, None)  # (key, task id, unit name): plain values
    if flash:
        st.success(t(flash[0], id=flash[1], unit=md(flash[2])))
    _save_pending(actor)
    table({t("leads.col_id"): [x.id for x in mine],
           t("unit_tasks.unit"): [x.unit for x in mine],
           t("leads.task_title"): [x.title for x in mine],
           t("unit_tasks.state"): [label("unit_tasks.state", x.status) for x in mine],
           t("unit_tasks.given_at"): [clock.local(x.created_at) for x in mine],
           t("unit_tasks.report"): [x.report for x in mine]},
          empty="unit_tasks.none", hide_index=True, key="lead_unit_tasks")
    for task in mine:
        if task.status == "claimed":
            _report_form(task)
    if lead_open:
        _give_form(actor, detail.lead.id)
