"""On every page: a toast when a new urgent lead concerns the signed-in user, and a link to it;
for grid workers, notices about their own reports and their teams' new tasks."""

from __future__ import annotations

import time

import streamlit as st

from services import leads
from services.core.actor import Actor, Perm
from ui.core import nav, stylesheet
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.leads import notices
from ui.shell.guard import live_actor

WATCH_EVERY = "15s"
MARK = "leads_urgent_mark"  # (user id, session id, newest lead event read)
POINTER = "leads_urgent_pointer"  # (user id, session id, lead id, time.monotonic() of its toast)
POINTER_S = 15 * 60  # the sidebar link stays this long after its toast


def watches(actor: Actor) -> bool:
    """Grid workers do not handle leads: nothing to watch for them, not even a query."""
    return actor.can(Perm.SUPERVISE_LEADS) or actor.can(Perm.HANDLE_LEAD)


def urgent_watch(actor: Actor) -> None:
    """Called by the router on every page, so the watch runs wherever the user is. Grid
    workers' notices go at the top of the page body: on a phone the sidebar is closed."""
    if watches(actor):
        with st.sidebar:
            _live()
    elif notices.hears(actor):
        stylesheet.apply("phone")  # style only: takes no room on the page
        _live()


@st.fragment(run_every=WATCH_EVERY)
def _live() -> None:
    """A fragment: its refresh reruns only itself, so forms on the page keep what is typed."""
    actor = live_actor()  # not activity, so idle sign-out still happens; ended: app reruns
    if notices.hears(actor):
        notices.check(actor)
        notices.show(actor)
        return
    announce_urgent(actor)
    held = st.session_state.get(POINTER)
    if held and tuple(held[:2]) == _who(actor) and time.monotonic() - held[3] < POINTER_S:
        st.page_link(nav.page_path("pages/lead.py"), label=t("leads.urgent_link", id=held[2]),
                     icon=":material/warning:", query_params={"id": str(held[2])})


def _who(actor: Actor) -> tuple[int, int | None]:
    """One sign-in: what another user (or an earlier sign-in) saw in this browser is not kept."""
    return actor.user_id, actor.session_id


def announce_urgent(actor: Actor) -> None:
    """Toast the urgent leads that arrived for the actor since the last check, once each.

    The inbox's live table calls this too: one mark in session_state, so whichever runs
    first announces a lead and the other finds nothing new. The first check of a sign-in
    only sets the mark (what existed then is not news).
    """
    if not watches(actor):
        return
    who = _who(actor)
    held = st.session_state.get(MARK)
    since = held[2] if held and tuple(held[:2]) == who else None
    with db_session() as s:
        news = leads.urgent_news(s, actor=actor, since=since)
    st.session_state[MARK] = (*who, news.mark)
    if not news.count or news.newest_id is None:
        return
    if news.to_me:
        text = t("leads.toast_assigned", id=news.newest_id, n=news.count)
    else:
        text = t("leads.toast_urgent", n=news.waiting) + "  \n" + t("leads.toast_newest",
                                                                        id=news.newest_id)
    st.toast(text, icon=":material/warning:", duration="long")
    st.session_state[POINTER] = (*who, news.newest_id, time.monotonic())
