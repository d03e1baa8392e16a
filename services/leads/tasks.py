"""Shared tasks (任务共领): an officer turns a lead into a task; team members claim and report;
the task's creator, the lead's officer or a supervisor may cancel it, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Community, Lead, LeadEvent, Member, SocialUnit, Task, Team, User
from services.core import audit, clock
from services.core.actor import Actor, Perm, refuse, refused_quietly, require
from services.core.concurrency import update_versioned
from services.core.errors import Invalid, NotFound
from services.core.leadstate import OPEN_STATUSES
from services.core.scope import community_filter
from services.core.text import clean_text
from services.leads.common import NOTE_MAX, load_visible, team_ids

TASK_STATUSES = ("open", "claimed", "done", "cancelled")
CANCELLABLE = ("open", "claimed")
REASON_MAX = 500
_CLAIMER = aliased(Member)  # made once: an alias copies every column
_CANCELLER = aliased(User)


@dataclass(frozen=True)
class TaskView:
    id: int
    lead_id: int | None
    community: str
    team: str
    title: str
    description: str
    status: str
    claimed_by: str
    report: str
    created_at: datetime
    version: int
    claimed_by_me: bool = False
    may_cancel: bool = False  # the actor may cancel it now
    cancel_cause: str | None = None  # by_hand | lead_closed | lead_duplicate
    cancel_reason: str = ""
    cancelled_by: str = ""
    cancelled_at: datetime | None = None
    unit: str = ""  # the social unit that took it (services.leads.unit_tasks), if one did


def _member_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    teams = team_ids(session, actor)
    communities = select(Team.community_id).where(Team.id.in_(teams or [0]))
    return or_(Task.team_id.in_(teams or [0]),
               Task.team_id.is_(None) & Task.community_id.in_(communities))


def task_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    """Team members see their teams' tasks; everyone else the tasks of their scope."""
    if actor.member_id is not None and not actor.can(Perm.HANDLE_LEAD):
        return _member_scope(session, actor)
    return community_filter(actor, Task.community_id)


def _may_cancel(actor: Actor, created_by: int | None, lead_officer_id: int | None,
                lead_user_id: int | None) -> bool:
    """Supervisors and admins (within their scope), the task's creator, the lead's officer."""
    if not (actor.can(Perm.HANDLE_LEAD) or actor.can(Perm.SUPERVISE_LEADS)):
        return False
    mine = actor.user_id != 0 and actor.user_id in (created_by, lead_user_id)
    return (actor.can(Perm.SUPERVISE_LEADS) or mine
            or (actor.officer_id is not None and lead_officer_id == actor.officer_id))


def _on_timeline(session: Session, actor: Actor | None, task: Task, action: str, note: str,
                 now: datetime, **data: Any) -> None:
    """A step of the task, shown on its lead's timeline for the officer."""
    if task.lead_id is None:
        return
    status = session.scalar(select(Lead.status).where(Lead.id == task.lead_id)) or ""
    session.add(LeadEvent(lead_id=task.lead_id, at=now,
                          actor_user_id=(actor.user_id or None) if actor else None,
                          action=action, from_status=status, to_status=status, note=note,
                          data={"task_id": task.id, **data}))


def create_task(session: Session, *, actor: Actor, lead_id: int, title: str,
                description: str = "", team_id: int | None = None,
                now: datetime | None = None) -> int:
    """A task for the lead's community (or one of its teams); recorded on the lead."""
    require(actor, Perm.HANDLE_LEAD)
    now = now or clock.now()
    lead = load_visible(session, actor, lead_id)
    if lead.status not in OPEN_STATUSES:
        raise Invalid(key="leads.task_lead_closed")
    clean_title = clean_text(title, field="title", max_len=200)
    clean_desc = clean_text(description, field="description", max_len=NOTE_MAX, required=False)
    if team_id is not None:
        team = session.get(Team, team_id)
        if team is None or team.community_id != lead.community_id:
            raise Invalid({"team_id": "leads.bad_team"})
    task = Task(lead_id=lead.id, community_id=lead.community_id, team_id=team_id,
                title=clean_title, description=clean_desc, created_by=actor.user_id or None,
                created_at=now)
    session.add(task)
    session.flush()
    _on_timeline(session, actor, task, "task", clean_title, now, team_id=team_id)
    audit.record(session, actor=actor, action="leads.task_create", entity="task",
                 entity_id=task.id, after={"lead_id": lead.id, "team_id": team_id})
    return task.id


def list_tasks(session: Session, *, actor: Actor, statuses: tuple[str, ...] = (),
               lead_id: int | None = None, limit: int = 200) -> list[TaskView]:
    """The actor's tasks, newest first; with `lead_id`, every task of that lead (if the actor
    may see the lead), as its page lists them."""
    require(actor, Perm.VIEW_LEADS)
    claimer = func.coalesce(_CLAIMER.name, SocialUnit.name)  # a member, or the social unit
    stmt = (select(Task, Community.name, Team.name, claimer, _CANCELLER.display_name,
                   Lead.assigned_officer_id, Lead.assigned_user_id, SocialUnit.name)
            .join(Community, Community.id == Task.community_id)
            .outerjoin(Team, Team.id == Task.team_id)
            .outerjoin(_CLAIMER, _CLAIMER.id == Task.claimed_by_member_id)
            .outerjoin(SocialUnit, SocialUnit.id == Task.social_unit_id)
            .outerjoin(_CANCELLER, _CANCELLER.id == Task.cancelled_by)
            .outerjoin(Lead, Lead.id == Task.lead_id))
    if lead_id is not None:
        stmt = stmt.where(Task.lead_id == load_visible(session, actor, lead_id).id)
    else:
        stmt = stmt.where(task_scope(session, actor))
    if statuses:
        stmt = stmt.where(Task.status.in_(statuses))
    rows = session.execute(stmt.order_by(Task.id.desc()).limit(limit)).all()
    return [TaskView(
        id=x.id, lead_id=x.lead_id, community=community, team=team or "", title=x.title,
        description=x.description, status=x.status, claimed_by=claimer or "", report=x.report,
        created_at=x.created_at, version=x.version,
        claimed_by_me=actor.member_id is not None and x.claimed_by_member_id == actor.member_id,
        may_cancel=x.status in CANCELLABLE and _may_cancel(actor, x.created_by, officer, user),
        cancel_cause=x.cancel_cause, cancel_reason=x.cancel_reason,
        cancelled_by=canceller or "", cancelled_at=x.cancelled_at, unit=unit or "",
    ) for x, community, team, claimer, canceller, officer, user, unit in rows]


def _task_for_member(session: Session, actor: Actor, task_id: int, lock: bool) -> Task:
    if actor.member_id is None:
        raise Invalid(key="leads.not_member")
    stmt = select(Task).where(Task.id == task_id, _member_scope(session, actor))
    if lock and session.get_bind().dialect.name == "postgresql":
        # A claim takes the row or steps aside: two members never both get one task.
        stmt = stmt.with_for_update(skip_locked=True)
    task = session.scalar(stmt)
    if task is None:
        if lock and session.scalar(select(Task.id).where(Task.id == task_id,
                                                         _member_scope(session, actor))):
            raise Invalid(key="leads.task_taken")  # locked: someone is claiming it right now
        _not_found(session, actor, task_id)
    return task


def _not_found(session: Session, actor: Actor, task_id: int) -> NoReturn:
    """Another team's or community's task is 'not found' (ids reveal nothing), but audited."""
    if session.scalar(select(Task.id).where(Task.id == task_id)) is not None:
        refused_quietly(actor, f"scope:task:{task_id}")
    raise NotFound()


def claim_task(session: Session, *, actor: Actor, task_id: int, shown_version: int,
               now: datetime | None = None) -> None:
    require(actor, Perm.VIEW_LEADS)
    now = now or clock.now()
    task = _task_for_member(session, actor, task_id, lock=True)
    if task.status != "open":
        raise Invalid(key="leads.task_taken")
    update_versioned(session, Task, task.id, shown_version,
                     {"status": "claimed", "claimed_by_member_id": actor.member_id,
                      "claimed_at": now}, entity="task")
    audit.record(session, actor=actor, action="leads.task_claim", entity="task",
                 entity_id=task.id, before={"status": "open"}, after={"status": "claimed"})


def _claimed_by_actor(session: Session, actor: Actor, task_id: int, refusal: str) -> Task:
    task = _task_for_member(session, actor, task_id, lock=False)
    if task.status != "claimed" or task.claimed_by_member_id != actor.member_id:
        raise Invalid(key=refusal)
    return task


def finish_task(session: Session, *, actor: Actor, task_id: int, shown_version: int,
                report: str, now: datetime | None = None) -> None:
    """The claimant reports back; the report lands on the lead's timeline for the officer."""
    require(actor, Perm.VIEW_LEADS)
    now = now or clock.now()
    task = _claimed_by_actor(session, actor, task_id, "leads.task_not_yours")
    text = clean_text(report, field="report", max_len=NOTE_MAX)
    update_versioned(session, Task, task.id, shown_version,
                     {"status": "done", "report": text, "done_at": now}, entity="task")
    _on_timeline(session, actor, task, "task_done", text, now)
    audit.record(session, actor=actor, action="leads.task_done", entity="task",
                 entity_id=task.id, before={"status": "claimed"}, after={"status": "done"})


def unclaim_task(session: Session, *, actor: Actor, task_id: int, shown_version: int,
                 now: datetime | None = None) -> None:
    """The claimant gives the task back: open again, for another member to claim."""
    require(actor, Perm.VIEW_LEADS)
    now = now or clock.now()
    task = _claimed_by_actor(session, actor, task_id, "leads.task_not_yours_to_give_back")
    update_versioned(session, Task, task.id, shown_version,
                     {"status": "open", "claimed_by_member_id": None, "claimed_at": None},
                     entity="task")
    _on_timeline(session, actor, task, "task_unclaim", "", now)
    audit.record(session, actor=actor, action="leads.task_unclaim", entity="task",
                 entity_id=task.id, before={"status": "claimed", "member_id": actor.member_id},
                 after={"status": "open"})


def cancel_task(session: Session, *, actor: Actor, task_id: int, shown_version: int,
                reason: str, now: datetime | None = None) -> None:
    """Cancel an open or claimed task, with a reason: its creator, the lead's officer, or a
    supervisor or admin whose scope holds it. Members then see it cancelled, with the reason.

    Out of scope: NotFound (audited). Raises Conflict if the task changed since it was shown.
    """
    if not (actor.can(Perm.HANDLE_LEAD) or actor.can(Perm.SUPERVISE_LEADS)):
        refuse(actor, Perm.HANDLE_LEAD, f"task:{task_id}")
    now = now or clock.now()
    task = session.scalar(select(Task).where(Task.id == task_id,
                                             community_filter(actor, Task.community_id)))
    if task is None:
        _not_found(session, actor, task_id)
    lead = session.get(Lead, task.lead_id) if task.lead_id is not None else None
    if not _may_cancel(actor, task.created_by, lead.assigned_officer_id if lead else None,
                       lead.assigned_user_id if lead else None):
        refuse(actor, Perm.HANDLE_LEAD, f"task:{task.id}")
    if task.status not in CANCELLABLE:
        raise Invalid(key="leads.task_not_cancellable")
    text = clean_text(reason, field="reason", max_len=REASON_MAX)
    before = task.status
    update_versioned(session, Task, task.id, shown_version,
                     _cancelled(actor, now, "by_hand", text), entity="task")
    _on_timeline(session, actor, task, "task_cancel", text, now)
    audit.record(session, actor=actor, action="leads.task_cancel", entity="task",
                 entity_id=task.id, before={"status": before},
                 after={"status": "cancelled", "reason": text})


def _cancelled(actor: Actor | None, now: datetime, cause: str, reason: str) -> dict[str, Any]:
    return {"status": "cancelled", "cancelled_at": now, "cancel_cause": cause,
            "cancel_reason": reason,
            "cancelled_by": (actor.user_id or None) if actor else None}


def cancel_with_lead(session: Session, lead_id: int, by: Actor | None,
                     now: datetime, cause: str = "lead_closed") -> list[int]:
    """Cancel the lead's open and claimed tasks as it closes or is marked a duplicate, in that
    step's transaction (the step is the gate): nobody should keep working on a lead that is
    finished. `cause`: lead_closed | lead_duplicate. Returns their ids."""
    stmt = (select(Task).where(Task.lead_id == lead_id, Task.status.in_(CANCELLABLE))
            .order_by(Task.id).execution_options(populate_existing=True))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # a claim at this moment waits, then finds it cancelled
    entries = []
    for task in session.scalars(stmt).all():
        entries.append(audit.Entry("leads.task_cancel", "task", task.id, {"status": task.status},
                                   {"status": "cancelled", "cause": cause}))
        update_versioned(session, Task, task.id, task.version,
                         _cancelled(by, now, cause, ""), entity="task")
        _on_timeline(session, by, task, "task_auto_cancel", "", now)
    audit.record_many(session, actor=by, actor_name="system", entries=entries)
    return [int(e.entity_id) for e in entries]


def team_choices(session: Session, *, actor: Actor, lead_id: int) -> list[tuple[int, str]]:
    require(actor, Perm.VIEW_LEADS)  # a wall screen sees the board's leads, not their teams
    lead = load_visible(session, actor, lead_id)
    rows = session.execute(select(Team.id, Team.name).where(
        Team.community_id == lead.community_id, Team.active.is_(True)).order_by(Team.name)).all()
    return [(int(i), n) for i, n in rows]
