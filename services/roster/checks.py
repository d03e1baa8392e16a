"""Field checks for roster records, shared by forms, bulk edit and import: every problem at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from services.core.errors import Invalid
from services.core.text import clean_text
from services.core.validation import (
    normal_id_number,
    normal_phone,
    validate_id_number,
    validate_phone,
)
from services.roster.common import SKILLS, TEAM_KINDS, UNIT_KINDS, clean_availability

MAX_SERVICES = 20


def collect(checks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run every check; raise one Invalid naming every field that failed, else the values."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    params: dict[str, Any] = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except Invalid as exc:
            errors[field] = next(iter(exc.fields.values()), exc.key)
            params.update(exc.params)
    if errors:
        raise Invalid(errors, **params)
    return values


class Problems:
    """Gathers the problems of several checks, so that one submit reports them all."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.params: dict[str, Any] = {}

    def attempt(self, check: Callable[[], Any]) -> Any:
        try:
            return check()
        except Invalid as exc:
            self.fields.update(exc.fields or {"form": exc.key})
            self.params.update(exc.params)
            return None

    def raise_any(self) -> None:
        if self.fields:
            raise Invalid(dict(self.fields), **self.params)


def text(value: Any, field: str, max_len: int, required: bool = True) -> Callable[[], str]:
    return lambda: clean_text(None if value is None else str(value), field=field,
                              max_len=max_len, required=required)


def phone(value: Any, field: str = "phone", required: bool = True) -> Callable[[], str]:
    def check() -> str:
        raw = clean_text(None if value is None else str(value), field=field, max_len=32,
                         required=required)
        if not raw:
            return ""
        key = validate_phone(raw)
        if key:
            raise Invalid({field: key})
        return normal_phone(raw)
    return check


def id_number(value: Any, field: str = "id_number") -> Callable[[], str | None]:
    """Optional: empty gives None (no ID number on file)."""
    def check() -> str | None:
        raw = clean_text(None if value is None else str(value), field=field, max_len=32,
                         required=False)
        if not raw:
            return None
        key = validate_id_number(raw)
        if key:
            raise Invalid({field: key})
        return normal_id_number(raw)
    return check


def choice(value: Any, field: str, options: Iterable[str]) -> Callable[[], str]:
    def check() -> str:
        if not value:
            raise Invalid({field: "roster.v.required"})
        if value not in tuple(options):
            raise Invalid({field: "roster.v.choice"})
        return str(value)
    return check


def skills(value: Iterable[str] | None, field: str = "skills") -> Callable[[], list[str]]:
    def check() -> list[str]:
        picked = set(value or ())
        if picked - set(SKILLS):
            raise Invalid({field: "roster.v.skill"})
        return [s for s in SKILLS if s in picked]  # one fixed order, so equal lists compare
    return check


def services(value: Iterable[str] | None, field: str = "services") -> Callable[[], list[str]]:
    def check() -> list[str]:
        out: list[str] = []
        for item in value or ():
            cleaned = clean_text(str(item), field=field, max_len=32, required=False)
            if cleaned and cleaned not in out:
                out.append(cleaned)
        if len(out) > MAX_SERVICES:
            raise Invalid({field: "roster.v.too_many"}, max=MAX_SERVICES)
        return out
    return check


def min_size(value: Any, field: str = "min_size") -> Callable[[], int]:
    def check() -> int:
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise Invalid({field: "roster.v.number"}) from None
        if not 0 <= n <= 500:
            raise Invalid({field: "roster.v.min_size"})
        return n
    return check


def member_fields(raw: dict[str, Any], *, keep_personal: bool = False) -> dict[str, Any]:
    """name, phone, id_number, skills, availability. With keep_personal an empty phone or
    ID number means "leave as it is" (edits never show them in full) and is left out."""
    checks: dict[str, Callable[[], Any]] = {
        "name": text(raw.get("name"), "name", 64),
        "skills": skills(raw.get("skills")),
        "availability": lambda: clean_availability(raw.get("availability")),
    }
    if not keep_personal or str(raw.get("phone") or "").strip():
        checks["phone"] = phone(raw.get("phone"))
    if not keep_personal or str(raw.get("id_number") or "").strip():
        checks["id_number"] = id_number(raw.get("id_number"))
    return collect(checks)


def team_fields(raw: dict[str, Any]) -> dict[str, Any]:
    return collect({"name": text(raw.get("name"), "name", 64),
                    "kind": choice(raw.get("kind"), "kind", TEAM_KINDS),
                    "min_size": min_size(raw.get("min_size", 3))})


def unit_fields(raw: dict[str, Any], *, keep_personal: bool = False) -> dict[str, Any]:
    checks: dict[str, Callable[[], Any]] = {
        "name": text(raw.get("name"), "name", 128),
        "kind": choice(raw.get("kind"), "kind", UNIT_KINDS),
        "contact_name": text(raw.get("contact_name"), "contact_name", 64, required=False),
        "services": services(raw.get("services")),
    }
    if not keep_personal or str(raw.get("contact_phone") or "").strip():
        checks["contact_phone"] = phone(raw.get("contact_phone"), "contact_phone",
                                        required=False)
    return collect(checks)


def officer_fields(raw: dict[str, Any], *, keep_personal: bool = False) -> dict[str, Any]:
    checks: dict[str, Callable[[], Any]] = {
        "name": text(raw.get("name"), "name", 64),
        "badge_no": text(raw.get("badge_no"), "badge_no", 16),
        "is_deputy_secretary": lambda: bool(raw.get("is_deputy_secretary")),
        "on_duty": lambda: bool(raw.get("on_duty", True)),
    }
    if not keep_personal or str(raw.get("phone") or "").strip():
        checks["phone"] = phone(raw.get("phone"))
    return collect(checks)
