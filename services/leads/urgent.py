"""Live news for every page: new urgent leads that concern the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent
from services.core.actor import Actor, Perm, require
from services.core.leadstate import UNACCEPTED_STATUSES
from services.core.scope import lead_filter
from services.leads.common import visible
from services.leads.summary import URGENT, urgent_waiting

# Events that give a lead to someone: on submit, later (waiting leads), by hand, one level
# up (by hand or by the overdue sweep), or to the next in the chain when it is returned.
GIVEN = ("dispatch", "reassign", "escalate", "auto_escalate", "return")
# Events read per check at most: a backlog (a laptop back from sleep) is read over the next
# checks instead of in one long query.
WINDOW = 2000


@dataclass(frozen=True)
class UrgentNews:
    """What one check found. Pass `mark` back as the next check's `since`."""

    mark: int  # the newest lead event read
    count: int = 0  # new urgent leads that concern the actor and still wait to be accepted
    newest_id: int | None = None
    to_me: bool = False  # given to the actor (officers), else reported in scope (supervisors)
    waiting: int = 0  # supervisors: urgent leads in their scope not accepted yet, new or not


def urgent_news(session: Session, *, actor: Actor, since: int | None) -> UrgentNews:
    """New urgent or emergency leads, not accepted yet, that concern the actor: for those who
    supervise leads, reported in their scope; for officers, given to them (on submit, after
    waiting, by reassignment, escalation or return). Grid workers get nothing. One's own
    actions are not news.

    One query, which reads the lead events after `since` by primary key (at most WINDOW),
    each with its lead by primary key: cheap however many leads there are. `since` None
    (the first check of a sign-in) returns only the newest event's id, so what existed
    before is never announced. On PostgreSQL an event whose transaction commits after a
    later-numbered one was read is skipped; a lead's report commits in milliseconds.
    """
    require(actor, Perm.VIEW_LEADS)
    window = (select(LeadEvent.id, LeadEvent.lead_id, LeadEvent.action, LeadEvent.actor_user_id)
              .where(LeadEvent.id > (since or 0)).order_by(LeadEvent.id).limit(WINDOW)
              .subquery())
    concern = _concern(actor, window.c.action)
    if concern is None:
        return UrgentNews(mark=since or 0)
    if since is None:
        return UrgentNews(mark=session.scalar(select(func.max(LeadEvent.id))) or 0)
    hit = case((and_(concern, Lead.urgency.in_(URGENT), Lead.status.in_(UNACCEPTED_STATUSES),
                     or_(window.c.actor_user_id.is_(None),
                         window.c.actor_user_id != actor.user_id)), Lead.id))
    mark, count, newest = session.execute(
        select(func.max(window.c.id), func.count(distinct(hit)), func.max(hit))
        .select_from(window).join(Lead, Lead.id == window.c.lead_id)).one()
    to_me = not actor.can(Perm.SUPERVISE_LEADS)
    waiting = 0 if to_me or not count else urgent_waiting(session, visible(session, actor))[0]
    return UrgentNews(mark=mark or since, count=int(count), newest_id=newest, to_me=to_me,
                      waiting=waiting)


def _concern(actor: Actor, action: ColumnElement[str]) -> ColumnElement[bool] | None:
    """Which events concern the actor; None for roles that neither supervise nor handle."""
    if actor.can(Perm.SUPERVISE_LEADS):
        return and_(action == "report", lead_filter(actor))
    if actor.can(Perm.HANDLE_LEAD):
        return and_(action.in_(GIVEN), Lead.assigned_user_id == actor.user_id)
    return None
