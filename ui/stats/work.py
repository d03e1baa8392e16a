"""The leads, officers' time and teams views of the statistics page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from services.core.actor import Actor
from services.stats import fmt, leads, presence, teams
from services.stats.periods import Period
from ui.core.bridge import db_session
from ui.core.i18n import label, lang, t
from ui.core.places import place
from ui.stats import charts
from ui.stats.controls import draw, table

Scope = Sequence[int] | None
MEMBERS_SHOWN = 2000  # per_member's limit: the most active first, the caption says of how many


def leads_view(actor: Actor, period: Period, communities: Scope) -> None:
    with db_session() as s:
        h, volumes = leads.lead_report(s, actor=actor, period=period, communities=communities)
    _handling(h)
    left, right = st.columns(2)
    cats = pd.DataFrame({"label": [label("stats.lead_cat", c)
                                   for c in volumes.by_category["category"]],
                         "value": volumes.by_category["leads"]})
    draw(left, charts.ranked_bars(
        cats, title=t("stats.chart.lead_categories", period=period.label()),
        x_title=t("stats.col.leads"), y_title=t("stats.col.category")))
    levels = pd.DataFrame({"label": [t(f"stats.level.{k}") for k in h.closed_by_level],
                           "value": list(h.closed_by_level.values())})
    draw(right, charts.simple_bars(
        levels, title=t("stats.chart.closed_levels", period=period.label()),
        x_title=t("stats.col.level"), y_title=t("stats.col.leads")))
    _volumes(volumes)


def _handling(h: leads.LeadHandling) -> None:
    cols = st.columns(4)
    cols[0].metric(t("stats.leads.created"), f"{h.created:,}")
    cols[1].metric(t("stats.leads.escalated"), f"{h.escalated:,}",
                   help=fmt.rate(h.escalated_pct))
    cols[2].metric(t("stats.leads.closed_in_grid"), fmt.rate(h.closed_in_grid),
                   help=t("stats.leads.closed_help", n=h.closed))
    cols[3].metric(t("stats.leads.closed_in_community"), fmt.rate(h.closed_in_community),
                   help=t("stats.leads.closed_help", n=h.closed))
    times = pd.DataFrame([
        (t(f"stats.leads.{name}"), d.n, fmt.duration(d.median_s, t), fmt.duration(d.p90_s, t))
        for name, d in (("dispatch", h.dispatch), ("accept", h.accept), ("to_scene", h.to_scene),
                        ("resolve", h.resolve))],
        columns=["measure", "leads", "median", "p90"])
    deadlines = pd.DataFrame([
        (t("stats.leads.accept_deadline"), h.accept_base, h.accept_on_time,
         h.accept_on_time_pct),
        (t("stats.leads.resolve_deadline"), h.resolve_base, h.resolve_on_time,
         h.resolve_on_time_pct)], columns=["measure", "leads", "on_time", "share"])
    left, right = st.columns(2)
    with left:
        table(times, "lead_times")
    with right:
        table(deadlines, "lead_deadlines")
    if h.closed < 10 or h.created < 10:
        st.caption(t("stats.small_base_note"))


def _volumes(volumes: leads.LeadVolumes) -> None:
    by_place, by_team = volumes.by_community, volumes.by_team
    names = [place(n, e or "") for n, e in zip(by_place["name"], by_place["name_en"], strict=True)]
    st.subheader(t("stats.table.leads_by_community"))
    table(by_place.assign(community=names)[["community", "leads", "share"]],
          "leads_by_community")
    st.subheader(t("stats.table.leads_by_team"))
    by_team = by_team.assign(team=by_team["team"].fillna(t("stats.no_team")),
                             kind=[label("stats.team_kind", k) if isinstance(k, str) else ""
                                   for k in by_team["kind"]])
    table(by_team[["team", "kind", "leads", "share"]], "leads_by_team")


def presence_view(actor: Actor, today: date, communities: Scope) -> None:
    default = date(today.year if today > date(today.year, 7, 1) else today.year - 1, 7, 1)
    split = st.date_input(t("stats.presence.split"), value=default,
                          max_value=today - timedelta(days=1),
                          format="YYYY-MM-DD", key="stats_split")
    with db_session() as s:
        change = presence.hours_change(s, actor=actor, today=today, split=split,
                                       communities=communities)
        per = presence.per_officer(s, actor=actor, today=today, split=split,
                                   communities=communities)
    b, a = change.before, change.after
    cols = st.columns(3)
    cols[0].metric(t("stats.presence.before", first=b.first, end=b.end),
                   fmt.hours(change.per_week_before, t))
    after = change.per_week_after
    cols[1].metric(t("stats.presence.after", first=a.first, end=a.end), fmt.hours(after, t),
                   delta=None if after is None or change.per_week_before is None
                   else f"{after - change.per_week_before:+.1f}")
    cols[2].metric(t("stats.presence.below"), f"{int(per['below_target'].sum())}/{len(per)}",
                   help=t("stats.presence.target", target=presence.TARGET_HOURS))
    bars = pd.DataFrame({"label": per["name"] + " " + per["badge_no"],
                         "value": per["per_week_after"], "below": per["below_target"]})
    draw(st, charts.bars_with_target(
        bars, target=presence.TARGET_HOURS,
        title=t("stats.chart.hours", first=a.first, end=a.end),
        x_title=t("stats.col.per_week_after"), y_title=t("stats.col.officer")))
    table(per.drop(columns=["officer_id"]), "officer_hours")


def teams_view(actor: Actor, period: Period, communities: Scope) -> None:
    with db_session() as s:
        per = teams.per_team(s, actor=actor, period=period, communities=communities)
    per = per.assign(kind_label=[label("stats.team_kind", k) for k in per["kind"]])
    if lang() == "en":
        per["community"] = per["community_en"].where(per["community_en"] != "", per["community"])
    st.caption(t("stats.teams.caption", period=period.label()))
    table(per[["community", "team", "kind_label", "active_members", "leads_reported",
               "tasks_claimed"]].rename(columns={"kind_label": "kind"}), "teams", height=360)
    options = {int(r.team_id): f"{r.community} · {r.team}" for r in per.itertuples()}
    team_id = st.selectbox(t("stats.teams.pick"), [None, *options], key="stats_team",
                           format_func=lambda i: t("stats.teams.all") if i is None
                           else options[i])
    with db_session() as s:
        members = teams.per_member(s, actor=actor, period=period, team_id=team_id,
                                   communities=communities, limit=MEMBERS_SHOWN)
        total = teams.member_rows(s, actor=actor, team_id=team_id, communities=communities) \
            if len(members) >= MEMBERS_SHOWN else len(members)
    members["kind"] = [label("stats.team_kind", k) for k in members["kind"]]
    table(members.drop(columns=["member_id"]), "members", height=360)
    cut = fmt.shown_of(len(members), total, t, "stats.cut.members")
    if cut:
        st.caption(cut)
