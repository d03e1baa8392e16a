"""The signed-in sidebar on every page: demo flag, who is signed in, the language, sign-out."""

from __future__ import annotations

import streamlit as st

from services.core import system
from services.core.actor import Actor
from ui.core import stylesheet
from ui.core.bridge import db_session, settings
from ui.core.i18n import lang, t
from ui.core.markdown import md
from ui.shell.auth import sign_out
from ui.shell.language import language_switch
from ui.shell.watch import urgent_watch


@st.cache_data(ttl=60, show_spinner=False)
def _demo_flag(database_url: str) -> bool:
    """Whether demo data is loaded: the same answer for every user of one database."""
    del database_url  # the cache key
    with db_session() as s:
        return system.demo_loaded(s)


def sidebar(actor: Actor) -> None:
    urgent_watch(actor)  # on every page (drawn by the router): in the sidebar, or atop the page
    if lang() == "zh":  # the upload button's word and limit line: no parameter sets them
        stylesheet.apply("builtin_zh")
    with st.sidebar:
        if _demo_flag(settings().database_url):
            st.warning(t("app.demo_banner"), icon=":material/science:")
        st.caption(t("auth.signed_in_as", name=md(actor.display_name),
                     role=t(f"role.{actor.role}")))
        language_switch(actor)
        if st.button(t("auth.sign_out"), key="sign_out", use_container_width=True):
            sign_out(actor)
            st.rerun()
