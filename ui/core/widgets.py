"""Small shared widgets: tables that say when they are empty, error display by form field."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from services.core.errors import Invalid, ServiceError
from ui.core.column_widths import fitted
from ui.core.i18n import t
from ui.core.markdown import md


def table(data: Any, *, empty: str, **kwargs: Any) -> Any:
    """st.dataframe, or the sentence `empty` names when there is no row: Streamlit draws an
    empty table as a grey grid that reads 'empty', in English. Text columns are as wide as
    their longest text (ui.core.column_widths)."""
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
