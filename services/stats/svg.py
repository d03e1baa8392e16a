"""Small inline SVG charts for the printable briefing: no script, no external resource."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#e45756")
W, H, LEFT, TOP, BOTTOM = 640, 280, 48, 56, 40


def _nice_max(values: Sequence[float]) -> float:
    """The top of the axis: four round steps that hold the largest value."""
    top = max([v for v in values if v is not None] + [1.0])
    magnitude = 10 ** math.floor(math.log10(top / 4)) if top >= 4 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 3, 5, 10) if m * magnitude * 4 >= top)
    return float(step * 4)


def _frame(title: str, peak: float, series: Sequence[str]) -> list[str]:
    plot_h = H - TOP - BOTTOM
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11" role="img">',
           f'<title>{escape(title)}</title>',
           f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        out.append(f'<line x1="{LEFT}" x2="{W - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{peak * i / 4:,.0f}</text>')
    x = 4.0
    for i, name in enumerate(series):  # the legend on one line under the title
        out.append(f'<rect x="{x:.0f}" y="26" width="10" height="10" fill="{COLOURS[i % 4]}"/>'
                   f'<text x="{x + 14:.0f}" y="35">{escape(name)}</text>')
        x += 30 + sum(11 if ord(ch) > 0x2E80 else 6.2 for ch in name)
    return out


def grouped_bars(title: str, groups: Sequence[str], series: Sequence[str],
                 values: Sequence[Sequence[float]]) -> str:
    """values[s][g]: one bar per series in each group, the number written above it."""
    peak = _nice_max([v for row in values for v in row])
    out = _frame(title, peak, series)
    plot_h, slot = H - TOP - BOTTOM, (W - LEFT - 8) / max(len(groups), 1)
    bar = slot * 0.8 / max(len(series), 1)
    for g, group in enumerate(groups):
        x0 = LEFT + slot * g + slot * 0.1
        for s in range(len(series)):
            v = values[s][g] or 0
            h = plot_h * v / peak
            x, y = x0 + bar * s, TOP + plot_h - h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                       f'fill="{COLOURS[s % 4]}"><title>{escape(group)} · '
                       f'{escape(series[s])}: {v:,.0f}</title></rect>')
            out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
                       f'{v:,.0f}</text>')
        out.append(f'<text x="{x0 + slot * 0.4:.1f}" y="{H - BOTTOM + 16}" '
                   f'text-anchor="middle">{escape(group)}</text>')
    return "".join(out) + "</svg>"


def lines(title: str, labels: Sequence[str], series: Sequence[str],
          values: Sequence[Sequence[float | None]], *, apart: tuple[int, int] | None = None,
          apart_label: str = "") -> str:
    """values[s][i]: one line per series over the labels; None leaves a gap (months to come).
    `apart` = (s, i): that point (a month not over yet) is a hollow circle off its line,
    with `apart_label` above it."""
    peak = _nice_max([v for row in values for v in row if v is not None])
    out = _frame(title, peak, series)
    plot_h, step = H - TOP - BOTTOM, (W - LEFT - 24) / max(len(labels) - 1, 1)
    for i, label in enumerate(labels):
        out.append(f'<text x="{LEFT + 8 + step * i:.1f}" y="{H - BOTTOM + 16}" '
                   f'text-anchor="middle">{escape(label)}</text>')
    for s, row in enumerate(values):
        pts = [(LEFT + 8 + step * i, TOP + plot_h - plot_h * v / peak, v, (s, i) == apart)
               for i, v in enumerate(row) if v is not None]
        joined = [p for p in pts if not p[3]]
        if joined:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in joined)
            out.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[s % 4]}" '
                       f'stroke-width="2"/>')
        for x, y, v, alone in pts:
            colour = COLOURS[s % 4]
            look = (f'r="4" fill="#fff" stroke="{colour}" stroke-width="2"' if alone
                    else f'r="3" fill="{colour}"')
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" {look}>'
                       f'<title>{escape(series[s])}: {v:,.0f}</title></circle>')
            if alone and apart_label:
                out.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" '
                           f'class="apart">{escape(apart_label)}</text>')
    return "".join(out) + "</svg>"
