"""Optimistic concurrency: an edit carries the version it showed; a stale edit is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditLog
from services.core import clock
from services.core.errors import Conflict, NotFound


def last_change(session: Session, entity: str, entity_id: Any) -> tuple[str, str]:
    """Who changed the record last and when (Asia/Shanghai), from the audit trail."""
    row = session.execute(
        select(AuditLog.actor_name, AuditLog.at)
        .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
        .order_by(AuditLog.id.desc()).limit(1)
    ).first()
    return (row[0], clock.local(row[1])) if row else ("?", "?")


def update_versioned(
    session: Session, model: Any, row_id: int, shown_version: int, values: dict[str, Any],
    *, entity: str,
) -> int:
    """UPDATE ... WHERE id = :id AND version = :shown; returns the new version.

    Raises Conflict naming who changed the row and when if it changed since it was shown,
    NotFound if it does not exist.
    """
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.version == shown_version)
        .values(**values, version=shown_version + 1)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return shown_version + 1
    if session.get(model, row_id) is None:
        raise NotFound()
    who, when = last_change(session, entity, row_id)
    raise Conflict(who=who, when=when)
