"""Shared tasks (任务共领): team members claim tasks made from leads and report back."""

import streamlit as st

from services import clock, leads
from services.actor import Perm
from services.errors import ServiceError
from ui import guard, nav
from ui.bridge import db_session
from ui.i18n import label, t
from ui.leads_widgets import lead_error

actor = guard.require(Perm.VIEW_LEADS)
st.title(t("page.tasks"))
flash = st.session_state.pop("tasks_flash", None)
if flash:
    st.success(flash)
show_done = st.toggle(t("leads.tasks_show_done"), key="tasks_show_done")
with db_session() as s:
    tasks = leads.list_tasks(s, actor=actor,
                             statuses=() if show_done else ("open", "claimed"))
if not tasks:
    st.info(t("leads.no_tasks"))


def _run(kind: str, task: leads.TaskView, report: str = "") -> None:
    try:
        with db_session(write=True) as s:
            if kind == "claim":
                leads.claim_task(s, actor=actor, task_id=task.id, shown_version=task.version)
            else:
                leads.finish_task(s, actor=actor, task_id=task.id, shown_version=task.version,
                                  report=report)
    except ServiceError as exc:
        lead_error(exc)
    else:
        st.session_state["tasks_flash"] = t(f"leads.task_{kind}_ok", id=task.id)
        st.rerun()


is_member = actor.member_id is not None
for task in tasks:
    box = st.container(border=True)
    box.markdown(f"**#{task.id}** · {label('leads.task_status', task.status)}")
    box.text(f"{task.title}\n{task.community} {task.team}".strip())
    if task.description:
        box.text(task.description)
    if task.claimed_by:
        box.caption(t("leads.task_claimed_by", name=task.claimed_by,
                      at=clock.local(task.created_at)))
    if task.report:
        box.text(t("leads.task_report") + ": " + task.report)
    if task.lead_id and actor.can(Perm.HANDLE_LEAD):
        if box.button(t("leads.open_lead", id=task.lead_id), key=f"task_lead_{task.id}"):
            st.switch_page(nav.page_path("pages/lead.py"), query_params={"id": str(task.lead_id)})
    if is_member and task.status == "open":
        if box.button(t("leads.task_claim"), key=f"task_claim_{task.id}", type="primary"):
            _run("claim", task)
    elif is_member and task.status == "claimed":
        with box.form(f"task_done_form_{task.id}"):
            report = st.text_area(t("leads.task_report"), key=f"task_report_{task.id}",
                                  max_chars=2000)
            if st.form_submit_button(t("leads.task_finish"), key=f"task_done_{task.id}"):
                _run("done", task, report or "")
