"""What the home page shows about leads: urgent ones for supervisors, mine for officers,
replies to my reports for grid workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent
from services.core import clock
from services.core.actor import Actor, Perm, Role, require
from services.core.leadstate import UNACCEPTED_STATUSES, is_overdue
from services.leads.common import visible
from services.leads.inbox import REPLY_ACTIONS
from services.leads.workflow import OPEN_STATUSES

URGENT = ("urgent", "emergency")


@dataclass(frozen=True)
class Reply:
    lead_id: int
    at: datetime
    status: str
    note: str


@dataclass(frozen=True)
class Summary:
    urgent_waiting: int  # urgent/emergency, not yet accepted, in scope
    newest_urgent_id: int  # for "new urgent lead" toasts
    mine_open: int
    mine_overdue: int
    replies: tuple[Reply, ...]


def summary(session: Session, *, actor: Actor, now: datetime | None = None) -> Summary:
    require(actor, Perm.VIEW_LEADS)
    now = now or clock.now()
    scope = visible(session, actor)
    waiting, newest = 0, 0
    if actor.can(Perm.SUPERVISE_LEADS):  # the badge is for supervisors only
        waiting, newest = urgent_waiting(session, scope)
    mine = [scope, Lead.status.in_(OPEN_STATUSES)]
    if actor.role == Role.GRID_WORKER:
        mine.append(Lead.reporter_user_id == actor.user_id)
    elif actor.officer_id is not None:
        mine.append(Lead.assigned_officer_id == actor.officer_id)
    else:
        mine.append(Lead.assigned_user_id == actor.user_id)
    mine_open = session.scalar(select(func.count()).where(*mine)) or 0
    mine_overdue = session.scalar(select(func.count()).where(*mine, is_overdue(now))) or 0
    return Summary(int(waiting), int(newest), int(mine_open), int(mine_overdue),
                   tuple(_replies(session, actor)))


def urgent_waiting_count(session: Session, *, actor: Actor) -> int:
    """The inbox's badge alone: urgent or emergency leads in scope nobody has accepted yet
    (one statement, where the whole summary reads four)."""
    require(actor, Perm.SUPERVISE_LEADS)
    return urgent_waiting(session, visible(session, actor))[0]


def urgent_waiting(session: Session, scope: ColumnElement[bool]) -> tuple[int, int]:
    """(how many, newest id) of the urgent or emergency leads within `scope` (a WHERE clause
    the caller built from its actor) that nobody has accepted yet."""
    waiting, newest = session.execute(
        select(func.count(), func.coalesce(func.max(Lead.id), 0))
        .where(scope, Lead.status.in_(UNACCEPTED_STATUSES), Lead.urgency.in_(URGENT))).one()
    return int(waiting), int(newest)


def _replies(session: Session, actor: Actor, limit: int = 5) -> list[Reply]:
    """The newest notes others left on the actor's own reports."""
    rows = session.execute(
        select(LeadEvent.lead_id, LeadEvent.at, Lead.status, LeadEvent.note)
        .join(Lead, Lead.id == LeadEvent.lead_id)
        .where(Lead.reporter_user_id == actor.user_id, LeadEvent.note != "",
               LeadEvent.action.in_(REPLY_ACTIONS),
               (LeadEvent.actor_user_id.is_(None)) | (LeadEvent.actor_user_id != actor.user_id))
        .order_by(LeadEvent.id.desc()).limit(limit)
    ).all()
    return [Reply(*r) for r in rows]
