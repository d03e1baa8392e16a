"""Issue 17: figures tell the truth. Numbers grouped and rounded as readers expect, a dash
for no figure (never None or nan), a period not over said to be partial (the month in the
monthly charts, this week so far in the briefing), and every cut list says how many of how
many: the service rules, the briefing, and the statistics page as shown."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pandas as pd
import pyarrow as pa
from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import IncidentCount
from services.core.clock import local_today
from services.stats import fmt, incidents, presence
from services.stats.briefing import weekly_briefing
from services.stats.common import Change
from tests import apptest_util
from tests import factories as f
from tests import stats_world as sw
from tests.apptest_util import ROOT, AppEnv, new_app, sign_in
from ui.core.i18n import translate

app_env = apptest_util.app_env
STATS = str(ROOT / "pages/statistics.py")
ZH = lambda key, **p: translate("zh", key, **p)  # noqa: E731


def test_numbers_are_grouped_rounded_and_a_missing_one_is_a_dash() -> None:
    assert fmt.number(15111) == "15,111" and fmt.number(15111.0) == "15,111"
    assert fmt.number(195.3053, 1) == "195.3" and fmt.number(1234.56, 2) == "1,234.56"
    assert [fmt.number(v) for v in (None, float("nan"), pd.NA, pd.NaT)] == ["—"] * 4
    assert fmt.cell(None) == fmt.cell(float("nan")) == "—"
    assert fmt.cell(21185) == "21,185" and fmt.cell(-8.66) == "-8.7" and fmt.cell("甲") == "甲"
    assert fmt.hours(195.3053, ZH) == "195.3 小时/周"
    assert fmt.duration(47_520, ZH) == "13.2 小时" and fmt.duration(None, ZH) == "—"
    assert fmt.change(Change(3, 7), ZH) == "3 起（上年 7 起，基数过小）"


def test_each_column_of_figures_has_its_decimals() -> None:
    frame = pd.DataFrame({"community": ["甲", "乙"], "dispute_id": [5542, 5666],
                          "this": [21185, 3], "pct": pd.Series([-8.7, None], dtype=object),
                          "hours_after": [833.965, 1.0], "rate_per_1000": [3.214, 0.5],
                          "small_base": [False, True], "reason": ["a", None]})
    assert fmt.column_decimals(frame) == {"dispute_id": None, "this": 0, "pct": 1,
                                          "hours_after": 1, "rate_per_1000": 2}


def test_a_cut_list_says_how_many_of_how_many() -> None:
    assert fmt.shown_of(30, 78, ZH, "stats.cut.briefing_communities") == \
        "表中为警情最多的 30 个社区，共 78 个。"
    assert fmt.shown_of(5, 5, ZH, "stats.cut.briefing_communities") == ""


def test_the_month_not_over_is_marked_partial(session: Session) -> None:
    w = sw.build(session)
    trend = incidents.monthly_trend(session, actor=w.admin, through=sw.TODAY)  # 29 November
    totals = incidents.trend_totals(trend, sw.TODAY)
    assert totals[totals["partial"]][["year", "month"]].values.tolist() == [[2025, 11]]
    assert totals["count"].sum() == trend["count"].sum()
    whole = incidents.trend_totals(
        incidents.monthly_trend(session, actor=w.admin, through=date(2025, 11, 30)),
        date(2025, 11, 30))
    assert not whole["partial"].any()


def test_hours_per_officer_are_kept_to_one_decimal(session: Session) -> None:
    w = sw.build(session)
    officer = w.extra["officer_a"]
    sw.presence(session, officer, w.a, sw.at(date(2025, 10, 8), 8), hours=1 + 23 / 60 + 7 / 3600)
    per = presence.per_officer(session, actor=w.admin, today=sw.TODAY, split=date(2025, 10, 1))
    row = per[per["officer_id"] == officer.id].iloc[0]
    assert row["hours_after"] == 1.4 and row["per_week_after"] == round(1.3853 / 7, 1)


def _more_communities(s: Session, w: sw.World, n: int, first: date, last: date) -> None:
    """n communities of station 2 with 12 incidents each on every day of [first, last]."""
    rows = []
    for k in range(n):
        c = f.community(s, station_=w.s2, population=1000 + k, name=f"新{k:02d}社区")
        day = first
        while day <= last:
            rows.append({"day": day, "category": "criminal", "community_id": c.id, "count": 12})
            day += timedelta(days=1)
    s.execute(insert(IncidentCount), rows)


def test_the_briefing_reports_this_week_so_far_and_says_what_is_partial(session: Session
                                                                        ) -> None:
    w = sw.build(session)
    _more_communities(session, w, 33, date(2025, 11, 24), sw.TODAY)
    html = weekly_briefing(session, actor=w.admin, text=ZH, today=sw.TODAY)  # a Saturday
    assert "本周至今警情（2025-11-24 – 2025-11-29，同比）" in html
    assert "本周至今：2025-11-24 – 2025-11-29" in html and "最近" not in html
    assert "图中最后一个月只有 29 天的数据（2025-11-01 至 2025-11-29）" in html
    assert 'fill="#fff"' in html and "至 11-29" in html  # the hollow point, labelled
    assert "表中为警情最多的 30 个社区，共 36 个。" in html
    assert "None" not in html and "nan" not in html
    sunday = weekly_briefing(session, actor=w.admin, text=ZH, today=date(2025, 11, 30))
    assert "本周警情（2025-11-24 – 2025-11-30，同比）" in sunday
    assert "本周至今" not in sunday and "图中最后一个月" not in sunday
    english = weekly_briefing(session, actor=w.admin, today=sw.TODAY,
                              text=lambda key, **p: translate("en", key, **p))
    assert "This week so far: incidents (2025-11-24 – 2025-11-29, year on year)" in english
    assert "The 30 communities with the most incidents, of 36." in english


def _charts(at) -> dict[str, list[pd.DataFrame]]:  # type: ignore[no-untyped-def]
    """Every chart on the page by its title, with the rows it draws."""
    out = {}
    for e in at.get("vega_lite_chart"):
        title = json.loads(e.proto.spec).get("title", {}).get("text", "")
        out[title] = [pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pandas()
                      for d in e.proto.datasets]
    return out


def _stats(env: AppEnv, who: str, more: int = 0):  # type: ignore[no-untyped-def]
    with env.session() as s:
        w = sw.build(s)
        today = local_today()
        if more:
            _more_communities(s, w, more, today - timedelta(days=2), today)
        name = getattr(w, who).username
    at = sign_in(new_app(), name, f.PASSWORD)
    return at.switch_page(STATS).run()


def test_the_tables_write_figures_as_readers_expect(app_env: AppEnv) -> None:
    at = _stats(app_env, "admin")
    assert not at.exception
    table = next(d for d in at.dataframe if "同比%" in d.value.columns)
    config = json.loads(table.proto.columns)
    assert config["本期"]["type_config"] == {"type": "number", "format": "localized", "step": 1}
    assert config["同比%"]["type_config"]["step"] == 0.1 and table.proto.placeholder == "—"
    assert table.value["同比%"].isna().any()  # small bases: no percentage, shown as a dash
    partial = not incidents.month_over(local_today())
    captions = " ".join(c.value for c in at.caption)
    assert ("图中最后一个月只有" in captions) == partial
    trend = next(rows for title, rows in _charts(at).items() if title.startswith("每月警情"))
    assert any(frame.get("partial", pd.Series(dtype=bool)).any() for frame in trend) == partial


def test_the_ranking_says_how_many_of_how_many(app_env: AppEnv) -> None:
    at = _stats(app_env, "admin", more=35)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "图中为每千人警情最高的 30 个社区（共 35 个参与排名）。" in captions
    assert "另有 3 个社区警情少于 10 起或无人口数据，不参与排名。" in captions
    ranking = next(rows for title, rows in _charts(at).items() if title.startswith("每千人"))
    assert sum(len(frame) for frame in ranking) == 30


def test_one_community_gets_its_figure_not_a_one_bar_ranking(app_env: AppEnv) -> None:
    at = _stats(app_env, "officer_a")
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "范围内只有甲社区一个社区，不作排名" in captions
    assert not [t for t in _charts(at) if t.startswith("每千人")]
