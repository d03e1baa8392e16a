"""How figures are written, shared by every page, table and the printable briefing.

Counts are grouped (15,111), hours and rates have one decimal (195.3), a missing figure is a
dash, never None or nan; ids and codes are written as they are.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from services.stats.common import Change

Text = Callable[..., str]
DASH = "—"
DECIMALS = {"rate_per_1000": 2, "rank": 0}  # columns that read better with other decimals


def missing(value: Any) -> bool:
    """None, nan, NaT or pandas' NA: a figure that does not exist."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def number(value: Any, decimals: int = 0) -> str:
    """15111 -> '15,111'; 195.3053 with one decimal -> '195.3'; missing -> '—'."""
    if missing(value):
        return DASH
    return f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,}"


def cell(value: Any, decimals: int = 1) -> str:
    """Any table cell: counts grouped, fractions to `decimals`, missing as a dash."""
    if missing(value):
        return DASH
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int):
        return number(value)
    if isinstance(value, float):
        return number(value, decimals)
    return str(value)


def column_decimals(frame: pd.DataFrame) -> dict[str, int | None]:
    """How a table's figures are written, by column (untranslated name) and type: counts
    with no decimals, fractions with one (DECIMALS for the few that need other), ids as
    they are (None); text and ticks are left out. Every table of figures follows this."""
    out: dict[str, int | None] = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column.dtype):
            continue
        if name == "id" or str(name).endswith("_id"):
            out[name] = None
        elif pd.api.types.is_integer_dtype(column.dtype):
            out[name] = 0
        elif pd.api.types.is_float_dtype(column.dtype) or _numbers(column):
            out[name] = DECIMALS.get(str(name), 1)
    return out


def _numbers(column: pd.Series) -> bool:
    """An object column holding numbers and gaps (a change with no base: None)."""
    values = [v for v in column if not missing(v)]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool)
                                for v in values)


def shown_of(shown: int, total: int, text: Text, key: str) -> str:
    """`key`'s sentence ('30 shown of 78') where a list is cut; '' where all of it is shown."""
    if shown >= total:
        return ""
    return text(key, shown=number(shown), total=number(total))


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value:+.1f} %"


def rate(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f} %"


def points(value: float | None, text: Text) -> str:
    return DASH if value is None else text("stats.fmt.points", value=f"{value:+.1f}")


def change(c: Change, text: Text) -> str:
    """'−31.9 %', or the counts alone with a small-base flag when the base is under 10."""
    if c.pct is None:
        return text("stats.fmt.small_base", this=number(c.this), before=number(c.before))
    return pct(c.pct)


def hours(value: float | None, text: Text) -> str:
    return DASH if value is None else text("stats.fmt.hours", value=number(value, 1))


def duration(seconds: float | None, text: Text) -> str:
    """Seconds, minutes or hours, whichever reads best."""
    if seconds is None:
        return DASH
    if seconds < 120:  # dispatch takes well under a second: one decimal shows it
        return text("stats.fmt.seconds", value=f"{seconds:.1f}")
    if seconds < 7200:
        return text("stats.fmt.minutes", value=f"{seconds / 60:.0f}")
    return text("stats.fmt.hours_short", value=number(seconds / 3600, 1))
