"""Every page starts here: settings and database ready, someone signed in, permission held."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from services.core import audit
from services.core.actor import Actor, Perm
from ui.core.bridge import boot, db_session, settings
from ui.core.i18n import t
from ui.shell import menu
from ui.shell.auth import current_actor, password_form, sign_in_form, sign_out, write_pending_cookie


def require(perm: Perm | None = None) -> Actor:
    """The signed-in actor holding `perm`; otherwise show the sign-in form (or a refusal) and stop.

    Pages call this first, because a direct URL can run a page before app.py built the menu.
    A user whose password was reset must change it before anything else. The router's call
    (no permission) also starts the heartbeat that ends an idle page without activity.
    """
    boot()
    if "lang" not in st.session_state:
        st.session_state["lang"] = settings().default_language
    if perm is None:
        write_pending_cookie()  # the router's call: a sign-in's cookie the browser still owes
    actor = current_actor()
    if actor is None:
        actor = sign_in_form()
        if actor is None:
            st.stop()
        if perm is not None:
            _route(actor)
    if st.session_state.get("must_change"):
        _must_change_password(actor)
    if perm is not None and not actor.can(perm):
        _refuse(actor, perm, Path(sys._getframe(1).f_globals.get("__file__", "")).name)
    if perm is None:
        _heartbeat()
    return actor


def _route(actor: Actor) -> None:
    """Signed in through a page's own guard: Streamlit ran the page without the router (as it
    does with scripts under pages/ until a first navigation after a start), so no menu is drawn.
    Registering the navigation ends that for the server; the rerun goes through the router."""
    st.navigation(menu.navigation(actor), position="hidden")
    st.rerun()


def _refuse(actor: Actor, perm: Perm, page: str) -> None:
    """A refusal is audited in a short transaction of its own, then the page stops."""
    with db_session(write=True) as s:
        audit.record_refusal(s, actor=actor, perm=perm, where=page)
    st.error(t("error.permission_denied"))
    st.stop()


def _must_change_password(actor: Actor) -> None:
    st.title(t("account.change_password"))
    st.warning(t("auth.must_change"))
    if password_form(actor):  # no rerun here: the new cookie must reach the browser first
        st.success(t("account.saved"))
        st.button(t("hardening.continue"), key="must_change_continue", type="primary")
        st.stop()
    if st.button(t("auth.sign_out"), key="must_change_sign_out"):
        sign_out(actor)
        st.rerun()
    st.stop()


def _heartbeat() -> None:
    """Check the session now and then without counting as activity; end the page if it ended."""
    every = max(1.0, min(60.0, settings().idle_minutes * 60 / 2))

    @st.fragment(run_every=every)
    def beat() -> None:
        if "auth_token" in st.session_state and current_actor(activity=False) is None:
            st.rerun(scope="app")

    with st.sidebar:
        beat()


def live_actor() -> Actor:
    """For fragments that refresh themselves: the actor, without counting as activity.

    If the session ended (sign-out elsewhere, idle, disabled), the whole page reruns and
    shows the sign-in form.
    """
    actor = current_actor(activity=False)
    if actor is None:
        st.rerun(scope="app")
    assert actor is not None
    return actor
