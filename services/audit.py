"""The audit trail: every change and sign-in, in the caller's transaction, chained by hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import AuditLog
from services.actor import Actor
from services.masking import mask_mapping

_PG_AUDIT_LOCK = 7_411_001  # advisory lock id: one writer at a time extends the chain


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def _digest(prev_hash: str, row: dict[str, Any]) -> str:
    payload = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _row_fields(entry: AuditLog) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_user_id": entry.actor_user_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
    }


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    entity: str = "",
    entity_id: Any = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> None:
    """Append one audit entry in the caller's transaction. Personal fields are masked."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev = session.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)) or ""
    entry = AuditLog(
        at=utcnow(),
        actor_user_id=(actor.user_id or None) if actor else None,
        actor_name=actor.username if actor else (actor_name or ""),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_jsonable(mask_mapping(before)),
        after=_jsonable(mask_mapping(after)),
        prev_hash=prev,
    )
    entry.hash = _digest(prev, _row_fields(entry))
    session.add(entry)
    session.flush()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first entry whose hash or link does not hold."""
    prev = ""
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditLog).where(AuditLog.id > last_id).order_by(AuditLog.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(checked, None)
        for entry in rows:
            if entry.prev_hash != prev or entry.hash != _digest(prev, _row_fields(entry)):
                return ChainReport(checked, entry.id)
            prev = entry.hash
            checked += 1
            last_id = entry.id
        session.expunge_all()


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The named attributes of a model object, for before/after records."""
    return {f: getattr(obj, f) for f in fields}
