"""Tables of figures as readers expect them: counts grouped (15,111), fractions to their
decimals (195.3), ids plain, a dash where there is no figure. The rule per column is
services.stats.fmt.column_decimals; the numbers stay numbers (a header click sorts them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from services.stats import fmt
from ui.core.column_widths import fitted


def number_columns(frame: pd.DataFrame,
                   headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """column_config for the numeric columns of `frame` (shown under `headers`): grouped in
    the reader's locale, with fmt's decimals."""
    config: dict[str, Any] = {}
    for column, decimals in fmt.column_decimals(frame).items():
        name = (headers or {}).get(column, column)
        if decimals is None:
            config[name] = st.column_config.NumberColumn(format="plain")
        else:
            config[name] = st.column_config.NumberColumn(
                format="localized", step=1 if decimals == 0 else 10 ** -decimals)
    return config


def figures(frame: pd.DataFrame, *, key: str, headers: Mapping[str, str] | None = None,
            **options: Any) -> Any:
    """st.dataframe of a table of figures, its columns renamed to `headers`, its text
    columns as wide as their longest text (ui.core.column_widths)."""
    shown = frame.rename(columns=dict(headers)) if headers else frame
    return st.dataframe(shown, hide_index=True, key=key, placeholder=fmt.DASH,
                        column_config=fitted(shown, number_columns(frame, headers)), **options)
