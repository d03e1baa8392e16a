"""Pure chart builders: a small DataFrame in, an Altair chart out (Streamlit draws it offline).

Every builder takes the title (with the period in it) and the translated axis names; the
numbers are one hover away through tooltips. Every chart is drawn as SVG, so that its words
are page text (read by screen readers, found by the browser tests), never canvas pixels.
"""

from __future__ import annotations

from typing import TypeVar

import altair as alt
import pandas as pd

C = TypeVar("C", alt.Chart, alt.LayerChart)

HEIGHT = 280
# Room beyond the plot: a title of two lines, the legend, the axes and their titles.
CHROME = 140
# Pixels per bar where every bar carries a name: a 12 px label and the gap Streamlit's theme
# asks before it hides a label that would touch the next (labelOverlap).
BAND = 20
# The width a name on an axis may take before Vega cuts it with '…' (Streamlit's theme
# allows 100 px, which cut 'Suspicious persons/vehicles').
LABEL_LIMIT = 320


def _title(text: str) -> alt.TitleParams:
    """The title with its bracketed period on a line of its own: Streamlit cuts a title
    line wider than the chart with '…', and a half-width chart at 1280 px is 400 px."""
    cut = max(text.rfind("（"), text.rfind(" ("))
    if cut <= 0:
        return alt.TitleParams(text, anchor="start", fontSize=14)
    return alt.TitleParams(text[:cut].rstrip(), subtitle=text[cut:].lstrip(), anchor="start",
                           fontSize=14, subtitleFontSize=12)


def _finish(chart: C, title: str) -> C:
    """The title, and SVG rather than canvas (Streamlit picks canvas for large data)."""
    return chart.properties(title=_title(title), usermeta={"embedOptions": {"renderer": "svg"}})


def _names(title: str, *, across: bool = False) -> alt.Axis:
    """An axis of names or categories, each shown whole (`across`: written level, under
    vertical bars)."""
    if across:
        return alt.Axis(title=title, labelLimit=LABEL_LIMIT, labelAngle=0)
    return alt.Axis(title=title, labelLimit=LABEL_LIMIT)


def grouped_bars(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> alt.Chart:
    """Columns label, series, value: one group of bars per label (this period, year before)."""
    chart = alt.Chart(frame, height=HEIGHT).mark_bar().encode(
        x=alt.X("label:N", sort=None, axis=_names(x_title, across=True)),
        xOffset=alt.XOffset("series:N", sort=None),
        y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", title=None, sort=None,
                        legend=alt.Legend(orient="top", direction="vertical",
                                          labelLimit=LABEL_LIMIT)),
        tooltip=[alt.Tooltip("label:N", title=x_title), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("value:Q", title=y_title, format=",")],
    )
    return _finish(chart, title)


def trend_lines(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str,
                partial_label: str = "") -> alt.Chart | alt.LayerChart:
    """Columns month (1–12), series (e.g. the year), value, and optionally partial (bool):
    one line per series; a partial month (not over yet) is a hollow point off the line,
    labelled `partial_label`, so its few days never read as a month's fall."""
    whole = frame[~frame["partial"]] if "partial" in frame.columns else frame
    colour = alt.Color("series:N", title=None, sort=None,
                       legend=alt.Legend(orient="top", labelLimit=LABEL_LIMIT))
    x = alt.X("month:O", axis=_names(x_title, across=True))
    tips = [alt.Tooltip("series:N", title=" "), alt.Tooltip("month:O", title=x_title),
            alt.Tooltip("value:Q", title=y_title, format=",")]
    lines = alt.Chart(whole, height=HEIGHT).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=y_title), color=colour, tooltip=tips)
    if len(whole) == len(frame):
        return _finish(lines, title)
    part = frame[frame["partial"]].assign(note=partial_label)
    base = alt.Chart(part)
    point = base.mark_point(filled=False, size=90, strokeWidth=2).encode(
        x=x, y="value:Q", color=colour, tooltip=[*tips, alt.Tooltip("note:N", title=" ")])
    note = base.mark_text(dy=-12, fontSize=11).encode(x=x, y="value:Q", text="note:N")
    return _finish(alt.LayerChart(layer=[lines, point, note]), title)


def ranked_bars(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str,
                value_format: str = ",") -> alt.Chart:
    """Columns label, value (and optional detail): horizontal bars, largest first, every
    label shown (the callers choose how many bars)."""
    tips = [alt.Tooltip("label:N", title=y_title),
            alt.Tooltip("value:Q", title=x_title, format=value_format)]
    if "detail" in frame.columns:
        tips.append(alt.Tooltip("detail:N", title=" "))
    chart = alt.Chart(frame, height=max(160, (BAND + 4) * len(frame))).mark_bar().encode(
        y=alt.Y("label:N", sort="-x", axis=_names(y_title)),
        x=alt.X("value:Q", title=x_title),
        tooltip=tips,
    )
    return _finish(chart, title)


def bars_with_target(frame: pd.DataFrame, *, target: float, title: str, x_title: str,
                     y_title: str) -> alt.LayerChart:
    """Columns label, value, below (bool): bars with a rule at the target, short ones marked;
    as tall as it takes to name every bar (62 officers in 280 px showed every fourth name)."""
    base = alt.Chart(frame, height=max(160, BAND * len(frame)))
    bars = base.mark_bar().encode(
        y=alt.Y("label:N", sort="x", axis=_names(y_title)),
        x=alt.X("value:Q", title=x_title),
        color=alt.Color("below:N", legend=None,
                        scale=alt.Scale(domain=[True, False], range=["#d62728", "#4c78a8"])),
        tooltip=[alt.Tooltip("label:N", title=y_title),
                 alt.Tooltip("value:Q", title=x_title, format=".1f")],
    )
    rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(
        color="#333", strokeDash=[4, 4]).encode(x="target:Q")
    return _finish(alt.LayerChart(layer=[bars, rule]), title)


def simple_bars(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> alt.Chart:
    """Columns label, value: vertical bars in the given order."""
    chart = alt.Chart(frame, height=HEIGHT).mark_bar().encode(
        x=alt.X("label:N", sort=None, axis=_names(x_title, across=True)),
        y=alt.Y("value:Q", title=y_title),
        tooltip=[alt.Tooltip("label:N", title=x_title),
                 alt.Tooltip("value:Q", title=y_title, format=",")],
    )
    return _finish(chart, title)


def total_height(chart: alt.Chart | alt.LayerChart) -> int:
    """Plot height plus room for the title, legend and axes.

    Streamlit sizes a chart by its own `height` argument and squeezes the plot otherwise, so
    pages pass this to st.altair_chart. Altair lifts a layer's height onto the layer chart.
    """
    plot = chart.height if isinstance(chart.height, int) else HEIGHT
    return plot + CHROME
