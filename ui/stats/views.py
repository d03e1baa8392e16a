"""The incidents and disputes views of the statistics page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from services.core.actor import Actor
from services.core.clock import local_today
from services.stats import disputes, fmt, incidents
from services.stats.periods import Period
from ui.core.bridge import db_session
from ui.core.i18n import label, lang, t
from ui.core.markdown import md
from ui.stats import charts
from ui.stats.controls import draw, table

Scope = Sequence[int] | None
RANK_SHOWN = 30  # bars in the per-1,000-residents ranking; the caption says of how many


def _name_col(frame: pd.DataFrame, col: str = "name") -> pd.Series:
    if lang() == "en" and f"{col}_en" in frame.columns:
        return frame[f"{col}_en"].where(frame[f"{col}_en"] != "", frame[col])
    return frame[col]


def incidents_view(actor: Actor, period: Period, communities: Scope) -> None:
    with db_session() as s:
        comp = incidents.compare_incidents(s, actor=actor, period=period, communities=communities)
        places = incidents.incidents_by_community(s, actor=actor, period=period,
                                                  communities=communities)
        ranking = incidents.community_ranking(s, actor=actor, period=period,
                                              communities=communities)
        trend = incidents.monthly_trend(s, actor=actor, through=period.last,
                                        communities=communities)
    cols = st.columns(len(comp.by_category) + 1)
    for col, (cat, change) in zip(cols, [*comp.by_category.items(), ("total", comp.total)],
                                  strict=True):
        col.metric(t(f"stats.cat.{cat}"), f"{change.this:,}",
                   delta=None if change.pct is None else fmt.pct(change.pct),
                   delta_color="inverse", help=t("stats.before_help", before=change.before))
        if change.small_base:
            col.caption(t("stats.fmt.small_base", this=change.this, before=change.before))
    bars = pd.DataFrame(
        [(t(f"stats.cat.{c}"), t("stats.series.this", period=period.label()), v.this)
         for c, v in comp.by_category.items()]
        + [(t(f"stats.cat.{c}"), t("stats.series.before", period=comp.before.label()), v.before)
           for c, v in comp.by_category.items()], columns=["label", "series", "value"])
    left, right = st.columns(2)
    draw(left, charts.grouped_bars(
        bars, title=t("stats.chart.incidents", period=period.label()),
        x_title=t("stats.col.category"), y_title=t("stats.col.incidents")))
    _trend(right, trend, period)
    _ranking(ranking, period)
    places = places.assign(community=_name_col(places), station=_name_col(places, "station"),
                           category=[t(f"stats.cat.{c}") for c in places["category"]])
    places["pct"] = places["pct"].astype(object).where(places["pct"].notna(), None)
    st.subheader(t("stats.table.incidents_by_community"))
    table(places[["community", "station", "category", "this", "before", "diff", "pct",
                  "small_base"]], "incidents_by_community")


def _trend(where: Any, trend: pd.DataFrame, period: Period) -> None:
    """The monthly lines; a month not over yet is a hollow point apart, and said so."""
    through = period.last
    totals = incidents.trend_totals(trend, through).rename(
        columns={"year": "series", "count": "value"})
    totals["series"] = totals["series"].astype(str)
    draw(where, charts.trend_lines(
        totals, title=t("stats.chart.trend", first=through.year - 1, last=through.year,
                        through=through),
        x_title=t("stats.col.month"), y_title=t("stats.col.incidents"),
        partial_label=t("stats.trend.partial_point", through=f"{through:%m-%d}")))
    if totals["partial"].any():
        where.caption(t("stats.trend.partial", n=through.day,
                        first=through.replace(day=1), through=through))


def _ranking(ranking: pd.DataFrame, period: Period) -> None:
    """Incidents per 1,000 residents: the top RANK_SHOWN bars, saying how many of how many
    are shown and why some are not ranked; no ranking of fewer than two communities."""
    if ranking.empty:
        return
    ranked = ranking[ranking["ranked"]]
    unranked = len(ranking) - len(ranked)
    if len(ranking) == 1:
        st.caption(_single(ranking.iloc[0]))
        return
    if len(ranked) < 2:
        st.caption(t("stats.rank.too_few", n=len(ranked), total=len(ranking),
                     min=incidents.RANK_MIN_COUNT))
        return
    top = ranked.head(RANK_SHOWN)
    chart = pd.DataFrame({"label": _name_col(top), "value": top["rate_per_1000"],
                          "detail": [t("stats.rank_detail", count=fmt.number(c),
                                       population=fmt.number(p))
                                     for c, p in zip(top["count"], top["population"],
                                                     strict=True)]})
    draw(st, charts.ranked_bars(
        chart, title=t("stats.chart.ranking", period=period.label()),
        x_title=t("stats.col.rate_per_1000"), y_title=t("stats.col.community"),
        value_format=".2f"))
    st.caption(t("stats.rank.top", shown=len(top), ranked=fmt.number(len(ranked)))
               if len(top) < len(ranked) else t("stats.rank.all", n=len(ranked)))
    if unranked:
        st.caption(t("stats.unranked", n=unranked, min=incidents.RANK_MIN_COUNT))


def _single(row: pd.Series) -> str:
    """The one community of the scope: its own figure, no ranking of one."""
    name = _name_col(row.to_frame().T).iloc[0]
    if fmt.missing(row["rate_per_1000"]):
        return t("stats.rank.single_no_population", community=md(name), count=fmt.number(
            row["count"]))
    return t("stats.rank.single", community=md(name), rate=fmt.number(row["rate_per_1000"], 2),
             count=fmt.number(row["count"]), population=fmt.number(row["population"]))


def disputes_view(actor: Actor, period: Period, communities: Scope) -> None:
    with db_session() as s:
        res = disputes.resolution_change(s, actor=actor, period=period, communities=communities)
        kinds = disputes.resolution_by_kind(s, actor=actor, period=period,
                                            communities=communities)
        ages = disputes.open_by_age(s, actor=actor, communities=communities)
        back = disputes.came_back(s, actor=actor, period=period, communities=communities)
    cols = st.columns(4)
    cols[0].metric(t("stats.disputes.rate"), fmt.rate(res.this.rate),
                   delta=None if res.points is None else fmt.points(res.points, t),
                   help=t("stats.disputes.rate_help", before=fmt.rate(res.before.rate)))
    cols[1].metric(t("stats.disputes.reported"), f"{res.this.reported:,}")
    cols[2].metric(t("stats.disputes.resolved"), f"{res.this.resolved:,}")
    cols[3].metric(t("stats.disputes.came_back"), f"{back.came_back:,}",
                   help=t("stats.disputes.came_back_help"))
    if res.points is None:
        st.caption(t("stats.small_base_note"))
    left, right = st.columns(2)
    age_frame = pd.DataFrame({"label": [t(f"stats.age.{a}") for a in ages["age"]],
                              "value": ages["open"]})
    draw(left, charts.simple_bars(
        age_frame, title=t("stats.chart.open_disputes", day=local_today()),
        x_title=t("stats.col.age"), y_title=t("stats.col.open")))
    kind_frame = pd.DataFrame({"label": [label("stats.kind", k) for k in kinds["kind"]],
                               "value": kinds["reported"]})
    draw(right, charts.ranked_bars(
        kind_frame, title=t("stats.chart.dispute_kinds", period=period.label()),
        x_title=t("stats.col.reported"), y_title=t("stats.col.kind")))
    kinds = kinds.assign(kind=[label("stats.kind", k) for k in kinds["kind"]])
    table(kinds, "disputes_by_kind")
    st.subheader(t("stats.table.came_back"))
    pairs = back.pairs.assign(reason=[t(f"stats.reason.{r}") for r in back.pairs["reason"]])
    sep = ", " if lang() == "en" else "、"  # one line per pair, with every reason it matched
    pairs = pairs.groupby(["dispute_id", "earlier_id"], as_index=False).agg(
        reason=("reason", sep.join))
    table(pairs, "came_back")
    cut = fmt.shown_of(pairs["dispute_id"].nunique(), back.came_back, t, "stats.cut.came_back")
    if cut:
        st.caption(cut)
