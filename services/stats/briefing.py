"""The weekly briefing: headline figures, charts and tables on one printable HTML page."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from html import escape

import pandas as pd
from sqlalchemy.orm import Session

from services import clock, system
from services.actor import Actor, Perm, require
from services.stats import disputes, fmt, incidents, leads, presence, svg
from services.stats.fmt import Text
from services.stats.periods import Period, since_july

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
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return f"{v:,.1f}" if isinstance(v, float) else str(v)


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
    totals = trend.groupby(["year", "month"], as_index=False)["count"].sum()
    series, values = [], []
    for year in (last.year - 1, last.year):
        by_month = dict(zip(totals[totals["year"] == year]["month"],
                            totals[totals["year"] == year]["count"], strict=True))
        series.append(str(year))
        values.append([by_month.get(m) for m in range(1, 13)])
    title = text("stats.chart.trend", first=last.year - 1, last=last.year, through=last)
    return svg.lines(title, [str(m) for m in range(1, 13)], series, values)


def _week_work(session: Session, actor: Actor, week: Period, text: Text,
               communities: Collection[int] | None) -> str:
    lh = leads.lead_handling(session, actor=actor, period=week, communities=communities)
    dis = disputes.resolution_change(session, actor=actor, period=week, communities=communities)
    items = [(text("stats.leads.created"), str(lh.created)),
             (text("stats.leads.dispatch_median"), fmt.duration(lh.dispatch.median_s, text)),
             (text("stats.leads.accept_on_time"), fmt.rate(lh.accept_on_time_pct)),
             (text("stats.leads.closed_in_grid"), fmt.rate(lh.closed_in_grid)),
             (text("stats.leads.closed_in_community"), fmt.rate(lh.closed_in_community)),
             (text("stats.leads.escalated"), str(lh.escalated)),
             (text("stats.disputes.reported"), str(dis.this.reported)),
             (text("stats.disputes.rate"), fmt.rate(dis.this.rate))]
    ages = disputes.open_by_age(session, actor=actor, communities=communities)
    ages["age"] = [text(f"stats.age.{a}") for a in ages["age"]]
    return _cards(items) + _table(ages, text)


def weekly_briefing(session: Session, *, actor: Actor, text: Text, today: date | None = None,
                    scope_label: str = "", communities: Collection[int] | None = None) -> str:
    """The last seven days (to today) against the same days a year before, for the scope."""
    require(actor, Perm.VIEW_STATS)
    today = today or clock.local_today()
    week = Period(today - timedelta(days=6), today)
    by_place = incidents.incidents_by_community(session, actor=actor, period=week,
                                                communities=communities)
    if text("stats.lang") == "en":
        by_place["name"] = by_place["name_en"].where(by_place["name_en"] != "", by_place["name"])
    places = by_place.groupby("name", as_index=False)[["this", "before"]].sum()
    places = places.rename(columns={"name": "community"}).sort_values("this", ascending=False)
    demo = system.demo_loaded(session)
    meta = text("stats.briefing.meta", scope=scope_label, period=week.label(),
                at=clock.local(clock.now()))
    parts = [f"<h1>{escape(text('stats.briefing.title'))}</h1>",
             f'<p class="meta">{escape(meta)}</p>',
             f'<p class="demo">{escape(text("app.demo_banner"))}</p>' if demo else "",
             _headline(session, actor, today, text, communities),
             f"<h2>{escape(text('stats.briefing.week_incidents', period=week.label()))}</h2>",
             _week_incidents(session, actor, week, text, communities),
             f"<h2>{escape(text('stats.briefing.week_work', period=week.label()))}</h2>",
             _week_work(session, actor, week, text, communities),
             f"<h2>{escape(text('stats.briefing.by_community', period=week.label()))}</h2>",
             _table(places.head(30), text)]
    lang = "en" if text("stats.lang") == "en" else "zh-CN"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(text('stats.briefing.title'))} {escape(week.label())}</title>"
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")
