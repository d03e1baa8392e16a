"""Leads left "new" because nobody in their chain was available, dispatched once someone is."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from db.models import Community, Lead, PoliceOffice, Station
from services import audit, clock
from services.actor import Actor
from services.leads.dispatch import Assignment, choose, dispatch_event
from services.leads.rules import active_rule_kinds, deadline_minutes

BATCH = 200  # a roster change or a sweep stays short; the next sweep takes the rest


def communities_reached(session: Session, *, officer_id: int | None = None,
                        user_id: int | None = None) -> list[int]:
    """Communities whose dispatch chain names this officer (their own officer or their
    office's backup) or this account (their station's duty supervisor)."""
    found: list[Any] = []
    if officer_id is not None:
        found.append(Community.officer_id == officer_id)
        found.append(Community.police_office_id.in_(select(PoliceOffice.id).where(
            PoliceOffice.backup_officer_id == officer_id)))
    if user_id is not None:
        found.append(Community.station_id.in_(select(Station.id).where(
            Station.duty_supervisor_id == user_id)))
    if not found:
        return []
    return list(session.scalars(select(Community.id).where(or_(*found)).order_by(Community.id)))


def _ready(session: Session, community_ids: Collection[int] | None) -> dict[int, Assignment]:
    """Who the rules reach now in each community that has waiting leads (one chain each)."""
    stmt = select(Lead.community_id).where(Lead.status == "new").group_by(Lead.community_id)
    if community_ids is not None:
        stmt = stmt.where(Lead.community_id.in_(sorted(set(community_ids))))
    waiting = list(session.scalars(stmt))
    kinds = active_rule_kinds(session) if waiting else []
    found = {c: choose(session, c, kinds=kinds) for c in waiting}
    return {c: who for c, who in found.items() if who.rule is not None}


def _claim(session: Session, lead_id: int, version: int, values: dict[str, Any]) -> bool:
    """Dispatch one lead if it is still "new" at the version read; False if someone else
    dispatched, escalated or changed it meanwhile (it is then left alone)."""
    result = session.execute(
        update(Lead)
        .where(Lead.id == lead_id, Lead.version == version, Lead.status == "new")
        .values(**values, status="dispatched", version=version + 1)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def dispatch_waiting(
    session: Session, *, actor: Actor | None = None,
    community_ids: Collection[int] | None = None, now: datetime | None = None,
    limit: int = BATCH,
) -> int:
    """Dispatch the "new" leads of `community_ids` (None: every community), oldest first, by
    the rules as on submit, in the caller's transaction; returns how many.

    Called after a change that may have made someone available (the change checked its
    own permission); `actor` is who made it, None for the periodic sweep. Each lead gets
    the submit's dispatch event and an audit entry; the time to accept counts from now.
    On PostgreSQL the rows are claimed with FOR UPDATE SKIP LOCKED.
    """
    if community_ids is not None and not community_ids:
        return 0
    ready = _ready(session, community_ids)
    if not ready:
        return 0
    now = now or clock.now()
    stmt = (select(Lead.id, Lead.version, Lead.community_id, Lead.category, Lead.urgency)
            .where(Lead.status == "new", Lead.community_id.in_(sorted(ready)))
            .order_by(Lead.created_at, Lead.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    minutes: dict[tuple[str, str], int] = {}
    entries: list[audit.Entry] = []
    for lead_id, version, community_id, category, urgency in session.execute(stmt).all():
        who = ready[community_id]
        if (category, urgency) not in minutes:
            minutes[category, urgency] = deadline_minutes(session, category, urgency)[0]
        values = {"level": who.level, "assigned_officer_id": who.officer_id,
                  "assigned_user_id": who.user_id, "dispatch_rule": who.rule,
                  "dispatched_at": now,
                  "accept_due_at": now + timedelta(minutes=minutes[category, urgency])}
        if not _claim(session, lead_id, version, values):
            continue
        session.add(dispatch_event(lead_id, now, who))
        entries.append(audit.Entry("leads.dispatch", "lead", lead_id, {"status": "new"},
                                   {"status": "dispatched", **values}))
    audit.record_many(session, actor=actor, actor_name="system", entries=entries)
    return len(entries)
