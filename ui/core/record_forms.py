"""Shared pieces of the record forms (files, disputes, presence): one write per submit, a
flash message for the rerun, and a small editor for the people named in a record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from services.core.errors import Invalid, ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.widgets import remember_errors, show_error

FLASH = "record_flash"
PEOPLE_COLUMNS = ("name", "relation", "id_number", "phone")


def show_flash() -> None:
    """The message the last successful write left for this rerun."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def run(form: str, action: Callable[[Any], Any], flash: str) -> None:
    """One write in its own transaction; field errors are shown under their fields."""
    try:
        with db_session(write=True) as s:
            action(s)
    except Invalid as exc:
        if exc.fields:
            remember_errors(form, exc)
            st.rerun()
        show_error(exc)
    except ServiceError as exc:
        show_error(exc)
    else:
        st.session_state[FLASH] = flash
        st.rerun()


def people_editor(key: str, prefix: str) -> list[dict[str, Any]]:
    """A small table of people (name, relation, ID number, phone); empty lines are ignored."""
    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in PEOPLE_COLUMNS})
    edited = st.data_editor(empty, num_rows="dynamic", hide_index=True, key=key,
                            column_config={c: st.column_config.TextColumn(t(f"{prefix}.{c}"))
                                           for c in PEOPLE_COLUMNS}, width="stretch")
    return [{c: ("" if pd.isna(r.get(c)) else str(r.get(c))) for c in PEOPLE_COLUMNS}
            for r in edited.to_dict("records")]
