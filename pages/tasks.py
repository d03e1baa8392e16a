"""Shared tasks (任务共领): team members claim tasks made from leads, report back or give them
back; whoever may cancel a task does it here, with a reason."""

import streamlit as st

from services import leads
from services.core.actor import Perm
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.leads.tasks import show_flash, task_card
from ui.shell import guard

actor = guard.require(Perm.VIEW_LEADS)
st.title(t("page.tasks"))
show_flash()
# Finished and cancelled tasks are out of the way by default; the filter finds them.
statuses = st.multiselect(t("leads.task_f_status"), list(leads.TASK_STATUSES),
                          default=["open", "claimed"], key="tasks_status",
                          format_func=lambda v: label("leads.task_status", v),
                          placeholder=t("leads.task_f_any"))
with db_session() as s:
    tasks = leads.list_tasks(s, actor=actor, statuses=tuple(statuses))
if not tasks:
    st.info(t("leads.no_tasks"))
for task in tasks:
    task_card(actor, task)
