"""The incidents and disputes views of the statistics page."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from services.actor import Actor
from services.clock import local_today
from services.stats import disputes, fmt, incidents
from services.stats.periods import Period
from ui import charts
from ui.bridge import db_session
from ui.i18n import label, lang, t
from ui.stats_controls import draw, table

Scope = Sequence[int] | None


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
    totals = trend.groupby(["year", "month"], as_index=False)["count"].sum()
    totals = totals.rename(columns={"year": "series", "count": "value"})
    totals["series"] = totals["series"].astype(str)
    draw(right, charts.trend_lines(
        totals, title=t("stats.chart.trend", first=period.last.year - 1, last=period.last.year,
                       through=period.last),
        x_title=t("stats.col.month"), y_title=t("stats.col.incidents")))
    _ranking(ranking, period)
    places = places.assign(community=_name_col(places), station=_name_col(places, "station"),
                           category=[t(f"stats.cat.{c}") for c in places["category"]])
    places["pct"] = places["pct"].astype(object).where(places["pct"].notna(), None)
    st.subheader(t("stats.table.incidents_by_community"))
    table(places[["community", "station", "category", "this", "before", "diff", "pct",
                  "small_base"]], "incidents_by_community")


def _ranking(ranking: pd.DataFrame, period: Period) -> None:
    ranked = ranking[ranking["ranked"]]
    chart = pd.DataFrame({"label": _name_col(ranked), "value": ranked["rate_per_1000"],
                          "detail": [t("stats.rank_detail", count=c, population=p)
                                     for c, p in zip(ranked["count"], ranked["population"],
                                                     strict=True)]})
    draw(st, charts.ranked_bars(
        chart.head(30), title=t("stats.chart.ranking", period=period.label()),
        x_title=t("stats.col.rate_per_1000"), y_title=t("stats.col.community"),
        value_format=".2f"))
    unranked = len(ranking) - len(ranked)
    if unranked:
        st.caption(t("stats.unranked", n=unranked, min=incidents.RANK_MIN_COUNT))


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
