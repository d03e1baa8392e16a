"""Time in Pingan: stored in UTC, days and weeks counted in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def local_today(at: datetime | None = None) -> date:
    return (at or now()).astimezone(TZ).date()


def day_start(day: date) -> datetime:
    """The UTC instant at which `day` begins in Asia/Shanghai."""
    return datetime.combine(day, time.min, tzinfo=TZ).astimezone(UTC)


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of first, start of the day after last) in UTC, for inclusive day ranges."""
    return day_start(first), day_start(last + timedelta(days=1))


def year_before(day: date) -> date:
    """The same calendar day a year earlier; 29 February maps to 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def local(at: datetime | None) -> str:
    """A timestamp as officers read it: Asia/Shanghai, to the minute."""
    return at.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if at else ""


def week_start(day: date) -> date:
    """The Monday of the week holding `day`: weeks run Monday to Sunday, everywhere."""
    return day - timedelta(days=day.weekday())


def whole_weeks(first: date, end: date) -> tuple[date, date]:
    """The whole weeks inside [first, end), as [start Monday, stop Monday): from the first
    Monday on or after `first` to the Monday of `end`'s week. With end = today, the current
    week is left out: it is not over, and is shown apart as "so far". start == stop: none."""
    start = first + timedelta(days=-first.weekday() % 7)
    return start, max(start, week_start(end))
