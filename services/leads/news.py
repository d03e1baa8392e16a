"""News for a reporter (a grid worker): their reports moving on, and new tasks for their teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent, Task
from services.core.actor import Actor, Perm, require
from services.leads.tasks import _member_scope

# What a reporter hears about, by the step taken on their report.
NEWS = {"accept": "accepted", "resolve": "answered", "comment": "answered",
        "ask_info": "needs_info", "close": "closed", "duplicate": "closed"}
WINDOW = 2000  # events read per check at most, as for the urgent-lead check
MAX_NOTICES = 20


@dataclass(frozen=True)
class Notice:
    kind: str  # accepted | answered | needs_info | closed | task
    lead_id: int | None
    task_id: int | None
    at: datetime
    title: str = ""  # a task's title (the leads' notices name the lead by its number)


@dataclass(frozen=True)
class ReporterNews:
    """Pass `mark` back as the next check's `since`."""

    mark: tuple[int, int]  # (newest lead event read, newest task read)
    notices: tuple[Notice, ...] = ()


def reporter_news(session: Session, *, actor: Actor,
                  since: tuple[int, int] | None) -> ReporterNews:
    """Since the last check: steps others took on the actor's own reports (accepted,
    answered, returned for more information, closed) and shared tasks posted for the actor's
    teams. `since` None (the first check of a sign-in) only sets the marks, so what was
    there before is not announced. Two queries by primary key, cheap at any size."""
    require(actor, Perm.REPORT_LEAD)
    if since is None:
        last_event = session.scalar(select(func.max(LeadEvent.id))) or 0
        last_task = session.scalar(select(func.max(Task.id))) or 0
        return ReporterNews(mark=(int(last_event), int(last_task)))
    events, tasks = since
    window = (select(LeadEvent.id, LeadEvent.lead_id, LeadEvent.action, LeadEvent.at,
                     LeadEvent.actor_user_id)
              .where(LeadEvent.id > events).order_by(LeadEvent.id).limit(WINDOW).subquery())
    newest = session.scalar(select(func.max(window.c.id))) or events
    rows = session.execute(
        select(window.c.action, window.c.lead_id, window.c.at)
        .join(Lead, Lead.id == window.c.lead_id)
        .where(window.c.id <= newest, Lead.reporter_user_id == actor.user_id,
               window.c.action.in_(tuple(NEWS)),
               or_(window.c.actor_user_id.is_(None), window.c.actor_user_id != actor.user_id))
        .order_by(window.c.id).limit(MAX_NOTICES)).all()
    notices = [Notice(NEWS[a], int(lead_id), None, at) for a, lead_id, at in rows]
    task_rows: list[tuple[int, int | None, datetime, str]] = []
    newest_task = tasks
    if actor.member_id is not None:
        newest_task = session.scalar(select(func.max(Task.id))) or tasks
        found = session.execute(
            select(Task.id, Task.lead_id, Task.created_at, Task.title)
            .where(Task.id > tasks, Task.id <= newest_task, Task.status == "open",
                   _member_scope(session, actor),
                   or_(Task.created_by.is_(None), Task.created_by != actor.user_id))
            .order_by(Task.id).limit(MAX_NOTICES)).all()
        task_rows = [(int(r[0]), r[1], r[2], r[3]) for r in found]
    notices += [Notice("task", lead_id, task_id, at, title)
                for task_id, lead_id, at, title in task_rows]
    return ReporterNews(mark=(int(newest), int(newest_task)), notices=tuple(notices))
