"""Place names as the user's language shows them: Chinese, or in English the pinyin alone.

One function for every page: districts, sub-districts, stations, police offices and
communities carry an English (pinyin) name; in English that name is shown, without the
Chinese, and a place without one keeps its Chinese name. Names of people, teams, units and
grids are what people called them, and are shown as they were written.
"""

from __future__ import annotations

import streamlit as st

from services.core import places
from ui.core.bridge import db_session, settings
from ui.core.i18n import lang


@st.cache_data(ttl=600, show_spinner=False)
def _english(url: str) -> dict[str, str]:  # the same for every user: not scoped data
    with db_session() as s:
        return places.english_names(s)


def place(name: str | None, name_en: str | None = None, *, language: str | None = None) -> str:
    """The name of a place as shown in `language` (the user's by default). Pass `name_en`
    when the row carries it ("" for none); without it, it is looked up by the Chinese name."""
    if not name or (language or lang()) != "en":
        return name or ""
    if name_en is None:
        return _english(settings().database_url).get(name, name)
    return name_en or name
