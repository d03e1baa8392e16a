"""Searching the audit trail: by actor, action, entity and day range, paged in SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.models import AuditLog
from services import audit, clock
from services.actor import Actor, Perm, require
from services.errors import Invalid

PER_PAGE_MAX = 200


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
    before: str  # JSON text: shown as text, never rendered
    after: str


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


def _text(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


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
    return AuditPage(
        [AuditRow(r.id, clock.local(r.at), r.actor_name, r.action, r.entity, r.entity_id,
                  _text(r.before), _text(r.after)) for r in rows],
        total, page, pages,
    )


def actions(session: Session, *, actor: Actor) -> list[str]:
    """The actions that occur in the trail, for the filter's choices."""
    require(actor, Perm.VIEW_AUDIT)
    return list(session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))


def verify(session: Session, *, actor: Actor) -> audit.ChainReport:
    """The admin page's 'check the chain' button."""
    require(actor, Perm.VIEW_AUDIT)
    return audit.verify_chain(session)
