"""Checks for text typed by users, applied at the service boundary of every write."""

from __future__ import annotations

import unicodedata

from services.errors import Invalid

# Control characters other than tab and newline are refused: PostgreSQL rejects NUL,
# and the others only ever arrive by accident or attack.
_ALLOWED_CONTROL = {"\t", "\n", "\r"}


def clean_text(value: str | None, *, field: str, max_len: int, required: bool = True) -> str:
    """Strip, normalise (NFC) and check one text field; raise Invalid naming the field."""
    text = unicodedata.normalize("NFC", (value or "")).strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROL for ch in text):
        raise Invalid({field: "error.nul"})
    if required and not text:
        raise Invalid({field: "error.required"})
    if len(text) > max_len:
        raise Invalid({field: "error.too_long"}, max=max_len)
    return text
