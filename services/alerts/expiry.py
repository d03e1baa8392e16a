"""Alerts whose validity window has ended: marked expired once, by the worker, and audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Alert
from services.alerts.common import PUBLISHED
from services.core import audit

BATCH = 500


def expire_alerts(session: Session, *, now: datetime, limit: int = BATCH) -> int:
    """Mark published alerts whose window ended before `now` as expired (expired_at), oldest
    first, in the caller's transaction; returns how many. Acknowledging and reporting
    sightings already stop at valid_to; the alert stays published so that its supervisor can
    still record the outcome. The version is kept: nobody's open form is invalidated."""
    stmt = (select(Alert.id, Alert.valid_to)
            .where(Alert.status == PUBLISHED, Alert.valid_to < now, Alert.expired_at.is_(None))
            .order_by(Alert.valid_to, Alert.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = session.execute(stmt).all()
    if not rows:
        return 0
    ids = [int(r[0]) for r in rows]
    session.execute(update(Alert).where(Alert.id.in_(ids), Alert.expired_at.is_(None))
                    .values(expired_at=now).execution_options(synchronize_session=False))
    audit.record_many(session, actor=None, actor_name="system", entries=[
        audit.Entry("alerts.expire", "alert", r[0], {"expired_at": None},
                    {"expired_at": now.isoformat(), "valid_to": r[1].isoformat()})
        for r in rows])
    return len(ids)
