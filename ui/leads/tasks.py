"""Shared tasks on screen: a card per task with the steps the user may take on it, the list
on a lead's page, and the cancel form (with its reason) that both offer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Actor, Perm
from services.core.errors import Invalid, ServiceError
from services.leads.tasks import REASON_MAX
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.widgets import field_error, pop_errors, remember_errors, show_error

FLASH = "tasks_flash"


def cancelled_note(task: leads.TaskView) -> str:
    """Who cancelled the task, when and why: the reason typed, or that the lead was closed."""
    if task.status != "cancelled":
        return ""
    reason = (task.cancel_reason if task.cancel_cause == "by_hand"
              else label("leads.task_cause", task.cancel_cause))
    return t("leads.task_cancelled_line", name=task.cancelled_by or t("leads.system"),
             at=clock.local(task.cancelled_at), reason=reason)


def _write(form: str, task: leads.TaskView, flash: str, action: Callable[..., Any],
           **kw: Any) -> None:
    """One step on the task at the version shown, in its own transaction. Field messages go
    under their fields; the flash has a key of its own (a lead's page has other flashes)."""
    try:
        with db_session(write=True) as s:
            action(s, task_id=task.id, shown_version=task.version, **kw)
    except ServiceError as exc:
        if isinstance(exc, Invalid) and exc.fields:
            remember_errors(form, exc)
            st.rerun()
        show_error(exc)
    else:
        st.session_state[FLASH] = t(flash, id=task.id)
        st.rerun()


def show_flash() -> None:
    """What the last task step did, once, on the rerun that follows it."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def cancel_form(actor: Actor, task: leads.TaskView, title: str = "") -> None:
    """The reason is required; after a refused submit it stays as typed, the message under it."""
    form = f"task_cancel_{task.id}"
    errors = pop_errors(form)
    with st.expander(title or t("leads.task_cancel"), icon=":material/cancel:",
                     expanded=bool(errors["fields"])), st.form(form, enter_to_submit=False):
        reason = st.text_area(t("leads.task_cancel_reason", max=REASON_MAX),
                              key=f"{form}_reason", max_chars=REASON_MAX)
        field_error(errors, "reason")
        if st.form_submit_button(t("leads.task_cancel"), key=f"{form}_submit"):
            _write(form, task, "leads.task_cancel_ok", leads.cancel_task, actor=actor,
                   reason=reason or "")


def _member_steps(actor: Actor, task: leads.TaskView) -> None:
    if task.status == "open":
        if st.button(t("leads.task_claim"), key=f"task_claim_{task.id}", type="primary"):
            _write(f"task_claim_{task.id}", task, "leads.task_claim_ok", leads.claim_task,
                   actor=actor)
    elif task.status == "claimed" and task.claimed_by_me:
        form = f"task_done_form_{task.id}"
        errors = pop_errors(form)
        with st.form(form, enter_to_submit=False):
            report = st.text_area(t("leads.task_report"), key=f"task_report_{task.id}",
                                  max_chars=2000)
            field_error(errors, "report")
            if st.form_submit_button(t("leads.task_finish"), key=f"task_done_{task.id}"):
                _write(form, task, "leads.task_done_ok", leads.finish_task, actor=actor,
                       report=report or "")
        if st.button(t("leads.task_unclaim"), key=f"task_unclaim_{task.id}",
                     help=t("leads.task_unclaim_help")):
            _write(f"task_unclaim_{task.id}", task, "leads.task_unclaim_ok",
                   leads.unclaim_task, actor=actor)


def task_card(actor: Actor, task: leads.TaskView) -> None:
    """One task on the tasks page; user text is shown as plain text, never markdown."""
    with st.container(border=True):
        st.markdown(f"**#{md(task.id)}** · {label('leads.task_status', task.status)}")
        st.text(f"{task.title}\n{place(task.community)} {task.team}".strip())
        if task.description:
            st.text(task.description)
        if task.claimed_by:
            st.text(t("leads.task_claimed_by", name=task.claimed_by))
        if task.report:
            st.text(t("leads.task_report") + ": " + task.report)
        if task.status == "cancelled":
            st.text(cancelled_note(task))
        if task.lead_id and actor.can(Perm.HANDLE_LEAD):
            if st.button(t("leads.open_lead", id=task.lead_id), key=f"task_lead_{task.id}"):
                st.switch_page(nav.page_path("pages/lead.py"),
                               query_params={"id": str(task.lead_id)})
        if actor.member_id is not None:
            _member_steps(actor, task)
        if task.may_cancel:
            cancel_form(actor, task)


def lead_tasks(actor: Actor, tasks: list[leads.TaskView]) -> None:
    """On a lead's page: its tasks in a table, and a cancel form for each one the user may
    cancel."""
    if not tasks:
        return
    st.subheader(t("leads.tasks"))
    show_flash()
    shown = {t("leads.col_id"): [x.id for x in tasks],
             t("leads.task_title"): [x.title for x in tasks],
             t("leads.col_status"): [label("leads.task_status", x.status) for x in tasks],
             t("leads.task_claimed_by_col"): [x.claimed_by for x in tasks],
             t("leads.task_report"): [x.report for x in tasks],
             t("leads.col_note"): [cancelled_note(x) for x in tasks]}
    st.dataframe(shown, hide_index=True, key="lead_tasks", column_config=fitted(shown))
    for task in tasks:
        if task.may_cancel:
            cancel_form(actor, task, t("leads.task_cancel_which", id=task.id))
