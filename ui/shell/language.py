"""中文 / English: the switch on the sign-in form and in the sidebar."""

from __future__ import annotations

import streamlit as st

from services.accounts import auth
from services.core.actor import Actor
from ui.core.bridge import db_session
from ui.core.i18n import LANGUAGES, lang, t


def _language_changed(key: str, actor: Actor | None) -> None:
    choice = st.session_state.get(key)
    if choice in LANGUAGES and choice != lang():
        st.session_state["lang"] = choice
        if actor is not None:
            with db_session(write=True) as s:
                auth.set_language(s, actor=actor, language=choice)


def language_switch(actor: Actor | None, key: str = "lang_switch") -> None:
    """中文 / English, remembered on the user's account once signed in.

    The change is applied in a callback, before the script reruns, so the whole page
    is drawn in the new language at once.
    """
    st.segmented_control(
        t("account.language"), LANGUAGES, default=lang(), format_func=lambda c: t(f"lang.{c}"),
        key=key, label_visibility="collapsed", on_change=_language_changed, args=(key, actor),
    )
