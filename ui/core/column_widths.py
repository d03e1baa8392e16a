"""Column widths for st.dataframe from every row's text, not only the first rows'.

The grid sizes a column by measuring its first rows, so a longer text further down is
clipped at the column's edge without a mark ("below minimu", "Changzhen"): a text column
gets the width of its longest text here instead.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

EM = 14  # the grid's font size, in px
PADDING = 18  # 8 px each side of a cell, and a pixel each for rounding
NARROW = frozenset(" .,:;'!|()[]{}-/fijlrtI")  # about a third of an em
WIDE = frozenset("mwMW%@—")  # about four fifths of an em
# The widest a column grows: free text (a description, an address typed at length) beyond it
# shows its start, and picking the row shows it whole; a wider column would push the table's
# other columns out of sight.
MAX_PX = 800


def char_px(ch: str) -> float:
    """A little more than the width of `ch` in the grid's font (Source Sans at 14 px), and a
    full em for a Chinese character, as the reader's CJK font draws it."""
    if ch in NARROW:
        return 5.0
    if ch in WIDE:
        return 12.0
    if ch.isascii():
        return 9.5 if ch.isupper() else 8.0
    return float(EM) if unicodedata.east_asian_width(ch) in ("W", "F") else 9.0


def text_px(text: str) -> int:
    """The room `text` takes in a cell, padding included."""
    return round(sum(char_px(ch) for ch in text)) + PADDING


def fitted(data: Any, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`config` (an st.dataframe column_config) with a width for each text column that holds
    its header and its longest text; a column `config` names already is left as it is."""
    frame = pd.DataFrame(data.data if isinstance(data, Styler) else data)
    out = dict(config or {})
    for name in frame.columns:
        texts = frame[name].dropna().tolist()
        if name in out or not texts or not all(isinstance(v, str) for v in texts):
            continue
        out[name] = st.column_config.Column(
            width=min(MAX_PX, max(text_px(str(name)), *(text_px(v) for v in texts))))
    return out
