"""The audit trail in people's words: actions, records and fields by their labels, each
entry's changes as 'field: before → after', values by their labels (services.admin.audit_query)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from services.admin.audit_query import AuditRow, FieldChange, Named
from services.core import clock
from services.stats import fmt
from ui.core.i18n import catalogue, lang, t
from ui.core.places import place

# The catalogue prefix naming a field's coded values, by field (and by entity where the
# same field means different things: a lead's status is not a task's).
VALUES: dict[tuple[str, str], str] = {
    ("lead", "status"): "leads.status", ("task", "status"): "leads.task_status",
    ("alert", "status"): "alerts.status", ("assistance_measure", "status"):
    "cases.measure_status", ("team", "kind"): "roster.kind",
    ("social_unit", "kind"): "roster.unit_kind", ("dispute", "kind"): "disputes.kind",
    ("assistance_measure", "kind"): "cases.kind",
    ("incident_count", "mode"): "stats.import.kind",
    ("incident_count", "on_existing"): "stats.import.mode",
    ("import_mapping", "target"): "stats.import.target",
}
# Fields whose value is a mapping keyed by codes (an import's counts by category), and text
# fields of comma-separated lines holding codes (an import's replaced counts): the codes'
# catalogue prefix.
KEYS: dict[str, str] = {"counted": "stats.cat"}
TOKENS: dict[str, str] = {"changes": "stats.cat"}
FIELD_VALUES: dict[str, str] = {
    "category": "leads.category", "urgency": "leads.urgency", "level": "leads.level",
    "closed_level": "leads.level", "dispatch_rule": "leads.rule", "role": "role",
    "scope_kind": "scope", "skills": "roster.skill", "department": "cases.department",
    "outcome": "alerts.outcome", "perm": "audit.perm",
}
# Fields naming a place: in English shown by its pinyin name (ui.core.places), as on every page.
PLACES = frozenset({"community_id", "station_id", "police_office_id"})
PLAIN = frozenset({"id", "seed", "duplicate_of"})  # numbers that are names, not amounts
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _known(key: str) -> bool:
    return key in catalogue(lang())


def _coded(prefix: str, code: str) -> str:
    """A code by its label under prefix, or as it is (a date, a number) when it has none."""
    key = f"{prefix}.{code}"
    return t(key) if _known(key) else code


def action_label(code: str) -> str:
    """'leads.auto_escalate' -> '超时自动升级'; an area ('auth.') -> its name and 'all'."""
    if code.endswith("."):
        return t("audit.area_all", area=area_label(code[:-1]))
    key = f"audit.act.{code}"
    if _known(key):
        return t(key)
    return t("audit.act_other", area=area_label(code.split(".")[0]))


def area_label(area: str) -> str:
    key = f"audit.area.{area}"
    return t(key) if _known(key) else t("audit.area_other")


def entity_label(entity: str) -> str:
    """'lead' -> '线索'; an export's table ('stats.members') by the table's name."""
    if not entity:
        return ""
    for key in (f"audit.entity.{entity}", f"stats.table.{entity.removeprefix('stats.')}"):
        if _known(key):
            return t(key)
    return t("audit.entity_other")


def field_label(field: str) -> str:
    key = f"audit.field.{field}"
    return t(key) if _known(key) else field.replace("_", " ")


def value_text(entity: str, field: str, value: Any) -> str:
    """A stored value as a person reads it: labels for codes, names for ids, local times."""
    if value is None or value == "":
        return fmt.DASH
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, Named):
        name = place(value.name) if field in PLACES else value.name
        return t("audit.named", name=name, id=value.id) if value.name else \
            t("audit.named_gone", id=value.id)
    if isinstance(value, list):
        return t("audit.list_sep").join(value_text(entity, field, v) for v in value) \
            if value else fmt.DASH
    if isinstance(value, dict):
        keys = KEYS.get(field)
        return t("audit.item_sep").join(t("audit.field_value", field=_coded(keys, k) if keys
                                          else field_label(k), value=value_text(entity, k, v))
                                        for k, v in value.items())
    if isinstance(value, int | float):
        return str(value) if field.endswith("_id") or field in PLAIN else fmt.cell(value)
    text = str(value)
    if field in TOKENS:
        return "\n".join(",".join(_coded(TOKENS[field], token) for token in line.split(","))
                         for line in text.splitlines())
    prefix = VALUES.get((entity, field)) or FIELD_VALUES.get(field)
    for key in (f"{prefix}.{text}" if prefix else "", f"audit.value.{field}.{text}"):
        if key and _known(key):
            return t(key)
    if _ISO.match(text):
        try:
            return clock.local(datetime.fromisoformat(text))
        except ValueError:
            return text
    return text


def change_text(entity: str, c: FieldChange) -> str:
    """'状态：已派单 → 已升级'; a new value alone; a removed one '… → （已删除）'."""
    name = field_label(c.field)
    if not c.had:
        return t("audit.field_value", field=name, value=value_text(entity, c.field, c.after))
    after = value_text(entity, c.field, c.after) if c.has else t("audit.removed")
    return t("audit.field_change", field=name, before=value_text(entity, c.field, c.before),
             after=after)


def row_changes(row: AuditRow) -> list[str]:
    return [change_text(row.entity, c) for c in row.changes]
