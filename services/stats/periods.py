"""Periods the statistics compare, their presets, and the same period a year before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.core.clock import year_before
from services.core.errors import Invalid

PRESETS = ("since_july", "last_7_days", "this_month", "last_month", "this_quarter",
           "last_quarter", "year_to_date", "since_date", "custom")
SMALL_BASE = 10  # below this many, a percentage is not a trend: show the count only


@dataclass(frozen=True)
class Period:
    """Inclusive calendar days in Asia/Shanghai."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def year_before(self) -> Period:
        """[first − 1 year, last − 1 year]; 29 February maps to 28 February."""
        return Period(year_before(self.first), year_before(self.last))

    def label(self) -> str:
        return f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d}"


def pct_change(this: int, before: int) -> float | None:
    """(this − before) / before × 100 to one decimal; None on a small base (before < 10)."""
    if before < SMALL_BASE:
        return None
    return round((this - before) / before * 100, 1)


def share(part: int, base: int) -> float | None:
    """part / base × 100 to one decimal; None when the base is under 10."""
    if base < SMALL_BASE:
        return None
    return round(part / base * 100, 1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def since_july(today: date) -> Period:
    """[1 July, today] of this year; before July, since the most recent 1 July."""
    july = date(today.year, 7, 1)
    return Period(july if today >= july else date(today.year - 1, 7, 1), today)


def period_for(preset: str, today: date, *, first: date | None = None,
               last: date | None = None) -> Period:
    """The period a preset names on `today`; ranges never run past today."""
    if preset == "since_july":
        return since_july(today)
    if preset == "last_7_days":
        return Period(today - timedelta(days=6), today)
    if preset == "this_month":
        return Period(today.replace(day=1), today)
    if preset == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if preset == "this_quarter":
        return Period(_quarter_start(today), today)
    if preset == "last_quarter":
        start = _quarter_start(_quarter_start(today) - timedelta(days=1))
        return Period(start, _quarter_start(today) - timedelta(days=1))
    if preset == "year_to_date":
        return Period(date(today.year, 1, 1), today)
    if preset in ("since_date", "custom"):
        return custom(first, today if preset == "since_date" else last, today)
    raise Invalid({"preset": "stats.error.preset"})


def custom(first: date | None, last: date | None, today: date) -> Period:
    """A chosen range, checked: both ends given, in order, not starting in the future."""
    if first is None or last is None:
        raise Invalid({"period": "stats.error.period_missing"})
    if first > last:
        raise Invalid({"period": "stats.error.period_order"})
    if first > today:
        raise Invalid({"period": "stats.error.period_future"})
    return Period(first, min(last, today))
