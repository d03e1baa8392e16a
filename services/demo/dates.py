"""Calendar arithmetic for the demo: Asia/Shanghai days, UTC epoch seconds, year-on-year windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

TZ = ZoneInfo("Asia/Shanghai")
SHANGHAI_OFFSET = 8 * 3600  # Shanghai keeps no daylight saving time: local = UTC + 8 h
UNIX_ORDINAL = date(1970, 1, 1).toordinal()
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def local_today() -> date:
    return datetime.now(TZ).date()


def year_before(day: date) -> date:
    """The same calendar day a year earlier; 29 February maps to 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def day_epoch(day: date) -> int:
    """UTC epoch seconds at which `day` begins in Asia/Shanghai."""
    return (day.toordinal() - UNIX_ORDINAL) * 86_400 - SHANGHAI_OFFSET


def ordinal_epoch(ordinals: np.ndarray) -> np.ndarray:
    return (ordinals.astype(np.int64) - UNIX_ORDINAL) * 86_400 - SHANGHAI_OFFSET


def weekday(ordinals: np.ndarray) -> np.ndarray:
    """Monday 0 .. Sunday 6, like date.weekday()."""
    return (ordinals - 1) % 7


def months(seconds: np.ndarray) -> np.ndarray:
    """Calendar month (1-12) in Asia/Shanghai of each epoch second."""
    local = (np.asarray(seconds) + SHANGHAI_OFFSET).astype("datetime64[s]")
    return local.astype("datetime64[M]").astype(np.int64) % 12 + 1


def utc(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=int(seconds))


def utc_list(seconds: np.ndarray, missing: np.ndarray | None = None) -> list[datetime | None]:
    """Aware UTC datetimes for epoch seconds; None where `missing` is true."""
    out: list[datetime | None] = [EPOCH + timedelta(seconds=s) for s in seconds.tolist()]
    if missing is not None:
        for i in np.flatnonzero(missing).tolist():
            out[i] = None
    return out


@dataclass(frozen=True)
class Calendar:
    """The demo's time frame: history from 1 January two years back to the start of today."""

    today: date

    @property
    def first(self) -> date:
        return date(self.today.year - 2, 1, 1)

    @property
    def anchor(self) -> int:
        """Start of today (epoch seconds): nothing generated happens at or after it."""
        return day_epoch(self.today)

    @property
    def july(self) -> date:
        """When the pilot began: the most recent 1 July (last year's, when loaded in spring)."""
        july = date(self.today.year, 7, 1)
        return july if self.today >= july else date(self.today.year - 1, 7, 1)

    def day_ordinals(self, last: date | None = None) -> np.ndarray:
        end = last or self.today - timedelta(days=1)
        return np.arange(self.first.toordinal(), end.toordinal() + 1)

    def since_july(self) -> tuple[tuple[date, date], tuple[date, date]] | None:
        """([pilot's 1 July, today], the same days a year before): the statistics' default."""
        return (self.july, self.today), (year_before(self.july), year_before(self.today))
