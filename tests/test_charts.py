"""Chart builders and table column widths: every name shown whole, every chart as SVG."""

from __future__ import annotations

import pandas as pd

from ui.core.column_widths import MAX_PX, fitted, text_px
from ui.stats import charts


def _officers(n: int) -> pd.DataFrame:
    return pd.DataFrame({"label": [f"民警{i} {i:06d}" for i in range(n)],
                         "value": [30.0 + i % 15 for i in range(n)],
                         "below": [i % 4 == 0 for i in range(n)]})


def _every_chart() -> list[object]:
    bars = pd.DataFrame({"label": ["刑事警情", "治安警情"], "value": [3, 4]})
    grouped = pd.DataFrame({"label": ["刑事警情"] * 2, "series": ["本期", "上年同期"],
                            "value": [3, 4]})
    trend = pd.DataFrame({"month": [1, 2], "series": ["2026", "2026"], "value": [5, 1],
                          "partial": [False, True]})
    common = {"title": "每千人警情数（2026-07-01 – 2026-12-05）", "x_title": "x", "y_title": "y"}
    return [charts.grouped_bars(grouped, **common), charts.simple_bars(bars, **common),
            charts.ranked_bars(bars, **common), charts.trend_lines(trend, **common),
            charts.bars_with_target(_officers(3), target=40, **common)]


def test_every_chart_is_svg_with_its_period_under_the_title() -> None:
    for chart in _every_chart():
        spec = chart.to_dict()  # type: ignore[attr-defined]
        assert spec["usermeta"] == {"embedOptions": {"renderer": "svg"}}
        assert spec["title"]["text"] == "每千人警情数"
        assert spec["title"]["subtitle"] == "（2026-07-01 – 2026-12-05）"


def test_a_bar_per_officer_is_tall_enough_to_name_every_one() -> None:
    """62 officers were drawn in 280 px (the layer chart's height was lost), every fourth
    name shown; the chart is as tall as its bars need, and Streamlit is asked for that."""
    chart = charts.bars_with_target(_officers(62), target=40, title="t", x_title="x",
                                    y_title="y")
    assert chart.to_dict()["height"] == 62 * charts.BAND
    assert charts.total_height(chart) >= 62 * charts.BAND + 100
    axis = chart.to_dict()["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelLimit"] == charts.LABEL_LIMIT


def test_a_name_axis_is_not_cut_at_streamlits_100_px() -> None:
    frame = pd.DataFrame({"label": ["Suspicious persons/vehicles"], "value": [1]})
    spec = charts.ranked_bars(frame, title="t", x_title="x", y_title="y").to_dict()
    assert spec["encoding"]["y"]["axis"]["labelLimit"] >= 300


def test_a_text_column_is_as_wide_as_its_longest_text_even_far_down() -> None:
    """The grid measures its first rows only: 'below minimum' in row 20 was cut."""
    frame = pd.DataFrame({"状态": ["ok"] * 20 + ["below minimum"], "n": range(21),
                          "说明": ["人数不足的队伍：钢花社区网格员队伍"] * 21})
    config = fitted(frame, {"n": "kept"})
    assert config["n"] == "kept"
    assert config["状态"]["width"] == text_px("below minimum") > 13 * 7
    assert config["说明"]["width"] >= 17 * 14  # a full em for each Chinese character
    assert set(config) == {"状态", "n", "说明"}


def test_a_column_of_long_free_text_stops_at_the_widest_a_column_grows() -> None:
    """A 500-character description would make a 7,000 px column and push the others out."""
    frame = pd.DataFrame({"描述": ["短"] * 3 + ["长" * 500], "地址": ["重庆市"] * 4})
    config = fitted(frame)
    assert config["描述"]["width"] == MAX_PX
    assert config["地址"]["width"] == text_px("重庆市") < MAX_PX
