"""Dates as clerks type them: year-month-day in any usual spelling, never a guessed order."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.core.errors import Invalid

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, with Excel's 1900 leap-day bug
_SERIALS = (20_000, 80_000)  # 1954 .. 2119: a bare number outside is not a date
_WEEKDAY = re.compile(r"[（(]?\s*(星期|周|礼拜)[一二三四五六日天]\s*[）)]?|"
                      r"[（(]?\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*[）)]?", re.I)
_TIME = re.compile(r"(?:\s+|T)\d{1,2}(?::\d{1,2}){0,2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$|"
                   r"\s*\d{1,2}时(?:\d{1,2}分(?:\d{1,2}秒)?)?$")
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_DAY_FIRST = re.compile(r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}")
_SHORT_YEAR = re.compile(r"\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_SERIAL_TEXT = re.compile(r"\d{5}(\.\d+)?")


class BadDate(Invalid):
    """A value that is not a date Pingan reads without guessing; the key says how to write it."""

    def __init__(self, key: str) -> None:
        super().__init__({"day": key}, key=key)


@dataclass(frozen=True)
class ParsedDate:
    day: date
    year_assumed: bool = False  # "11月3日": the current year was taken (say so to the user)


def parse_date(value: object, *, today: date | None = None) -> date:
    """The day a cell means, or BadDate. See `read_date` for whether the year was assumed."""
    return read_date(value, today=today).day


def read_date(value: object, *, today: date | None = None) -> ParsedDate:
    """Date cells, Excel serial numbers, 2026-11-03, 2026/11/3, 2026.11.3, 20261103,
    2026年11月3日, 11月3日 (this year), each with an optional time and weekday after it.
    08/11/2026 and 26/11/12 are refused (sheets.date.day_first / .short_year), never guessed."""
    if isinstance(value, datetime):
        return ParsedDate(value.date())
    if isinstance(value, date):
        return ParsedDate(value)
    if isinstance(value, bool) or value is None:
        raise BadDate("sheets.date.empty" if value is None else "sheets.date.bad")
    if isinstance(value, int | float):
        return ParsedDate(_from_number(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise BadDate("sheets.date.empty")
    text = _TIME.sub("", _WEEKDAY.sub("", text).strip()).strip()
    return _from_text(text, today)


def _from_number(value: float) -> date:
    if float(value).is_integer() and 19_000_101 <= value <= 21_001_231:
        return _make(*_COMPACT.fullmatch(str(int(value))).groups())  # type: ignore[union-attr]
    if _SERIALS[0] <= value <= _SERIALS[1]:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise BadDate("sheets.date.bad")


def _from_text(text: str, today: date | None) -> ParsedDate:
    for pattern in (_YMD, _COMPACT):
        m = pattern.fullmatch(text)
        if m:
            return ParsedDate(_make(*m.groups()))
    m = _MONTH_DAY.fullmatch(text)
    if m:
        year = (today or date.today()).year
        return ParsedDate(_make(str(year), *m.groups()), year_assumed=True)
    if _SERIAL_TEXT.fullmatch(text):
        return ParsedDate(_from_number(float(text)))
    if _DAY_FIRST.fullmatch(text):
        raise BadDate("sheets.date.day_first")
    if _SHORT_YEAR.fullmatch(text):
        raise BadDate("sheets.date.short_year")
    raise BadDate("sheets.date.bad")


def _make(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise BadDate("sheets.date.no_such_day") from None
