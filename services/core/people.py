"""People named in a record (household members, dispute parties): checked, masked for display."""

from __future__ import annotations

from typing import Any

from services.core.errors import Invalid
from services.core.masking import mask_id, mask_phone
from services.core.text import clean_text
from services.core.validation import (
    normal_id_number,
    normal_phone,
    validate_id_number,
    validate_phone,
)

MAX_PEOPLE = 20
FIELDS = (("name", 64, True), ("relation", 32, False), ("id_number", 18, False),
          ("phone", 20, False))


def check_people(rows: list[dict[str, Any]], *, field: str) -> list[dict[str, str]]:
    """Clean each person; rows without any text are dropped (an empty editor line).

    Raises Invalid({field: key}) naming the first problem, with the row number in `row`.
    """
    out: list[dict[str, str]] = []
    for n, raw in enumerate(rows, start=1):
        if not any(str(raw.get(k) or "").strip() for k, _, _ in FIELDS):
            continue
        person: dict[str, str] = {}
        for key, max_len, required in FIELDS:
            try:
                person[key] = clean_text(str(raw.get(key) or ""), field=key, max_len=max_len,
                                         required=required)
            except Invalid as exc:
                raise Invalid({field: f"cases.person_{key}_bad"}, row=n) from exc
        for key, check, normal in (("id_number", validate_id_number, normal_id_number),
                                   ("phone", validate_phone, normal_phone)):
            if person[key]:
                if check(person[key]) is not None:
                    raise Invalid({field: f"cases.person_{key}_bad"}, row=n)
                person[key] = normal(person[key])
        out.append(person)
    if len(out) > MAX_PEOPLE:
        raise Invalid({field: "cases.person_too_many"}, max=MAX_PEOPLE)
    return out


def masked(person: dict[str, Any]) -> dict[str, str]:
    """A person as most users see them: ID number and phone masked."""
    return {"name": str(person.get("name") or ""), "relation": str(person.get("relation") or ""),
            "id_number": mask_id(person.get("id_number")), "phone": mask_phone(person.get("phone"))}


def key_of(person: dict[str, Any]) -> tuple[str, str] | None:
    """Who a party is for repeat checks: name and phone digits, both needed."""
    name = "".join(str(person.get("name") or "").split())
    phone = "".join(ch for ch in str(person.get("phone") or "") if ch.isdigit())
    return (name, phone) if name and phone else None
