"""Small shared widgets: language switch, error display, the signed-in sidebar."""

from __future__ import annotations

import streamlit as st

from services import auth, system
from services.actor import Actor
from services.errors import Invalid, ServiceError
from ui.bridge import db_session, settings
from ui.i18n import LANGUAGES, lang, t
from ui.leads_watch import urgent_watch


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


def show_error(exc: ServiceError) -> None:
    """A service error in the user's language; field messages go next to their fields."""
    st.error(t(exc.key, **{k: str(v) for k, v in exc.params.items()}))


FormErrors = dict[str, dict[str, str]]


def remember_errors(form: str, exc: Invalid) -> None:
    """Keep a failed submit's field messages (plain values) for the rerun that shows them."""
    st.session_state[f"_errors_{form}"] = {
        "fields": dict(exc.fields), "params": {k: str(v) for k, v in exc.params.items()},
    }


def pop_errors(form: str) -> FormErrors:
    return st.session_state.pop(f"_errors_{form}", None) or {"fields": {}, "params": {}}


def field_error(errors: FormErrors, field: str) -> None:
    """Under a form field: the message for that field, if the last submit found one."""
    key = errors["fields"].get(field)
    if key:
        st.error(t(key, **errors["params"]), icon=":material/error:")


@st.cache_data(ttl=60, show_spinner=False)
def _demo_flag(database_url: str) -> bool:
    """Whether demo data is loaded: the same answer for every user of one database."""
    del database_url  # the cache key
    with db_session() as s:
        return system.demo_loaded(s)


def sidebar(actor: Actor) -> None:
    from ui.auth import sign_out

    with st.sidebar:
        urgent_watch(actor)  # on every page: the sidebar is drawn by the router for all
        if _demo_flag(settings().database_url):
            st.warning(t("app.demo_banner"), icon=":material/science:")
        st.caption(t("auth.signed_in_as", name=actor.display_name, role=t(f"role.{actor.role}")))
        language_switch(actor)
        if st.button(t("auth.sign_out"), key="sign_out", use_container_width=True):
            sign_out(actor)
            st.rerun()
