"""Shared tasks (任务共领): an officer turns a lead into a task; team members claim and report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Community, Lead, LeadEvent, Member, Task, Team
from services import audit, clock
from services.actor import Actor, Perm, require
from services.concurrency import update_versioned
from services.errors import Invalid, NotFound
from services.leads.common import NOTE_MAX, load_visible, team_ids
from services.leads.workflow import OPEN_STATUSES
from services.scope import community_filter
from services.text import clean_text

_CLAIMER = aliased(Member)  # made once: an alias copies every column

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
    session.add(LeadEvent(lead_id=lead.id, at=now, actor_user_id=actor.user_id or None,
                          action="task", from_status=lead.status, to_status=lead.status,
                          note=clean_title, data={"task_id": task.id, "team_id": team_id}))
    audit.record(session, actor=actor, action="leads.task_create", entity="task",
                 entity_id=task.id, after={"lead_id": lead.id, "team_id": team_id})
    return task.id


def list_tasks(session: Session, *, actor: Actor, statuses: tuple[str, ...] = (),
               limit: int = 200) -> list[TaskView]:
    require(actor, Perm.VIEW_LEADS)
    claimer = _CLAIMER
    stmt = (select(Task.id, Task.lead_id, Community.name, Team.name, Task.title,
                   Task.description, Task.status, claimer.name, Task.report, Task.created_at,
                   Task.version)
            .join(Community, Community.id == Task.community_id)
            .outerjoin(Team, Team.id == Task.team_id)
            .outerjoin(claimer, claimer.id == Task.claimed_by_member_id)
            .where(task_scope(session, actor)))
    if statuses:
        stmt = stmt.where(Task.status.in_(statuses))
    rows = session.execute(stmt.order_by(Task.id.desc()).limit(limit)).all()
    return [TaskView(r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6], r[7] or "", r[8], r[9],
                     r[10]) for r in rows]


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
        raise NotFound()
    return task


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


def finish_task(session: Session, *, actor: Actor, task_id: int, shown_version: int,
                report: str, now: datetime | None = None) -> None:
    """The claimant reports back; the report lands on the lead's timeline for the officer."""
    require(actor, Perm.VIEW_LEADS)
    now = now or clock.now()
    task = _task_for_member(session, actor, task_id, lock=False)
    if task.status != "claimed" or task.claimed_by_member_id != actor.member_id:
        raise Invalid(key="leads.task_not_yours")
    text = clean_text(report, field="report", max_len=NOTE_MAX)
    update_versioned(session, Task, task.id, shown_version,
                     {"status": "done", "report": text, "done_at": now}, entity="task")
    if task.lead_id is not None:
        status = session.scalar(select(Lead.status).where(Lead.id == task.lead_id)) or ""
        session.add(LeadEvent(lead_id=task.lead_id, at=now, actor_user_id=actor.user_id or None,
                              action="task_done", from_status=status, to_status=status,
                              note=text, data={"task_id": task.id}))
    audit.record(session, actor=actor, action="leads.task_done", entity="task",
                 entity_id=task.id, before={"status": "claimed"}, after={"status": "done"})


def team_choices(session: Session, *, actor: Actor, lead_id: int) -> list[tuple[int, str]]:
    lead = load_visible(session, actor, lead_id)
    rows = session.execute(select(Team.id, Team.name).where(
        Team.community_id == lead.community_id, Team.active.is_(True)).order_by(Team.name)).all()
    return [(int(i), n) for i, n in rows]
