"""A grid worker's phone: the big report button, my reports as cards, my team's tasks."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from services import leads
from services.core import clock, system
from services.core.actor import Actor
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.leads import notices as leads_notices

# The colour of a status label: what needs the reporter (red), waiting (blue), being handled
# (orange), moved elsewhere (violet), done (green), set aside (grey).
Colour = Literal["red", "orange", "blue", "green", "violet", "gray"]
COLOURS: dict[str, Colour] = {
    "needs_info": "red", "new": "blue", "dispatched": "blue", "accepted": "orange",
           "in_progress": "orange", "escalated": "violet", "returned": "violet",
           "resolved": "green", "verified": "green", "closed": "green", "duplicate": "gray"}
PAGE = 10


def report_button() -> None:
    """First on the page: one large tap to report (a finished report's confirmation goes)."""
    if st.button(t("page.report_lead"), key="home_report", type="primary", width="stretch",
                 icon=":material/add_alert:"):
        st.session_state.pop("lead_report_done", None)
        st.switch_page(nav.page_path("pages/report_lead.py"))


def _card(row: leads.InboxRow) -> None:
    box = st.container(border=True, key=f"report_card_{row.id}")
    top = box.container(horizontal=True, vertical_alignment="center")
    top.badge(label("leads.status", row.status), color=COLOURS.get(row.status, "gray"))
    top.caption(f"#{md(row.id)} · {label('leads.category', row.category)}")
    if row.reply:
        box.caption(t("phone.latest_reply"))
        box.text(row.reply[:200])  # the officer's words: plain text
    box.caption(t("phone.card_when", at=clock.local(row.created_at),
                  who=md(row.assignee) if row.assignee else t("phone.nobody_yet")))
    box.page_link(nav.page_path("pages/lead.py"), label=t("phone.open_report"),
                  icon=":material/chevron_right:", query_params={"id": str(row.id)})


def report_cards(actor: Actor, page: int = 1, size: int = PAGE) -> leads.InboxPage:
    """My reports, newest first, as cards (status label, the officer's latest reply, when)."""
    with db_session() as s:
        found = leads.inbox(s, actor=actor, page=page, page_size=size,
                            filters=leads.InboxFilters(mine=True, open_only=False,
                                                       sort="newest"))
    for row in found.rows:
        _card(row)
    if not found.rows:
        st.caption(t("phone.no_reports"))
    return found


def team_tasks(actor: Actor, limit: int = 5) -> None:
    """Open and claimed shared tasks of my teams."""
    with db_session() as s:
        tasks = leads.list_tasks(s, actor=actor, statuses=("open", "claimed"), limit=limit)
    for task in tasks:
        box = st.container(border=True, key=f"team_task_{task.id}")
        top = box.container(horizontal=True, vertical_alignment="center")
        top.badge(label("leads.task_status", task.status),
                  color="blue" if task.status == "open" else "orange")
        top.caption(f"#{md(task.id)} · {md(task.team or place(task.community))}")
        box.text(task.title)  # typed by an officer: plain text
    if not tasks:
        st.caption(t("phone.no_tasks"))
    st.page_link(nav.page_path("pages/tasks.py"), label=t("phone.all_tasks"),
                 icon=":material/task:")


def heading(actor: Actor) -> None:
    """'My reports', with the number of notices waiting."""
    waiting = leads_notices.unread(actor)
    st.subheader(t("phone.my_reports") + (f" ({md(waiting)})" if waiting else ""))


def phone_home(actor: Actor) -> None:
    """The grid worker's home: report first, then my reports and my team's tasks."""
    report_button()
    with db_session() as s:
        demo = system.demo_loaded(s)
    if demo:
        st.caption(t("app.demo_banner"))
    heading(actor)
    found = report_cards(actor, size=5)
    if found.total > len(found.rows):
        st.page_link(nav.page_path("pages/leads.py"), label=t("phone.all_reports"),
                     icon=":material/inbox:")
    st.subheader(t("phone.team_tasks"))
    team_tasks(actor)


def my_reports(actor: Actor) -> None:
    """The whole list of my reports, a page of cards at a time."""
    report_button()
    heading(actor)
    page = int(st.session_state.get("my_reports_page", 1))
    found = report_cards(actor, page=page)
    if found.pages > 1:
        left, right = st.columns(2)
        if left.button(t("phone.newer"), key="my_reports_newer", disabled=page <= 1,
                       width="stretch"):
            st.session_state["my_reports_page"] = page - 1
            st.rerun()
        if right.button(t("phone.older"), key="my_reports_older", disabled=page >= found.pages,
                        width="stretch"):
            st.session_state["my_reports_page"] = page + 1
            st.rerun()
