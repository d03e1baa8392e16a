"""The audit trail: every change and sign-in, in the caller's transaction, chained by hash."""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, event, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from db.base import utcnow
from db.engine import after_each_scope, begin_write
from db.models import AuditLog
from db.prepared import Prepared
from services.core.actor import Actor, Perm, on_refusal
from services.core.masking import mask_mapping

_PG_AUDIT_LOCK = 7_411_001  # advisory lock id: one writer at a time extends the chain
_log = logging.getLogger(__name__)


def _plain(value: str, limit: int) -> str:
    """Names and ids in the trail: control characters shown as U+FFFD, cut to the column."""
    return "".join("\ufffd" if unicodedata.category(ch) == "Cc" else ch for ch in value)[:limit]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")  # PostgreSQL refuses NUL, even inside JSON
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def _digest(prev_hash: str, row: dict[str, Any]) -> str:
    payload = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _row_fields(entry: AuditLog) -> dict[str, Any]:
    return _fields_of({k: getattr(entry, k) for k in _HASHED})


_HASHED = ("at", "actor_user_id", "actor_name", "action", "entity", "entity_id", "before",
           "after")


def _fields_of(row: dict[str, Any]) -> dict[str, Any]:
    """What the hash covers, from a stored entry or a row about to be inserted."""
    return {k: row["at"].isoformat(timespec="microseconds") if k == "at" else row[k]
            for k in _HASHED}


@dataclass(frozen=True)
class Entry:
    """One audit entry to write with `record_many`."""

    action: str
    entity: str = ""
    entity_id: Any = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


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
    record_many(session, actor=actor, actor_name=actor_name,
                entries=[Entry(action, entity, entity_id, before, after)])


def record_many(session: Session, *, actor: Actor | None, entries: list[Entry],
                actor_name: str | None = None) -> None:
    """Append entries in order, chained, in the caller's transaction: one lock, one read of
    the last hash and one batched insert, however many (imports write thousands)."""
    if not entries:
        return
    session.flush()  # entries queued earlier in this session come first in the chain
    # Plain statements on the transaction's own connection: nothing here is an ORM entity.
    append(session.connection(), actor=actor, entries=entries, actor_name=actor_name)


def append(conn: Connection, *, actor: Actor | None, entries: list[Entry],
           actor_name: str | None = None) -> None:
    """`record_many` on the transaction's connection, for a caller that holds it already and
    has nothing queued in its session (a lead's submission: one connection for all it does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK, {"k": _PG_AUDIT_LOCK})
    last = _LAST_HASH.execute(conn, {})
    prev = last[0][0] if last else ""
    who_id = (actor.user_id or None) if actor else None
    who = _plain(actor.username if actor else (actor_name or ""), 64)
    rows = []
    for e in entries:
        row: dict[str, Any] = {
            "at": utcnow(), "actor_user_id": who_id, "actor_name": who, "action": e.action,
            "entity": _plain(e.entity, 32), "entity_id": _plain(str(e.entity_id), 32),
            "before": _jsonable(mask_mapping(e.before)),
            "after": _jsonable(mask_mapping(e.after)), "prev_hash": prev,
        }
        row["hash"] = prev = _digest(prev, _fields_of(row))
        rows.append(row)
    # A prepared insert: the rows are never read back in this transaction, so the ORM's unit
    # of work would only add its bookkeeping (one statement either way, however many rows).
    _INSERT.execute(conn, rows)


_AUDIT = cast(Table, AuditLog.__table__)
_LAST_HASH = Prepared(select(_AUDIT.c.hash).order_by(_AUDIT.c.id.desc()).limit(1))
_INSERT = Prepared(insert(_AUDIT), keys=("at", "actor_user_id", "actor_name", "action", "entity",
                                         "entity_id", "before", "after", "prev_hash", "hash"))
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def exported(session: Session, *, actor: Actor, what: str, rows: int, fmt: str) -> None:
    """An export of records (CSV, Excel) leaves the building: record what and how many."""
    record(session, actor=actor, action="data.export", entity=what,
           after={"rows": rows, "format": fmt})


def revealed(session: Session, *, actor: Actor, entity: str, entity_id: Any,
             fields: list[str]) -> None:
    """A user looked at unmasked personal data: record whose and which fields."""
    record(session, actor=actor, action="data.reveal", entity=entity, entity_id=entity_id,
           after={"fields": sorted(fields)})


# Permission refusals. The refused action's transaction rolls back, taking anything written
# in it along, so a refusal is queued here (per thread/context) when services.core.actor.require
# refuses, and written in a short transaction of its own once the caller's transaction
# has ended, whether it committed or rolled back.
_pending: ContextVar[tuple[tuple[Actor, str, str], ...]] = ContextVar("pingan_refusals",
                                                                      default=())


@on_refusal
def _queue_refusal(actor: Actor, perm: Perm) -> None:
    _pending.set((*_pending.get(), (actor, str(perm), "")))


def record_refusal(session: Session, *, actor: Actor, perm: Perm | str, where: str = "") -> None:
    """A refusal seen outside the services (a page's guard), in the caller's transaction."""
    after = {"perm": str(perm), "where": where} if where else {"perm": str(perm)}
    record(session, actor=actor, action="auth.permission_denied", entity="permission",
           entity_id=str(perm), after=after)


def write_refusals(session: Session) -> int:
    """Write the queued refusals in `session`'s transaction; returns how many."""
    pending = _pending.get()
    _pending.set(())
    for actor, perm, where in pending:
        record_refusal(session, actor=actor, perm=perm, where=where)
    return len(pending)


def _write_pending(engine: Engine) -> None:
    # Not again from inside: the writing transaction's own end (its BEGIN failed, say) would
    # come back here with the refusals still queued, and again, until the stack ran out.
    if not _pending.get() or _writing.get():
        return
    token, queued = _writing.set(True), _pending.get()
    try:
        with Session(bind=engine) as own:  # closed even when its BEGIN fails
            write_refusals(begin_write(own))
            own.commit()
    except SQLAlchemyError:
        # Never hide the refusal the user is about to see behind a logging failure. Nothing
        # was written: the refusals stay queued for the next transaction to write.
        _pending.set(queued)
        _log.warning("could not write a permission refusal to the audit trail")
    finally:
        _writing.reset(token)


_writing: ContextVar[bool] = ContextVar("pingan_writing_refusals", default=False)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and _pending.get():
        try:
            engine = session.get_bind().engine
        except SQLAlchemyError:
            return
        _write_pending(engine)


after_each_scope(_write_pending)  # also when the refused call had not touched the database


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
