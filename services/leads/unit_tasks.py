"""Social units (the "N") take shared tasks: the officer gives one to a unit of the lead's
community (a bank branch, a property company, a school) and records what it reports back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import SocialUnit, Task
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.concurrency import last_change, update_versioned
from services.core.errors import Conflict, Invalid
from services.core.leadstate import OPEN_STATUSES
from services.core.scope import community_filter
from services.core.text import clean_text
from services.leads.common import NOTE_MAX, load_visible
from services.leads.tasks import _not_found, _on_timeline

TITLE_MAX = 200


def unit_choices(session: Session, *, actor: Actor, lead_id: int) -> list[tuple[int, str]]:
    """The active social units of the lead's community, for an officer who handles leads."""
    require(actor, Perm.HANDLE_LEAD)
    lead = load_visible(session, actor, lead_id)
    rows = session.execute(select(SocialUnit.id, SocialUnit.name).where(
        SocialUnit.community_id == lead.community_id, SocialUnit.active.is_(True))
        .order_by(SocialUnit.name, SocialUnit.id)).all()
    return [(int(i), n) for i, n in rows]


def _task_texts(title: str, description: str, errors: dict[str, str]) -> tuple[str, str]:
    """Both texts checked at once, with the unit's problem found before: one submit shows
    every message under its field."""
    params: dict[str, Any] = {}
    out = []
    for field, value, max_len, required in (("title", title, TITLE_MAX, True),
                                            ("description", description, NOTE_MAX, False)):
        try:
            out.append(clean_text(value, field=field, max_len=max_len, required=required))
        except Invalid as exc:
            errors.update(exc.fields)
            params.update(exc.params)
    if errors:
        raise Invalid(errors, None, **params)
    return out[0], out[1]


def give_task_to_unit(session: Session, *, actor: Actor, lead_id: int,
                      social_unit_id: int | None, title: str, description: str = "",
                      now: datetime | None = None) -> int:
    """A task the unit takes at once (agreed with the officer); on the lead's timeline."""
    require(actor, Perm.HANDLE_LEAD)
    now = now or clock.now()
    lead = load_visible(session, actor, lead_id)
    if lead.status not in OPEN_STATUSES:
        raise Invalid(key="leads.task_lead_closed")
    unit = session.get(SocialUnit, social_unit_id) if social_unit_id is not None else None
    errors: dict[str, str] = {}
    if social_unit_id is None:
        errors["social_unit_id"] = "leads.unit_required"
    elif unit is None or not unit.active or unit.community_id != lead.community_id:
        errors["social_unit_id"] = "leads.bad_unit"
    clean_title, clean_desc = _task_texts(title, description, errors)
    assert unit is not None  # no error: the unit was found
    task = Task(lead_id=lead.id, community_id=lead.community_id, title=clean_title,
                description=clean_desc, created_by=actor.user_id or None, created_at=now,
                social_unit_id=unit.id, status="claimed", claimed_at=now)
    session.add(task)
    session.flush()
    _on_timeline(session, actor, task, "task", clean_title, now, social_unit_id=unit.id)
    audit.record(session, actor=actor, action="leads.task_unit", entity="task",
                 entity_id=task.id, after={"lead_id": lead.id, "social_unit_id": unit.id})
    return task.id


def record_unit_report(session: Session, *, actor: Actor, task_id: int, shown_version: int,
                       report: str, now: datetime | None = None) -> None:
    """The officer records the unit's report-back: the task is done, as a member's would be."""
    require(actor, Perm.HANDLE_LEAD)
    now = now or clock.now()
    task = session.scalar(select(Task).where(Task.id == task_id,
                                             community_filter(actor, Task.community_id)))
    if task is None:
        _not_found(session, actor, task_id)  # another community's task: audited, "not found"
    if task.version != shown_version:  # recorded or cancelled meanwhile: say who, and when
        who, when = last_change(session, "task", task_id)
        raise Conflict(who=who, when=when)
    if task.social_unit_id is None or task.status != "claimed":
        raise Invalid(key="leads.task_not_unit")
    text = clean_text(report, field="report", max_len=NOTE_MAX)
    update_versioned(session, Task, task_id, shown_version,
                     {"status": "done", "report": text, "done_at": now}, entity="task")
    session.refresh(task)
    _on_timeline(session, actor, task, "task_done", text, now, social_unit_id=task.social_unit_id)
    audit.record(session, actor=actor, action="leads.task_unit_done", entity="task",
                 entity_id=task_id, before={"status": "claimed"}, after={"status": "done"})
