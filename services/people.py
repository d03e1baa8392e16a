"""People named in a record (household members, dispute parties): checked, masked for display."""

from __future__ import annotations

from typing import Any

from services.errors import Invalid
from services.masking import mask_id, mask_phone
from services.text import clean_text

try:  # TODO(issue 7): the rosters' validators; drop this fallback once they have landed
    from services.validation import validate_id_number, validate_phone
except ImportError:  # pragma: no cover
    import re

    def validate_id_number(value: str) -> str:
        if not re.fullmatch(r"\d{17}[\dXx]", value):
            raise Invalid({"id_number": "people.id_number_bad"})
        return value.upper()

    def validate_phone(value: str) -> str:
        if not re.fullmatch(r"1\d{10}|0\d{9,11}", value.replace("-", "")):
            raise Invalid({"phone": "people.phone_bad"})
        return value.replace("-", "")

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
                raise Invalid({field: f"people.{key}_bad"}, row=n) from exc
        try:
            if person["id_number"]:
                person["id_number"] = validate_id_number(person["id_number"])
            if person["phone"]:
                person["phone"] = validate_phone(person["phone"])
        except Invalid as exc:
            bad = "id_number" if "id_number" in str(exc.fields) else "phone"
            raise Invalid({field: f"people.{bad}_bad"}, row=n) from exc
        out.append(person)
    if len(out) > MAX_PEOPLE:
        raise Invalid({field: "people.too_many"}, max=MAX_PEOPLE)
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
