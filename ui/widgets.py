"""Small shared widgets: language switch, error display, the signed-in sidebar."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from services import auth, system
from services.actor import Actor
from services.errors import Invalid, ServiceError
from ui import stylesheet
from ui.bridge import db_session, settings
from ui.column_widths import fitted
from ui.i18n import LANGUAGES, lang, t
from ui.leads_watch import urgent_watch
from ui.markdown import md


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


def table(data: Any, *, empty: str, **kwargs: Any) -> Any:
    """st.dataframe, or the sentence `empty` names when there is no row: Streamlit draws an
    empty table as a grey grid that reads 'empty', in English. Text columns are as wide as
    their longest text (ui.column_widths)."""
    rows = data.data if isinstance(data, Styler) else data
    if len(pd.DataFrame(rows).index) == 0:
        st.caption(t(empty))
        return None
    return st.dataframe(data, **{**kwargs, "column_config": fitted(
        data, kwargs.get("column_config"))})


def show_error(exc: ServiceError) -> None:
    """A service error in the user's language; field messages go next to their fields."""
    st.error(t(exc.key, **{k: md(v) for k, v in exc.params.items()}))


FormErrors = dict[str, dict[str, str]]


def remember_errors(form: str, exc: Invalid) -> None:
    """Keep a failed submit's field messages (plain values) for the rerun that shows them."""
    st.session_state[f"_errors_{form}"] = {
        "fields": dict(exc.fields), "params": {k: str(v) for k, v in exc.params.items()},
    }


def refused(form: str, exc: ServiceError) -> None:
    """A refused write: field messages go under their fields on the rerun this starts (what
    was typed stays in the widgets); any other refusal is shown here."""
    if isinstance(exc, Invalid) and exc.fields:
        remember_errors(form, exc)
        st.rerun()
    show_error(exc)


def pop_errors(form: str) -> FormErrors:
    return st.session_state.pop(f"_errors_{form}", None) or {"fields": {}, "params": {}}


def field_error(errors: FormErrors, field: str) -> None:
    """Under a form field: the message for that field, if the last submit found one."""
    key = errors["fields"].get(field)
    if key:
        st.error(t(key, **{k: md(v) for k, v in errors["params"].items()}),
                 icon=":material/error:")


@st.cache_data(ttl=60, show_spinner=False)
def _demo_flag(database_url: str) -> bool:
    """Whether demo data is loaded: the same answer for every user of one database."""
    del database_url  # the cache key
    with db_session() as s:
        return system.demo_loaded(s)


def sidebar(actor: Actor) -> None:
    from ui.auth import sign_out

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
