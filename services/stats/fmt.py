"""How figures are written, shared by the page and the printable briefing."""

from __future__ import annotations

from collections.abc import Callable

from services.stats.common import Change

Text = Callable[..., str]


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f} %"


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def points(value: float | None, text: Text) -> str:
    return "—" if value is None else text("stats.fmt.points", value=f"{value:+.1f}")


def change(c: Change, text: Text) -> str:
    """'−31.9 %', or the counts alone with a small-base flag when the base is under 10."""
    if c.pct is None:
        return text("stats.fmt.small_base", this=c.this, before=c.before)
    return pct(c.pct)


def hours(value: float | None, text: Text) -> str:
    return "—" if value is None else text("stats.fmt.hours", value=f"{value:.1f}")


def duration(seconds: float | None, text: Text) -> str:
    """Seconds, minutes or hours, whichever reads best."""
    if seconds is None:
        return "—"
    if seconds < 120:
        return text("stats.fmt.seconds", value=f"{seconds:.0f}")
    if seconds < 7200:
        return text("stats.fmt.minutes", value=f"{seconds / 60:.0f}")
    return text("stats.fmt.hours_short", value=f"{seconds / 3600:.1f}")
