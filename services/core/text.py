"""Checks for text typed by users, applied at the service boundary of every write."""

from __future__ import annotations

import unicodedata

from services.core.errors import Invalid

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


def clean_texts(
    fields: list[tuple[str, str | None, int, bool]], errors: dict[str, str] | None = None
) -> dict[str, str]:
    """Clean several fields at once: (name, value, max_len, required) each.

    Collects every field's message (plus `errors` found by the caller) into one Invalid,
    so a form shows all its problems after one submit.
    """
    found = dict(errors or {})
    out: dict[str, str] = {}
    for field, value, max_len, required in fields:
        try:
            out[field] = clean_text(value, field=field, max_len=max_len, required=required)
        except Invalid as exc:
            found.update(exc.fields)
    if found:
        raise Invalid(found)
    return out
