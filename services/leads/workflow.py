"""The lead workflow: a table of allowed steps, each recorded as an event and in the audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from db.models import Community, Lead, LeadEvent, Officer, Station, Task, User
from services.core import audit, clock
from services.core.actor import Actor, Perm
from services.core.concurrency import last_change, update_versioned
from services.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from services.core.leadstate import DONE_STATUSES, UNACCEPTED_STATUSES, closed_level
from services.core.text import clean_text
from services.leads.common import (
    LEVELS,
    NOTE_MAX,
    STATUSES,
    LeadView,
    forget_loaded,
    load_visible,
    versioned_update,
    view_of,
)
from services.leads.dispatch import choose, officer_user, where_of
from services.leads.rules import deadline_minutes
from services.leads.tasks import cancel_with_lead

OPEN_STATUSES = tuple(s for s in STATUSES if s not in DONE_STATUSES)
ACTIVE = frozenset({"dispatched", "accepted", "in_progress", "returned", "escalated"})
H, S, V, R = Perm.HANDLE_LEAD, Perm.SUPERVISE_LEADS, Perm.VIEW_LEADS, Perm.REPORT_LEAD
BACK = "back"  # a step's target: the status the lead had before it was returned for more


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str | None  # None: the status stays (a comment)
    perms: tuple[Perm, ...]  # any one of them
    note_required: bool = False
    own: bool = False  # only whoever holds the lead now
    extras: tuple[str, ...] = field(default=())


TRANSITIONS: dict[str, Step] = {
    "accept": Step(frozenset({"dispatched", "returned", "escalated"}), "accepted", (H,)),
    "start": Step(frozenset({"accepted"}), "in_progress", (H,), own=True),
    "resolve": Step(frozenset({"accepted", "in_progress", "needs_info"}), "resolved", (H,), True,
                    own=True),
    "verify": Step(frozenset({"resolved"}), "verified", (S, H)),
    "reopen": Step(frozenset({"resolved"}), "in_progress", (S, H), True),
    "close": Step(frozenset({"verified"}), "closed", (S, H)),
    "escalate": Step(frozenset(OPEN_STATUSES), "escalated", (S, H), True),
    "return": Step(ACTIVE, "returned", (H,), True, own=True, extras=("community_id",)),
    "reassign": Step(frozenset(OPEN_STATUSES), "dispatched", (S,), extras=("officer_id",)),
    "duplicate": Step(frozenset(OPEN_STATUSES), "duplicate", (S, H), extras=("duplicate_of",)),
    "comment": Step(frozenset(STATUSES), None, (V,), True),
    # 退回补充: the holder asks the reporter a question; the reporter's answer gives it back.
    "ask_info": Step(ACTIVE, "needs_info", (H,), True, own=True),
    "answer_info": Step(frozenset({"needs_info"}), BACK, (R,), True),
    # the holder's movements, one tap each: steps with a time, the status stays
    "en_route": Step(frozenset({"accepted", "in_progress"}), None, (H,), own=True),
    "on_scene": Step(frozenset({"accepted", "in_progress"}), None, (H,), own=True),
}


def _holds(actor: Actor, lead: Lead) -> bool:
    return (actor.officer_id is not None and lead.assigned_officer_id == actor.officer_id) or (
        lead.assigned_user_id == actor.user_id)


def refusal(actor: Actor, lead: Lead, action: str) -> str | None:
    """Why `actor` may not take `action` on `lead` now (a translation key), or None."""
    step = TRANSITIONS[action]
    if not any(actor.can(p) for p in step.perms):
        return "error.permission_denied"
    if lead.status not in step.sources:
        return f"leads.refused.{action}"
    if step.own and not _holds(actor, lead):
        return "leads.not_holder"
    if action == "accept" and not (_holds(actor, lead) or actor.in_scope(lead.community_id)):
        return "leads.not_holder"
    if action in {"verify", "reopen"} and lead.resolved_by_user_id == actor.user_id:
        return "leads.verify_self"
    if action == "escalate" and lead.level == LEVELS[-1]:
        return "leads.top_level"
    if action == "answer_info" and lead.reporter_user_id != actor.user_id:
        return "leads.not_reporter"
    if action == "ask_info" and lead.reporter_user_id is None:
        return "leads.no_reporter"
    return None


def allowed_actions(actor: Actor, lead: Lead) -> list[str]:
    return [a for a in TRANSITIONS if refusal(actor, lead, a) is None]


def _accept_due(session: Session, lead: Lead, now: datetime) -> datetime:
    return now + timedelta(minutes=deadline_minutes(session, lead.category, lead.urgency)[0])


def _up_columns() -> tuple[Any, Any, Any]:
    """For a lead joined to its community: the community's officer, that officer's active
    account, and the station's duty supervisor when their account is active."""
    account = (select(func.min(User.id))
               .where(User.officer_id == Community.officer_id, User.active.is_(True))
               .scalar_subquery())
    duty = (select(Station.duty_supervisor_id).join(User, User.id == Station.duty_supervisor_id)
            .where(Station.id == Community.station_id, User.active.is_(True)).scalar_subquery())
    return Community.officer_id, account, duty


_UP = select(*_up_columns()).where(Community.id == bindparam("community_id"))


def _escalation(session: Session, lead: Lead, now: datetime) -> dict[str, Any]:
    row = session.execute(_UP, {"community_id": lead.community_id}).first()
    return _escalated_to(lead.level, *(row or (None, None, None)))


def _escalated_to(level_now: str, officer_id: int | None, officer_user_id: int | None,
                  duty_user_id: int | None) -> dict[str, Any]:
    """One level up: the community's officer, then the station's duty supervisor, then the
    district (every supervisor of the command centre). A level with nobody on it (no officer
    for the community, no active duty supervisor at the station) is passed over, so an
    escalated lead never waits unassigned at a level where nobody will see it as theirs."""
    for level in LEVELS[LEVELS.index(level_now) + 1:]:
        if level == "community" and officer_id is not None:
            return {"level": level, "assigned_officer_id": officer_id,
                    "assigned_user_id": officer_user_id}
        if level == "station" and duty_user_id is not None:
            return {"level": level, "assigned_user_id": duty_user_id}
    return {"level": "district", "assigned_user_id": None}


def _values(session: Session, actor: Actor, lead: Lead, action: str, note: str,
            now: datetime, extra: dict[str, Any]) -> dict[str, Any]:
    return _BUILDERS.get(action, lambda *_: {})(session, actor, lead, note, now, extra)


def _accept(s: Session, a: Actor, lead: Lead, note: str, now: datetime, x: dict) -> dict:
    return {"assigned_officer_id": a.officer_id or lead.assigned_officer_id,
            "assigned_user_id": a.user_id, "accepted_at": now}


def _resolve(s: Session, a: Actor, lead: Lead, note: str, now: datetime, x: dict) -> dict:
    by_team = s.scalar(select(Task.id).where(Task.lead_id == lead.id, Task.status == "done")
                       .limit(1)) is not None  # a lead closed by the team counts as the grid's
    return {"resolved_at": now, "resolution": note, "resolved_by_user_id": a.user_id,
            "closed_level": closed_level(lead.level, by_team=by_team)}


def _reopen(s: Session, a: Actor, lead: Lead, note: str, now: datetime, x: dict) -> dict:
    return {"resolved_at": None, "closed_level": None, "resolved_by_user_id": None}


def _escalate(s: Session, a: Actor, lead: Lead, note: str, now: datetime, x: dict) -> dict:
    return {**_escalation(s, lead, now), "accept_due_at": _accept_due(s, lead, now)}


def _return(s: Session, a: Actor, lead: Lead, note: str, now: datetime, x: dict) -> dict:
    community_id = x.get("community_id") or lead.community_id
    if where_of(s, community_id) is None:
        raise Invalid({"community_id": "leads.bad_community"})
    who = choose(s, community_id, exclude={i for i in (a.officer_id,
                                                       lead.assigned_officer_id) if i})
    values = {"community_id": community_id, "assigned_officer_id": who.officer_id,
              "assigned_user_id": who.user_id, "dispatch_rule": who.rule, "dispatched_at": now,
              "level": who.level, "accepted_at": None, "accept_due_at": _accept_due(s, lead, now)}
    if community_id != lead.community_id:
        values["grid_id"] = None
    return values


def _reassign(s: Session, a: Actor, lead: Lead, note: str, now: datetime, x: dict) -> dict:
    officer = s.get(Officer, x.get("officer_id") or 0)
    if officer is None or not officer.active:
        raise Invalid({"officer_id": "leads.bad_officer"})
    return {"assigned_officer_id": officer.id, "assigned_user_id": officer_user(s, officer.id),
            "dispatch_rule": "manual", "dispatched_at": now, "accepted_at": None,
            "accept_due_at": _accept_due(s, lead, now)}


def _duplicate(s: Session, a: Actor, lead: Lead, note: str, now: datetime, x: dict) -> dict:
    target_id = x.get("duplicate_of")
    try:
        target = load_visible(s, a, int(target_id or 0))
    except (NotFound, ValueError, TypeError):
        target = None
    if target is None or target.id == lead.id or target.duplicate_of_id == lead.id:
        raise Invalid({"duplicate_of": "leads.duplicate_target"})
    return {"duplicate_of_id": target.id}


_BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "accept": _accept, "resolve": _resolve, "reopen": _reopen, "escalate": _escalate,
    "return": _return, "reassign": _reassign, "duplicate": _duplicate,
    "close": lambda s, a, lead, note, now, x: {"closed_at": now},
}


def act(
    session: Session, *, actor: Actor, lead_id: int, action: str, shown_version: int,
    note: str = "", now: datetime | None = None, recorded: dict[str, Any] | None = None,
    **extra: Any,
) -> LeadView:
    """Take one workflow step on a lead shown at `shown_version`. `recorded`: what the step
    brought beside the lead's own fields (photos ...), kept in its event and audit entry.

    Raises Invalid (with the reason's key) for a step not allowed now, Conflict naming who
    changed the lead and when if it changed since it was shown.
    """
    step = TRANSITIONS.get(action)
    if step is None:
        raise Invalid(key="leads.bad_action")
    if not any(actor.can(p) for p in step.perms):
        raise PermissionDenied()
    now = now or clock.now()
    lead = load_visible(session, actor, lead_id)
    if step.target is not None and lead.version != shown_version:
        who, when = last_change(session, "lead", lead_id)
        raise Conflict(who=who, when=when)
    reason = refusal(actor, lead, action)
    if reason:
        raise Invalid(key=reason, status=lead.status)
    text = clean_text(note, field="note", max_len=NOTE_MAX, required=step.note_required)
    before = lead.status
    values = _values(session, actor, lead, action, text, now, extra)
    if step.target is not None:
        target = _status_before_ask(session, lead) if step.target == BACK else step.target
        update_versioned(session, Lead, lead.id, shown_version,
                         {**values, "status": target}, entity="lead")
        session.refresh(lead)
    record_step(session, actor, lead, action, before, text, now, {**values, **(recorded or {})})
    if action in ("close", "duplicate"):  # nobody should keep working on a finished lead
        cancel_with_lead(session, lead.id, actor, now,
                         "lead_closed" if action == "close" else "lead_duplicate")
    return view_of(lead)


def _status_before_ask(session: Session, lead: Lead) -> str:
    """Where an answered lead goes back to: its status when the question was asked."""
    before = session.scalar(select(LeadEvent.from_status).where(
        LeadEvent.lead_id == lead.id, LeadEvent.action == "ask_info")
        .order_by(LeadEvent.id.desc()).limit(1))
    return before or "dispatched"


def record_step(session: Session, actor: Actor | None, lead: Lead, action: str, before: str,
                note: str, now: datetime, values: dict[str, Any]) -> None:
    data = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()
            if k not in {"resolution"}}
    uid = (actor.user_id or None) if actor else None
    session.add(LeadEvent(lead_id=lead.id, at=now, actor_user_id=uid, action=action,
                          from_status=before, to_status=lead.status, note=note, data=data))
    audit.record(session, actor=actor, actor_name="system", action=f"leads.{action}",
                 entity="lead", entity_id=lead.id, before={"status": before},
                 after={"status": lead.status, **data})


def overdue_unescalated(now: datetime) -> Any:
    # A lead waiting for the reporter's answer is not the holder's delay: not escalated.
    return and_(
        Lead.status.in_([s for s in OPEN_STATUSES if s != "needs_info"]),
        Lead.level != LEVELS[-1],
        or_(and_(Lead.status.in_(UNACCEPTED_STATUSES), Lead.accept_due_at < now,
                 Lead.overdue_step < 1),
            and_(Lead.resolve_due_at < now, Lead.overdue_step < 2)),
    )


_LEADS = cast(Table, Lead.__table__)
_EVENTS = cast(Table, LeadEvent.__table__)
_INSERT_EVENTS = insert(_EVENTS)


def escalate_overdue(session: Session, *, now: datetime | None = None, limit: int = 200) -> int:
    """Escalate every overdue lead one level, once per missed deadline; returns how many.

    One read (the leads with whom each would go to), one versioned UPDATE per lead, then
    their events and audit entries in one insert each. On PostgreSQL the rows are claimed
    with FOR UPDATE SKIP LOCKED, so two servers running this at once never escalate one lead
    twice; on SQLite the sweep's write transaction holds the database.
    """
    now = now or clock.now()
    stmt = (select(Lead.id, Lead.version, Lead.status, Lead.level, Lead.resolve_due_at,
                   *_up_columns())
            .join(Community, Community.id == Lead.community_id)
            .where(overdue_unescalated(now)).order_by(Lead.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=Lead)
    events: list[dict[str, Any]] = []
    entries: list[audit.Entry] = []
    for lead_id, version, status, level, resolve_due, *up in session.execute(stmt).all():
        missed = 2 if resolve_due is not None and resolve_due < now else 1
        values = {**_escalated_to(level, *up), "overdue_step": missed}
        if not versioned_update(session, _LEADS, lead_id, version,
                                {**values, "status": "escalated"}):
            continue  # someone acted on it meanwhile; the next sweep looks again
        data = {**values, "deadline": "resolve" if missed == 2 else "accept"}
        events.append({"lead_id": lead_id, "at": now, "actor_user_id": None,
                       "action": "auto_escalate", "from_status": status,
                       "to_status": "escalated", "note": "", "data": data})
        entries.append(audit.Entry("leads.auto_escalate", "lead", lead_id, {"status": status},
                                   {"status": "escalated", **data}))
    if events:
        forget_loaded(session, Lead, [e["lead_id"] for e in events])
        session.execute(_INSERT_EVENTS, events)
        audit.record_many(session, actor=None, actor_name="system", entries=entries)
    return len(events)

