"""The weekly briefing: headline figures, charts and tables on one printable HTML page."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from html import escape

import pandas as pd
from sqlalchemy.orm import Session

from services.core import clock, system
from services.core.actor import Actor, Perm, require
from services.stats import disputes, fmt, incidents, leads, presence, svg
from services.stats.fmt import Text
from services.stats.periods import Period, since_july

BY_COMMUNITY_SHOWN = 30  # rows of the by-community table; the page says of how many

STYLE = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;border-bottom:1px solid #999;margin:18px 0 6px}
.meta{color:#555;font-size:12px}.demo{border:1px solid #c90;padding:4px 8px;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ccc;padding:8px 12px;
min-width:150px}.card b{display:block;font-size:20px}.card span{font-size:12px;color:#555}
table{border-collapse:collapse;font-size:12px;margin:4px 0}td,th{border:1px solid #bbb;
padding:2px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
@media print{body{margin:8mm}h2{break-after:avoid}svg,table{break-inside:avoid}}"""


def _cards(items: list[tuple[str, str]]) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>'
        for k, v in items) + "</div>"


def _table(frame: pd.DataFrame, text: Text) -> str:
    head = "".join(f"<th>{escape(text(f'stats.col.{c}'))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _cell(v: object) -> str:
    return fmt.cell(v.item() if hasattr(v, "item") else v)  # numpy scalars as Python's


def _headline(session: Session, actor: Actor, today: date, text: Text,
              communities: Collection[int] | None) -> str:
    july = since_july(today)
    inc = incidents.compare_incidents(session, actor=actor, period=july, communities=communities)
    dis = disputes.resolution_change(session, actor=actor, period=july, communities=communities)
    items = [(text("stats.headline.criminal"), fmt.change(inc.by_category["criminal"], text)),
             (text("stats.headline.public_order"),
              fmt.change(inc.by_category["public_order"], text)),
             (text("stats.headline.dispute_rate"), fmt.points(dis.points, text))]
    if today > july.first:
        hrs = presence.hours_change(session, actor=actor, today=today, split=july.first,
                                    communities=communities)
        before, after = (fmt.hours(hrs.per_week_before, text),
                         fmt.hours(hrs.per_week_after, text))
        items.append((text("stats.headline.hours"), f"{before} → {after}"))
    return (f"<h2>{escape(text('stats.briefing.since_july', period=july.label()))}</h2>"
            + _cards(items))


def _week_incidents(session: Session, actor: Actor, week: Period, text: Text,
                    communities: Collection[int] | None) -> str:
    inc = incidents.compare_incidents(session, actor=actor, period=week, communities=communities)
    cats = list(inc.by_category)
    labels = [text(f"stats.cat.{c}") for c in cats]
    series = [text("stats.series.this", period=week.label()),
              text("stats.series.before", period=inc.before.label())]
    chart = svg.grouped_bars(text("stats.chart.incidents", period=week.label()), labels, series,
                             [[inc.by_category[c].this for c in cats],
                              [inc.by_category[c].before for c in cats]])
    table = pd.DataFrame({"category": labels, "this": [inc.by_category[c].this for c in cats],
                          "before": [inc.by_category[c].before for c in cats],
                          "change": [fmt.change(inc.by_category[c], text) for c in cats]})
    trend = incidents.monthly_trend(session, actor=actor, through=week.last,
                                    communities=communities)
    return chart + _table(table, text) + _trend_svg(trend, week.last, text)


def _trend_svg(trend: pd.DataFrame, last: date, text: Text) -> str:
    """The monthly lines; the month of `last`, not over yet, a hollow point apart, said so."""
    totals = incidents.trend_totals(trend, last)
    series, values = [], []
    for year in (last.year - 1, last.year):
        by_month = dict(zip(totals[totals["year"] == year]["month"],
                            totals[totals["year"] == year]["count"], strict=True))
        series.append(str(year))
        values.append([by_month.get(m) for m in range(1, 13)])
    title = text("stats.chart.trend", first=last.year - 1, last=last.year, through=last)
    if not totals["partial"].any():
        return svg.lines(title, [str(m) for m in range(1, 13)], series, values)
    chart = svg.lines(title, [str(m) for m in range(1, 13)], series, values,
                      apart=(1, last.month - 1),
                      apart_label=text("stats.trend.partial_point", through=f"{last:%m-%d}"))
    note = text("stats.trend.partial", n=last.day,
                first=last.replace(day=1), through=last)
    return chart + f'<p class="meta">{escape(note)}</p>'


def _week_work(session: Session, actor: Actor, week: Period, text: Text,
               communities: Collection[int] | None) -> str:
    lh = leads.lead_handling(session, actor=actor, period=week, communities=communities)
    dis = disputes.resolution_change(session, actor=actor, period=week, communities=communities)
    items = [(text("stats.leads.created"), fmt.number(lh.created)),
             (text("stats.leads.dispatch_median"), fmt.duration(lh.dispatch.median_s, text)),
             (text("stats.leads.accept_on_time"), fmt.rate(lh.accept_on_time_pct)),
             (text("stats.leads.closed_in_grid"), fmt.rate(lh.closed_in_grid)),
             (text("stats.leads.closed_in_community"), fmt.rate(lh.closed_in_community)),
             (text("stats.leads.escalated"), fmt.number(lh.escalated)),
             (text("stats.disputes.reported"), fmt.number(dis.this.reported)),
             (text("stats.disputes.rate"), fmt.rate(dis.this.rate))]
    ages = disputes.open_by_age(session, actor=actor, communities=communities)
    ages["age"] = [text(f"stats.age.{a}") for a in ages["age"]]
    return _cards(items) + _table(ages, text)


def briefing_week(today: date) -> Period:
    """The week the briefing reports: this week, Monday to today (so far, until Sunday)."""
    return Period(clock.week_start(today), today)


def _week_name(week: Period, text: Text) -> str:
    """'This week' on a Sunday, when it is whole; 'this week so far' before."""
    whole = week.last == week.first + timedelta(days=6)
    return text("stats.briefing.this_week" if whole else "stats.briefing.week_so_far")


def _by_community(places: pd.DataFrame, text: Text) -> str:
    """The communities with the most incidents this week, saying how many of how many."""
    cut = fmt.shown_of(min(len(places), BY_COMMUNITY_SHOWN), len(places), text,
                       "stats.cut.briefing_communities")
    return _table(places.head(BY_COMMUNITY_SHOWN), text) + (
        f'<p class="meta">{escape(cut)}</p>' if cut else "")


def weekly_briefing(session: Session, *, actor: Actor, text: Text, today: date | None = None,
                    scope_label: str = "", communities: Collection[int] | None = None) -> str:
    """This week so far (Monday to today, services.core.clock's week) against the same days a
    year before, and the headline figures since July, for the scope."""
    require(actor, Perm.VIEW_STATS)
    today = today or clock.local_today()
    week = briefing_week(today)
    name = _week_name(week, text)
    by_place = incidents.incidents_by_community(session, actor=actor, period=week,
                                                communities=communities)
    if text("stats.lang") == "en":
        by_place["name"] = by_place["name_en"].where(by_place["name_en"] != "", by_place["name"])
    places = by_place.groupby("name", as_index=False)[["this", "before"]].sum()
    places = places.rename(columns={"name": "community"}).sort_values("this", ascending=False)
    demo = system.demo_loaded(session)
    meta = text("stats.briefing.meta", scope=scope_label, week=name, period=week.label(),
                at=clock.local(clock.now()))
    def h2(key: str) -> str:
        return f"<h2>{escape(text(key, week=name, period=week.label()))}</h2>"

    parts = [f"<h1>{escape(text('stats.briefing.title'))}</h1>",
             f'<p class="meta">{escape(meta)}</p>',
             f'<p class="demo">{escape(text("app.demo_banner"))}</p>' if demo else "",
             _headline(session, actor, today, text, communities),
             h2("stats.briefing.week_incidents"),
             _week_incidents(session, actor, week, text, communities),
             h2("stats.briefing.week_work"),
             _week_work(session, actor, week, text, communities),
             h2("stats.briefing.by_community"),
             _by_community(places, text)]
    lang = "en" if text("stats.lang") == "en" else "zh-CN"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(text('stats.briefing.title'))} {escape(week.label())}</title>"
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")
