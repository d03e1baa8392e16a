"""Statistics page controls: the period chooser, the scope filter and the download buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from db.engine import session_scope
from services.core import audit
from services.core.actor import Actor
from services.core.errors import Invalid, ServiceError
from services.stats.briefing import weekly_briefing
from services.stats.export import csv_bytes, labelled, xlsx_bytes
from services.stats.periods import PRESETS, Period, period_for
from ui.core.bridge import engine
from ui.core.i18n import lang, t, translate
from ui.core.markdown import md
from ui.core.places import place
from ui.stats.charts import total_height
from ui.stats.figures import figures


def place_name(row: pd.Series) -> str:
    return place(str(row["name"]), str(row["name_en"] or ""))


def period_chooser(today: date) -> Period:
    """Preset (since July first), or a start date, or a range; stops the page if it is wrong."""
    cols = st.columns([2, 3])
    preset = cols[0].selectbox(t("stats.period"), PRESETS, key="stats_preset",
                               format_func=lambda p: t(f"stats.preset.{p}"))
    first = last = None
    if preset == "since_date":
        first = cols[1].date_input(t("stats.since"), value=today - timedelta(days=30),
                                   max_value=today, format="YYYY-MM-DD", key="stats_since")
    elif preset == "custom":
        chosen = cols[1].date_input(t("stats.range"), value=(today - timedelta(days=30), today),
                                    max_value=today, format="YYYY-MM-DD", key="stats_range")
        if isinstance(chosen, tuple | list) and len(chosen) == 2:
            first, last = chosen
    try:
        period = period_for(preset, today, first=first, last=last)
    except Invalid as exc:
        st.error(t(next(iter(exc.fields.values()), exc.key)))
        st.stop()
    before = period.year_before()
    st.caption(t("stats.period_caption", period=period.label(), before=before.label()))
    return period


def scope_filter(places: pd.DataFrame) -> tuple[list[int] | None, str]:
    """Narrow the actor's scope to a station or some communities; returns ids and a label."""
    if places.empty:
        return None, t("stats.scope_all")
    stations = places.drop_duplicates("station_id")
    names = {int(r.station_id): (r.station_en or r.station) if lang() == "en" else r.station
             for r in stations.itertuples()}
    cols = st.columns([2, 3])
    station = cols[0].selectbox(t("stats.station"), [None, *names], key="stats_station",
                                format_func=lambda s: t("stats.scope_all") if s is None
                                else names[s])
    pool = places if station is None else places[places["station_id"] == station]
    labels = {int(r["community_id"]): place_name(r) for _, r in pool.iterrows()}
    chosen = cols[1].multiselect(t("stats.communities"), list(labels), key="stats_communities",
                                 format_func=lambda c: labels.get(c, str(c)),
                                 placeholder=t("stats.communities_all"))
    chosen = [c for c in chosen if c in labels]
    if chosen:
        return chosen, "、".join(labels[c] for c in chosen[:5]) + ("…" if len(chosen) > 5 else "")
    if station is not None:
        return list(labels), names[station]
    return None, t("stats.scope_all")


def show_problem(exc: ServiceError) -> None:
    """A service error in the user's language; for bad input, what to change."""
    fields = getattr(exc, "fields", None) or {}
    params = {k: md(v) for k, v in exc.params.items()}
    st.error(t(next(iter(fields.values()))) if fields else t(exc.key, **params))


def table(frame: pd.DataFrame, name: str, *, height: int | None = None) -> None:
    """A table with translated headers, its figures written as readers expect (ui.stats.figures),
    and CSV and Excel downloads of exactly what it shows (numbers kept as numbers)."""
    shown = labelled(frame, t)
    figures(frame, key=f"stats_table_{name}", height=height or "auto",
            headers=dict(zip(frame.columns, shown.columns, strict=True)))
    downloads(name, lambda: {t(f"stats.table.{name}"): shown})


def audited(actor: Actor, what: str, fmt: str,
            build: Callable[[], tuple[bytes | str, int]]) -> Callable[[], bytes | str]:
    """A download built when clicked, recorded in the audit trail as an export (who, what,
    how many rows, which format) in the same moment: figures leave the building too."""
    eng = engine()

    def run() -> bytes | str:
        data, rows = build()
        with session_scope(eng, write=True) as s:
            audit.exported(s, actor=actor, what=what, rows=rows, fmt=fmt)
        return data

    return run


def downloads(name: str, frames: Callable[[], dict[str, pd.DataFrame]]) -> None:
    """CSV (the first table) and Excel (every table), built only when clicked, audited."""
    # The actor the page's guard checked at the start of this run (ui.shell.auth keeps it in the
    # session state); checking the sign-in session again cost one query per table.
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):  # signed out meanwhile: nothing to download
        return

    def first() -> tuple[bytes, int]:
        frame = next(iter(frames().values()))
        return csv_bytes(frame), len(frame)

    def every() -> tuple[bytes, int]:
        tables = frames()
        return xlsx_bytes(tables), sum(len(f) for f in tables.values())

    row = st.container(horizontal=True)  # each button as wide as its words: columns cut them
    row.download_button(t("common.download_csv"), audited(actor, f"stats.{name}", "csv", first),
                        file_name=f"{name}.csv", mime="text/csv", key=f"stats_csv_{name}",
                        on_click="ignore", icon=":material/download:")
    row.download_button(t("common.download_xlsx"), audited(actor, f"stats.{name}", "xlsx", every),
                        file_name=f"{name}.xlsx", key=f"stats_xlsx_{name}",
                        on_click="ignore", icon=":material/download:",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def briefing_button(actor: Actor, today: date, communities: list[int] | None,
                    scope_label: str) -> None:
    """The weekly briefing as one printable HTML page, built when clicked, in the UI language."""
    eng, language = engine(), lang()

    def build() -> tuple[str, int]:
        with session_scope(eng) as s:
            return weekly_briefing(s, actor=actor, today=today, communities=communities,
                                   scope_label=scope_label,
                                   text=lambda key, **p: translate(language, key, **p)), 1

    st.download_button(t("stats.briefing.download"),
                       audited(actor, "stats.briefing", "html", build), key="stats_briefing",
                       file_name=f"briefing-{today:%Y%m%d}-{language}.html", mime="text/html",
                       on_click="ignore", icon=":material/print:",
                       help=t("stats.briefing.help"))


def draw(where: Any, chart: alt.Chart | alt.LayerChart) -> None:
    """A chart at its full height (Streamlit squeezes it otherwise)."""
    where.altair_chart(chart, height=total_height(chart))
