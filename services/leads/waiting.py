"""Leads left "new" because nobody in their chain was available, dispatched once someone is."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Community,
    Deadline,
    DispatchRule,
    Lead,
    LeadEvent,
    PoliceOffice,
    Station,
)
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.leads.common import forget_loaded, versioned_update
from services.leads.dispatch import FALLBACK_MINUTES, Assignment, choose, dispatch_event_row
from services.leads.rules import DEFAULT_DEADLINES, RULE_KINDS, RuleRow, list_rules

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
    """Who the rules reach now in each community that has waiting leads (one read each,
    rules included)."""
    stmt = select(Lead.community_id).where(Lead.status == "new").group_by(Lead.community_id)
    if community_ids is not None:
        stmt = stmt.where(Lead.community_id.in_(sorted(set(community_ids))))
    found = {c: choose(session, c) for c in session.scalars(stmt)}
    return {c: who for c, who in found.items() if who.rule is not None}


def _accept_minutes(category: Any) -> Any:
    return (select(func.min(Deadline.accept_minutes))
            .where(Deadline.urgency == Lead.urgency, Deadline.category == category)
            .correlate(Lead).scalar_subquery())


_LEADS = cast(Table, Lead.__table__)
_EVENTS = cast(Table, LeadEvent.__table__)
_INSERT_EVENTS = insert(_EVENTS)


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
    Each lead is claimed by an UPDATE that holds only while it is still "new" at the version
    read (else it is left alone); on PostgreSQL the rows are read FOR UPDATE SKIP LOCKED.
    """
    if community_ids is not None and not community_ids:
        return 0
    ready = _ready(session, community_ids)
    if not ready:
        return 0
    now = now or clock.now()
    stmt = (select(Lead.id, Lead.version, Lead.community_id, Lead.urgency,
                   _accept_minutes(Lead.category), _accept_minutes("*"))
            .where(Lead.status == "new", Lead.community_id.in_(sorted(ready)))
            .order_by(Lead.created_at, Lead.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    events: list[dict[str, Any]] = []
    entries: list[audit.Entry] = []
    for lead_id, version, community_id, urgency, own, anyone in session.execute(stmt).all():
        who = ready[community_id]
        accept = own if own is not None else anyone
        if accept is None:
            accept = DEFAULT_DEADLINES.get(urgency, FALLBACK_MINUTES)[0]
        values = {"level": who.level, "assigned_officer_id": who.officer_id,
                  "assigned_user_id": who.user_id, "dispatch_rule": who.rule,
                  "dispatched_at": now, "accept_due_at": now + timedelta(minutes=accept)}
        if not versioned_update(session, _LEADS, lead_id, version,
                                {**values, "status": "dispatched"}, status="new"):
            continue  # dispatched, escalated or changed meanwhile: left alone
        events.append(dispatch_event_row(lead_id, now, who))
        entries.append(audit.Entry("leads.dispatch", "lead", lead_id, {"status": "new"},
                                   {"status": "dispatched", **values}))
    if events:
        forget_loaded(session, Lead, [e["lead_id"] for e in events])
        session.execute(_INSERT_EVENTS, events)
        audit.record_many(session, actor=actor, actor_name="system", entries=entries)
    return len(events)


def save_rules(session: Session, *, actor: Actor, rules: Sequence[RuleRow]) -> None:
    """Replace the rules with `rules`, in the order given, and dispatch the leads that were
    waiting for a rule that now reaches someone. Audited."""
    require(actor, Perm.EDIT_SETTINGS)
    kinds = [r.kind for r in rules]
    if not rules or any(k not in RULE_KINDS for k in kinds) or len(set(kinds)) != len(kinds):
        raise Invalid({"rules": "leads.rules_bad"})
    if not any(r.active for r in rules):
        raise Invalid({"rules": "leads.rules_none_active"})
    before = [r.__dict__ for r in list_rules(session)]
    session.execute(delete(DispatchRule))
    ordered = sorted(rules, key=lambda r: r.position)
    for i, r in enumerate(ordered, start=1):
        session.add(DispatchRule(position=i, kind=r.kind, active=bool(r.active)))
    session.flush()
    audit.record(session, actor=actor, action="leads.rules", entity="dispatch_rule",
                 before={"rules": before},
                 after={"rules": [{"position": i, "kind": r.kind, "active": r.active}
                                  for i, r in enumerate(ordered, start=1)]})
    dispatch_waiting(session, actor=actor)
