"""Dispatch rules and deadlines as data: read with built-in defaults, edited by an admin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Deadline, DispatchRule
from services.core import audit
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.leads.common import CATEGORIES, URGENCIES

RULE_KINDS = ("community_officer", "office_backup", "station_duty_supervisor")
# Minutes to accept and to resolve, per urgency, used while the deadline table is empty.
DEFAULT_DEADLINES = {"emergency": (5, 120), "urgent": (30, 24 * 60), "routine": (240, 72 * 60)}
MAX_MINUTES = 60 * 24 * 365


@dataclass(frozen=True)
class RuleRow:
    position: int
    kind: str
    active: bool


@dataclass(frozen=True)
class DeadlineRow:
    category: str  # '*' = any category
    urgency: str
    accept_minutes: int
    resolve_minutes: int


def default_rules() -> list[RuleRow]:
    return [RuleRow(i + 1, k, True) for i, k in enumerate(RULE_KINDS)]


def default_deadlines() -> list[DeadlineRow]:
    return [DeadlineRow("*", u, a, r) for u, (a, r) in DEFAULT_DEADLINES.items()]


def list_rules(session: Session) -> list[RuleRow]:
    """The rules in order; the built-in order when the table is empty."""
    rows = session.execute(select(DispatchRule.position, DispatchRule.kind, DispatchRule.active)
                           .order_by(DispatchRule.position, DispatchRule.id)).all()
    return [RuleRow(p, k, a) for p, k, a in rows] if rows else default_rules()


def list_deadlines(session: Session) -> list[DeadlineRow]:
    rows = session.execute(select(Deadline.category, Deadline.urgency, Deadline.accept_minutes,
                                  Deadline.resolve_minutes)
                           .order_by(Deadline.urgency, Deadline.category)).all()
    return [DeadlineRow(*r) for r in rows] if rows else default_deadlines()


def deadline_minutes(session: Session, category: str, urgency: str) -> tuple[int, int]:
    """(accept, resolve) minutes: the category's own row, else '*', else the default."""
    rows = session.execute(
        select(Deadline.category, Deadline.accept_minutes, Deadline.resolve_minutes)
        .where(Deadline.urgency == urgency, Deadline.category.in_([category, "*"]))
    ).all()
    by_cat = {c: (a, r) for c, a, r in rows}
    return by_cat.get(category) or by_cat.get("*") or DEFAULT_DEADLINES.get(urgency, (240, 4320))


def save_deadlines(session: Session, *, actor: Actor, rows: Sequence[DeadlineRow]) -> None:
    """Replace the deadline table. Every urgency needs a '*' row, so nothing falls through."""
    require(actor, Perm.EDIT_SETTINGS)
    seen: set[tuple[str, str]] = set()
    for r in rows:
        ok = (r.category in (*CATEGORIES, "*") and r.urgency in URGENCIES
              and 0 < int(r.accept_minutes) <= int(r.resolve_minutes) <= MAX_MINUTES
              and (r.category, r.urgency) not in seen)
        if not ok:
            raise Invalid({"deadlines": "leads.deadlines_bad"})
        seen.add((r.category, r.urgency))
    if any(("*", u) not in seen for u in URGENCIES):
        raise Invalid({"deadlines": "leads.deadlines_missing"})
    before = [r.__dict__ for r in list_deadlines(session)]
    session.execute(delete(Deadline))
    session.add_all(Deadline(category=r.category, urgency=r.urgency,
                             accept_minutes=int(r.accept_minutes),
                             resolve_minutes=int(r.resolve_minutes)) for r in rows)
    session.flush()
    audit.record(session, actor=actor, action="leads.deadlines", entity="deadline",
                 before={"deadlines": before}, after={"deadlines": [r.__dict__ for r in rows]})
