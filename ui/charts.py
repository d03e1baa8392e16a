"""Pure chart builders: a small DataFrame in, an Altair chart out (Streamlit draws it offline).

Every builder takes the title (with the period in it) and the translated axis names; the
numbers are one hover away through tooltips.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

HEIGHT = 280


def _title(text: str) -> alt.TitleParams:
    return alt.TitleParams(text, anchor="start", fontSize=14)


def grouped_bars(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> alt.Chart:
    """Columns label, series, value: one group of bars per label (this period, year before)."""
    return alt.Chart(frame, title=_title(title), height=HEIGHT).mark_bar().encode(
        x=alt.X("label:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=None),
        y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", title=None, sort=None,
                        legend=alt.Legend(orient="top", labelLimit=400)),
        tooltip=[alt.Tooltip("label:N", title=x_title), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("value:Q", title=y_title, format=",")],
    )


def trend_lines(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str,
                partial_label: str = "") -> alt.Chart | alt.LayerChart:
    """Columns month (1–12), series (e.g. the year), value, and optionally partial (bool):
    one line per series; a partial month (not over yet) is a hollow point off the line,
    labelled `partial_label`, so its few days never read as a month's fall."""
    whole = frame[~frame["partial"]] if "partial" in frame.columns else frame
    colour = alt.Color("series:N", title=None, sort=None,
                       legend=alt.Legend(orient="top", labelLimit=400))
    x = alt.X("month:O", title=x_title, axis=alt.Axis(labelAngle=0))
    tips = [alt.Tooltip("series:N", title=" "), alt.Tooltip("month:O", title=x_title),
            alt.Tooltip("value:Q", title=y_title, format=",")]
    lines = alt.Chart(whole, height=HEIGHT).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=y_title), color=colour, tooltip=tips)
    if len(whole) == len(frame):
        return lines.properties(title=_title(title))
    part = frame[frame["partial"]].assign(note=partial_label)
    base = alt.Chart(part)
    point = base.mark_point(filled=False, size=90, strokeWidth=2).encode(
        x=x, y="value:Q", color=colour, tooltip=[*tips, alt.Tooltip("note:N", title=" ")])
    note = base.mark_text(dy=-12, fontSize=11).encode(x=x, y="value:Q", text="note:N")
    return alt.LayerChart(layer=[lines, point, note]).properties(title=_title(title))


def ranked_bars(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str,
                value_format: str = ",") -> alt.Chart:
    """Columns label, value (and optional detail): horizontal bars, largest first."""
    tips = [alt.Tooltip("label:N", title=y_title),
            alt.Tooltip("value:Q", title=x_title, format=value_format)]
    if "detail" in frame.columns:
        tips.append(alt.Tooltip("detail:N", title=" "))
    height = max(160, min(24 * len(frame), 900))
    return alt.Chart(frame, title=_title(title), height=height).mark_bar().encode(
        y=alt.Y("label:N", title=y_title, sort="-x"),
        x=alt.X("value:Q", title=x_title),
        tooltip=tips,
    )


def bars_with_target(frame: pd.DataFrame, *, target: float, title: str, x_title: str,
                     y_title: str) -> alt.LayerChart:
    """Columns label, value, below (bool): bars with a rule at the target, short ones marked."""
    height = max(160, min(20 * len(frame), 1400))
    base = alt.Chart(frame, height=height)
    bars = base.mark_bar().encode(
        y=alt.Y("label:N", title=y_title, sort="x"),
        x=alt.X("value:Q", title=x_title),
        color=alt.Color("below:N", legend=None,
                        scale=alt.Scale(domain=[True, False], range=["#d62728", "#4c78a8"])),
        tooltip=[alt.Tooltip("label:N", title=y_title),
                 alt.Tooltip("value:Q", title=x_title, format=".1f")],
    )
    rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(
        color="#333", strokeDash=[4, 4]).encode(x="target:Q")
    return alt.LayerChart(layer=[bars, rule]).properties(title=_title(title))


def simple_bars(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> alt.Chart:
    """Columns label, value: vertical bars in the given order."""
    return alt.Chart(frame, title=_title(title), height=HEIGHT).mark_bar().encode(
        x=alt.X("label:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=y_title),
        tooltip=[alt.Tooltip("label:N", title=x_title),
                 alt.Tooltip("value:Q", title=y_title, format=",")],
    )


def total_height(chart: alt.Chart | alt.LayerChart) -> int:
    """Plot height plus room for the title, legend and axes.

    Streamlit sizes a chart by its own `height` argument and squeezes the plot otherwise, so
    pages pass this to st.altair_chart.
    """
    inner = chart.layer[0].height if isinstance(chart, alt.LayerChart) else chart.height
    plot = inner if isinstance(inner, int) else HEIGHT
    return plot + 120
