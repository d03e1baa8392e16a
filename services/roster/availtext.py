"""Availability as one line of text, for import files and the bulk table.

"周一至周五 18:00-22:00", "周末", "每天 08:00-12:00", "Mon-Fri 18:00-22:00", "weekends",
"随时" / "any time" (no limit). Days alone mean all day; a time alone means every day.
The stored form is the one `common.clean_availability` checks:
{"days": [0..6, Monday=0], "from": "HH:MM", "to": "HH:MM"}, {} = any time.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from services.core.errors import Invalid
from services.roster.common import clean_availability

_ANY = {"随时", "全天", "不限", "任何时间", "any", "anytime", "any time", "always", "24h"}
_SETS = {
    "每天": range(7), "每日": range(7), "天天": range(7), "daily": range(7),
    "everyday": range(7), "every day": range(7),
    "工作日": range(5), "weekdays": range(5), "weekday": range(5),
    "周末": (5, 6), "双休日": (5, 6), "weekends": (5, 6), "weekend": (5, 6),
}
_ZH_DAYS = "一二三四五六日"
_EN_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EN_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"(\d{1,2}):(\d{2})\s*(?:-|~|至|到|—|–)\s*(\d{1,2}):(\d{2})")
_RANGE = re.compile(r"\s*(?:-|~|至|到|—|–)\s*")
_LIST = re.compile(r"[,、;/\s]+")
_CLOCK = re.compile(r"(\d{1,2})\s*[点時时](?:\s*(半)|\s*(\d{1,2})\s*分?)?")  # 18点, 8点半, 9点15


def _clock(m: re.Match[str]) -> str:
    return f"{m[1]}:{'30' if m[2] else (m[3] or '0').zfill(2)}"


def _day(token: str) -> int | None:
    t = token.strip().lower().rstrip(".")
    for prefix in ("星期", "礼拜", "周"):
        if t.startswith(prefix) and len(t) == len(prefix) + 1:
            ch = t[-1]
            return 6 if ch == "天" else (_ZH_DAYS.index(ch) if ch in _ZH_DAYS else None)
    for n, name in enumerate(_EN_NAMES):
        if len(t) >= 3 and name.startswith(t):  # "mon", "tues", "thursday"
            return n
    return None


def _days(text: str) -> list[int] | None:
    """The days a text names; None when a part of it is not a day."""
    text = _RANGE.sub("-", text.strip().lower())  # "周一 至 周五" -> "周一-周五"
    if not text:
        return list(range(7))
    if text in _SETS:
        return list(_SETS[text])
    out: set[int] = set()
    for part in _LIST.split(text):
        if not part:
            continue
        if part in _SETS:
            out.update(_SETS[part])
            continue
        ends = part.split("-")
        if len(ends) == 1:
            day = _day(ends[0])
            if day is None:
                return None
            out.add(day)
        elif len(ends) == 2:
            first, last = _day(ends[0]), _day(ends[1])
            if first is None or last is None:
                return None
            out.update((first + i) % 7 for i in range((last - first) % 7 + 1))
        else:
            return None
    return sorted(out)


def parse_availability(text: str | dict[str, Any] | None, *,
                       field: str = "availability") -> dict[str, Any]:
    """The stored availability a line of text means; Invalid(field) when it means nothing.
    An already structured value is checked as it is."""
    if isinstance(text, dict):
        return clean_availability(text, field=field)
    norm = unicodedata.normalize("NFKC", text or "").strip()  # full-width ：～，to ASCII
    if not norm or norm.lower() in _ANY:
        return {}
    norm = _CLOCK.sub(_clock, norm)
    times = list(_TIME.finditer(norm))
    if len(times) > 1:
        raise Invalid({field: "roster.v.availability_text"})
    value: dict[str, Any] = {}
    rest = norm
    if times:
        m = times[0]
        value["from"] = f"{int(m[1]):02d}:{m[2]}"
        value["to"] = f"{int(m[3]):02d}:{m[4]}"
        rest = norm[:m.start()] + " " + norm[m.end():]
    days = _days(rest)
    if days is None:
        raise Invalid({field: "roster.v.availability_text"})
    value["days"] = days
    try:
        return clean_availability(value, field=field)
    except Invalid:
        raise Invalid({field: "roster.v.availability_text"}) from None


def _day_ranges(days: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for d in sorted(days):
        if ranges and ranges[-1][1] == d - 1:
            ranges[-1] = (ranges[-1][0], d)
        else:
            ranges.append((d, d))
    return ranges


def format_availability(value: dict[str, Any] | None, lang: str = "zh") -> str:
    """The line of text `parse_availability` reads back to the same value."""
    if not value:
        return "随时" if lang == "zh" else "any time"
    days = list(value.get("days") or [])
    parts = []
    if days and len(days) < 7:
        names = [f"周{_ZH_DAYS[d]}" for d in range(7)] if lang == "zh" else \
            [n.capitalize() for n in _EN_DAYS]
        joiner, sep = ("至", "、") if lang == "zh" else ("-", ",")
        parts.append(sep.join(names[a] if a == b else
                              (f"{names[a]}{sep}{names[b]}" if b == a + 1 else
                               f"{names[a]}{joiner}{names[b]}")
                              for a, b in _day_ranges(days)))
    else:
        parts.append("每天" if lang == "zh" else "daily")
    if value.get("from"):
        parts.append(f"{value['from']}-{value['to']}")
    return " ".join(parts)
