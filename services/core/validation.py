"""Checks for mainland phone numbers and resident ID numbers (GB 11643), shared by every area.

`validate_*` return None when the value is fine, else the translation key of what is wrong;
`normal_*` give the form to store (the validators normalise first, so `" 138 1234 5678"`
is fine and is stored as `13812345678`).
"""

from __future__ import annotations

import re
from datetime import date

from services.core.clock import local_today

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Province-level codes (first two digits) of GB/T 2260, plus 71/81/82/83 (Taiwan, Hong Kong,
# Macao residence permits) and 91 (foreigners' permanent residence cards, 2023 format).
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                       43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
                       83, 91})
_MOBILE = re.compile(r"1[3-9]\d{9}")
# 010 and 02X have three-digit area codes and eight-digit numbers; the others have four-digit
# area codes (0 + 3 digits, never 1 or 2 after the 0) and seven- or eight-digit numbers.
# A local number never starts with 0 or 1.
_LANDLINE = re.compile(r"(010|02\d)([2-9]\d{7})|(0[3-9]\d{2})([2-9]\d{6,7})")
_SEPARATORS = re.compile(r"[\s\-()（）－—]")


def normal_phone(value: str | None) -> str:
    """Digits only for mobiles (13812345678); area code, hyphen, number for landlines."""
    raw = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
            if raw[:1] not in {"1", "0"} and raw:  # +86 23 6881 2345: the 0 was dropped
                raw = "0" + raw
    landline = _LANDLINE.fullmatch(raw)
    if landline:
        area, number = (landline.group(1), landline.group(2)) if landline.group(1) else (
            landline.group(3), landline.group(4))
        return f"{area}-{number}"
    return raw


def validate_mobile(value: str | None) -> str | None:
    raw = normal_phone(value)
    if not raw:
        return "roster.v.required"
    if not raw.isdigit() or not _MOBILE.fullmatch(raw):
        return "roster.v.mobile"
    return None


def validate_landline(value: str | None) -> str | None:
    raw = normal_phone(value)
    if not raw:
        return "roster.v.required"
    if re.fullmatch(r"[2-9]\d{6,7}", raw):
        return "roster.v.landline_area"  # a local number without its area code
    if not _LANDLINE.fullmatch(raw.replace("-", "")):
        return "roster.v.landline"
    return None


def validate_phone(value: str | None) -> str | None:
    """A mainland mobile (11 digits, 13x-19x) or a landline with its area code."""
    raw = normal_phone(value)
    if not raw:
        return "roster.v.required"
    if raw.startswith("1"):
        return validate_mobile(raw)
    if raw.startswith("0") or re.fullmatch(r"[2-9]\d{6,7}", raw):
        return validate_landline(raw)
    return "roster.v.phone"


def normal_id_number(value: str | None) -> str:
    """Without spaces, with an upper-case X."""
    return re.sub(r"\s", "", value or "").upper()


def birth_date(number: str) -> date | None:
    """The birth date written in digits 7-14, or None if it is no real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_check_character(first17: str) -> str:
    """The GB 11643 check character (0-9 or X) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def validate_id_number(value: str | None, *, today: date | None = None) -> str | None:
    """The 18-character resident ID: area, a real birth date (1900 to today), check digit."""
    number = normal_id_number(value)
    if not number:
        return "roster.v.required"
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return "roster.v.id_format"
    if int(number[:2]) not in PROVINCES:
        return "roster.v.id_area"
    born = birth_date(number)
    if born is None or born.year < 1900 or born > (today or local_today()):
        return "roster.v.id_birth_date"
    if id_check_character(number[:17]) != number[17]:
        return "roster.v.id_check_digit"
    return None
