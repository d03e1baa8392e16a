"""Map colours and what they mean: classes for measures and cells, one legend per layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ui.core.i18n import translate

Color = list[int]
SEQUENTIAL: list[Color] = [[255, 237, 160], [254, 178, 76], [253, 108, 60], [215, 25, 28],
                           [128, 0, 38]]
ZERO: Color = [236, 236, 232]
NO_DATA: Color = [196, 196, 196]
CHANGE_BREAKS = (-20.0, -5.0, 5.0, 20.0)
DIVERGING: list[Color] = [[33, 102, 172], [146, 197, 222], [240, 240, 240], [244, 165, 130],
                          [178, 24, 43]]
URGENCY: dict[str, Color] = {"routine": [30, 136, 229], "urgent": [251, 140, 0],
                             "emergency": [211, 47, 47]}
DONE: Color = [130, 130, 130]
COVERED: Color = [67, 160, 71]
UNCOVERED: Color = [229, 115, 115]
ALERT: Color = [216, 27, 96]
GRID: Color = [90, 90, 90]
STATION: Color = [26, 35, 126]
OFFICE: Color = [0, 131, 143]
UNIT: Color = [123, 31, 162]
RIVER: Color = [158, 202, 235]
LAND: Color = [246, 244, 238]


@dataclass(frozen=True)
class Legend:
    title: str
    items: list[tuple[Color, str]] = field(default_factory=list)
    note: str = ""


def _fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _edges(values: np.ndarray, decimals: int) -> list[float]:
    """Up to four class edges: quantiles of the positive values, rounded and distinct."""
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return []
    qs = np.quantile(positive, [0.25, 0.5, 0.75, 1.0])
    edges = sorted({round(float(q), decimals) for q in qs})
    return edges


Classes = tuple[list[Color], list[tuple[Color, str]]]


def sequential(values: Sequence[float], decimals: int = 0) -> Classes:
    """A colour per value (0 pale, then up to four classes by quantile) and the legend items."""
    arr = np.asarray(values, dtype="float64")
    edges = _edges(arr, decimals)
    # Spread the classes over the palette; a single class takes the middle colour.
    picks = [2] if len(edges) == 1 else np.linspace(1, 4, len(edges)).round().astype(int)
    palette = [SEQUENTIAL[int(i)] for i in picks] if edges else []
    idx = np.searchsorted(np.asarray(edges), arr, side="left") if edges else np.zeros(len(arr))
    colours = [ZERO if not np.isfinite(v) or v <= 0 else palette[min(int(i), len(palette) - 1)]
               for v, i in zip(arr, idx, strict=True)]
    items: list[tuple[Color, str]] = [(ZERO, "0")]
    low = 0.0
    for colour, high in zip(palette, edges, strict=True):
        items.append((colour, _range(low, high, decimals)))
        low = high
    return colours, items


def _range(low: float, high: float, decimals: int) -> str:
    """The label of the class (low, high]: counts read "4 – 8", rates "0.5 – 1.2"."""
    if decimals == 0:
        first = int(low) + 1
        return _fmt(high, 0) if first >= high else f"{_fmt(first, 0)} – {_fmt(high, 0)}"
    return f"≤ {_fmt(high, decimals)}" if low == 0 else \
        f"{_fmt(low, decimals)} – {_fmt(high, decimals)}"


def diverging(values: Sequence[float], lang: str) -> Classes:
    """Change against last year: blue for fewer, red for more, grey where not comparable."""
    arr = np.asarray(values, dtype="float64")
    idx = np.searchsorted(np.asarray(CHANGE_BREAKS), arr, side="left")
    colours = [NO_DATA if not np.isfinite(v) else DIVERGING[int(i)]
               for v, i in zip(arr, idx, strict=True)]
    b = CHANGE_BREAKS
    labels = [f"≤ {b[0]:+.0f}%", f"{b[0]:+.0f}% – {b[1]:+.0f}%", f"{b[1]:+.0f}% – {b[2]:+.0f}%",
              f"{b[2]:+.0f}% – {b[3]:+.0f}%", f"> {b[3]:+.0f}%"]
    items = list(zip(DIVERGING, labels, strict=True))
    items.append((NO_DATA, translate(lang, "map.legend.no_comparison")))
    return colours, items


def fixed_legends(layers: frozenset[str], lead_mode: str | None, lang: str,
                  alert_areas: int | None = None, grid_lines: bool = False) -> list[Legend]:
    """Legends whose colours never change: leads as points, grids, coverage, alerts, posts.
    `alert_areas`: how many alert target areas are drawn (0 says that none is in force);
    `grid_lines`: the grids are drawn as lines that appear when zoomed in."""
    tr = lambda key: translate(lang, key)  # noqa: E731 - a short local alias
    out: list[Legend] = []
    if lead_mode == "points":
        urgency = [(c, tr(f"map.urgency.{u}")) for u, c in URGENCY.items()]
        out.append(Legend(tr("map.legend.leads"), [*urgency, (DONE, tr("map.legend.done"))]))
    if lead_mode == "heatmap":
        out.append(Legend(tr("map.legend.heatmap"), [(SEQUENTIAL[0], tr("map.legend.fewer")),
                                                     (SEQUENTIAL[-1], tr("map.legend.more"))]))
    if "grids" in layers and "coverage" not in layers or grid_lines:
        out.append(Legend(tr("map.legend.grids"), [(GRID, tr(
            "map.legend.grid_lines" if grid_lines else "map.legend.grid_areas"))]))
    if "coverage" in layers:
        out.append(Legend(tr("map.legend.coverage"), [
            (COVERED, tr("map.legend.covered")), (UNCOVERED, tr("map.legend.uncovered")),
            (UNIT, tr("map.legend.unit"))]))
    if "alerts" in layers:
        out.append(Legend(tr("map.legend.alerts"), [(ALERT, tr("map.legend.alert_area"))],
                          tr("map.legend.no_alert") if alert_areas == 0 else ""))
    if "posts" in layers:
        out.append(Legend(tr("map.legend.posts"), [(STATION, tr("map.legend.station")),
                                                   (OFFICE, tr("map.legend.office"))]))
    return out
