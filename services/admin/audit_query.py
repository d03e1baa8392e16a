"""Searching the audit trail: by actor, action, entity and day range, paged in SQL; each
entry's before/after as the list of fields it changed, ids named, personal fields masked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.models import (
    AuditLog,
    Community,
    Grid,
    Member,
    Officer,
    PoliceOffice,
    SocialUnit,
    Station,
    Team,
    User,
)
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.core.masking import mask_mapping

PER_PAGE_MAX = 200
# Fields holding the id of a named record: shown with the name (one query per kind a page).
NAMED_BY: dict[str, Any] = {
    "assigned_officer_id": Officer.name, "officer_id": Officer.name,
    "community_id": Community.name, "grid_id": Grid.name, "team_id": Team.name,
    "leader_member_id": Member.name, "member_id": Member.name,
    "social_unit_id": SocialUnit.name, "station_id": Station.name,
    "police_office_id": PoliceOffice.name, "assigned_user_id": User.display_name,
    "resolved_by_user_id": User.display_name, "responsible_user_id": User.display_name,
    "reporter_user_id": User.display_name,
}


@dataclass(frozen=True)
class Named:
    """A record's id with its name (its name "" when the record is gone)."""

    id: Any
    name: str


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry: its value before and after (`had`/`has`: whether the entry
    recorded one; a creation has nothing before, a removal nothing after)."""

    field: str
    before: Any
    after: Any
    had: bool
    has: bool


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None
            ) -> tuple[FieldChange, ...]:
    """The fields an entry records, in their order, leaving out those whose value stayed
    the same; personal fields masked (again: the trail stores them masked already)."""
    b, a = mask_mapping(before) or {}, mask_mapping(after) or {}
    keys = [*b, *(k for k in a if k not in b)]
    return tuple(FieldChange(k, b.get(k), a.get(k), k in b, k in a) for k in keys
                 if not (k in b and k in a and b[k] == a[k]))


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # username, exact (case-insensitive)
    action: str = ""  # exact ("user.unlock") or an area ending in a dot ("auth.")
    entity: str = ""
    entity_id: str = ""
    first_day: date | None = None  # Asia/Shanghai days, inclusive
    last_day: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str  # Asia/Shanghai, to the minute
    actor: str
    action: str
    entity: str
    entity_id: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def _where(f: AuditFilter) -> list[ColumnElement[bool]]:
    if f.first_day and f.last_day and f.first_day > f.last_day:
        raise Invalid({"days": "audit.bad_days"})
    conds: list[ColumnElement[bool]] = []
    if f.actor.strip():
        conds.append(func.lower(AuditLog.actor_name) == f.actor.strip().lower())
    action = f.action.strip()
    if action.endswith("."):
        conds.append(AuditLog.action.startswith(action, autoescape=True))
    elif action:
        conds.append(AuditLog.action == action)
    if f.entity.strip():
        conds.append(AuditLog.entity == f.entity.strip())
    if f.entity_id.strip():
        conds.append(AuditLog.entity_id == f.entity_id.strip())
    if f.first_day:
        conds.append(AuditLog.at >= clock.day_start(f.first_day))
    if f.last_day:
        conds.append(AuditLog.at < clock.day_range(f.last_day, f.last_day)[1])
    return conds


def _ids(value: Any) -> Iterable[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, int) and not isinstance(v, bool))


def _named(session: Session, rows: list[tuple[FieldChange, ...]]
           ) -> list[tuple[FieldChange, ...]]:
    """Ids of named records replaced by Named(id, name): one query per kind of record."""
    wanted: dict[Any, set[int]] = {}
    for row in rows:
        for c in row:
            if c.field in NAMED_BY:
                wanted.setdefault(NAMED_BY[c.field], set()).update(
                    [*_ids(c.before), *_ids(c.after)])
    found: dict[Any, dict[int, str]] = {}
    for column, ids in wanted.items():
        key = column.class_.id
        found[column] = dict(session.execute(select(key, column).where(key.in_(sorted(ids)))).all())

    def name(field: str, value: Any) -> Any:
        names = found.get(NAMED_BY.get(field))
        if names is None:
            return value
        if isinstance(value, list):
            return [name(field, v) for v in value]
        if isinstance(value, int) and not isinstance(value, bool):
            return Named(value, names.get(value, ""))
        return value

    return [tuple(FieldChange(c.field, name(c.field, c.before), name(c.field, c.after),
                              c.had, c.has) for c in row) for row in rows]


def search(session: Session, *, actor: Actor, filters: AuditFilter, page: int = 1,
           per_page: int = 50) -> AuditPage:
    """One page of matching entries, newest first; the count and the page come from SQL."""
    require(actor, Perm.VIEW_AUDIT)
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    conds = _where(filters)
    total = session.scalar(select(func.count()).select_from(AuditLog).where(*conds)) or 0
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    rows = session.execute(
        select(AuditLog.id, AuditLog.at, AuditLog.actor_name, AuditLog.action, AuditLog.entity,
               AuditLog.entity_id, AuditLog.before, AuditLog.after)
        .where(*conds).order_by(AuditLog.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    named = _named(session, [changes(r.before, r.after) for r in rows])
    return AuditPage(
        [AuditRow(r.id, clock.local(r.at), r.actor_name, r.action, r.entity, r.entity_id, c)
         for r, c in zip(rows, named, strict=True)],
        total, page, pages,
    )


def actions(session: Session, *, actor: Actor) -> list[str]:
    """The actions that occur in the trail, for the filter's choices."""
    require(actor, Perm.VIEW_AUDIT)
    return list(session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))


def entities(session: Session, *, actor: Actor) -> list[str]:
    """The kinds of record that occur in the trail, for the filter's choices."""
    require(actor, Perm.VIEW_AUDIT)
    return list(session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))


def verify(session: Session, *, actor: Actor) -> audit.ChainReport:
    """The admin page's 'check the chain' button."""
    require(actor, Perm.VIEW_AUDIT)
    return audit.verify_chain(session)
