"""Masking of personal data (resident ID numbers, phone numbers) for those who need not see it."""

from __future__ import annotations

import re
from typing import Any

PERSONAL_KEYS = frozenset(
    {"phone", "id_number", "contact_phone", "reporter_contact", "password", "password_hash"}
)


def mask_id(value: str | None) -> str:
    """110101199003071234 -> 110101********1234."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678; landlines keep their first three and last four digits."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# In free text: an ID number (18 characters, the last may be X), or a run of at least seven
# digits (a mobile, a landline with its area code, +86 ...) that may hold up to two spaces,
# dashes, dots or brackets between digits, full-width ones from a Chinese keyboard too; the
# digits themselves may be full-width (\d is any decimal digit).
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z０-９])\d{17}[0-9Xx０-９Ｘｘ](?![0-9A-Za-z０-９])")
_NUMBER_IN_TEXT = re.compile(r"(?<!\d)[+＋]?\d(?:[\s\-.()－．（）—–·]{0,2}\d){6,}(?!\d)")


def mask_text(value: str | None) -> str:
    """Mask only the phone and ID numbers inside free text, never the words around them:
    "网格员吕红 13812341234" -> "网格员吕红 138****1234"."""
    if not value:
        return ""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group()), value)
    return _NUMBER_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def mask_value(key: str, value: Any) -> Any:
    if key in {"password", "password_hash"}:
        return "***" if value else value
    if key == "id_number":
        return mask_id(value)
    if key == "reporter_contact" and isinstance(value, str):
        return mask_text(value)
    if key in PERSONAL_KEYS and isinstance(value, str):
        return mask_phone(value)
    return value


def mask_mapping(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy of `data` with every personal field masked (used for the audit trail)."""
    if data is None:
        return None
    return {k: mask_value(k, v) for k, v in data.items()}
