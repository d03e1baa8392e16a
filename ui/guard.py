"""Every page starts here: settings and database ready, someone signed in, permission held."""

from __future__ import annotations

import streamlit as st

from services.actor import Actor, Perm
from ui.auth import current_actor, sign_in_form
from ui.bridge import boot, settings
from ui.i18n import t


def require(perm: Perm | None = None) -> Actor:
    """The signed-in actor holding `perm`; otherwise show the sign-in form (or a refusal) and stop.

    Pages call this first, because a direct URL can run a page before app.py built the menu.
    """
    boot()
    if "lang" not in st.session_state:
        st.session_state["lang"] = settings().default_language
    actor = current_actor()
    if actor is None:
        actor = sign_in_form()
        if actor is None:
            st.stop()
    if perm is not None and not actor.can(perm):
        st.error(t("error.permission_denied"))
        st.stop()
    return actor
