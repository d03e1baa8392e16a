"""Inboxes: my leads, my reports, all in my scope; filtered, sorted and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from db.models import Community, Lead, LeadEvent, Officer, User
from services.core import clock
from services.core.actor import Actor, Perm, Role, require
from services.core.leadstate import UNACCEPTED_STATUSES, is_overdue
from services.leads.common import visible
from services.leads.workflow import OPEN_STATUSES

COUNT_CAP = 10_000  # beyond this the inbox says "more than 10,000" instead of counting all
PAGE_SIZE = 50
SORTS = ("deadline", "newest", "oldest")
REPLY_ACTIONS = ("comment", "resolve", "return", "reopen", "escalate", "reassign", "duplicate")


_ASSIGNEE = aliased(User)  # made once: an alias copies every column

@dataclass(frozen=True)
class InboxFilters:
    mine: bool = False  # officer: assigned to me; grid worker: my reports
    open_only: bool = True
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    community_ids: tuple[int, ...] = ()
    officer_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    overdue_only: bool = False
    sort: str = "deadline"


@dataclass(frozen=True)
class InboxRow:
    id: int
    created_at: datetime
    category: str
    urgency: str
    status: str
    community: str
    assignee: str
    accept_due_at: datetime | None
    resolve_due_at: datetime | None
    overdue: bool
    reply: str


@dataclass(frozen=True)
class InboxPage:
    rows: tuple[InboxRow, ...]
    total: int
    capped: bool  # total is COUNT_CAP and there are more
    page: int
    pages: int


def inbox_sorts() -> tuple[str, ...]:
    return SORTS


def _mine(actor: Actor) -> ColumnElement[bool]:
    if actor.role == Role.GRID_WORKER:
        return Lead.reporter_user_id == actor.user_id
    if actor.officer_id is not None:
        return or_(Lead.assigned_officer_id == actor.officer_id,
                   Lead.assigned_user_id == actor.user_id)
    return Lead.assigned_user_id == actor.user_id


def conditions(session: Session, actor: Actor, f: InboxFilters,
               now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE clauses for the actor's scope and the chosen filters."""
    where = [visible(session, actor)]
    if f.mine:
        where.append(_mine(actor))
    if f.statuses:
        where.append(Lead.status.in_(f.statuses))
    elif f.open_only:
        where.append(Lead.status.in_(OPEN_STATUSES))
    for values, column in ((f.categories, Lead.category), (f.urgencies, Lead.urgency),
                           (f.community_ids, Lead.community_id),
                           (f.officer_ids, Lead.assigned_officer_id)):
        if values:
            where.append(column.in_(values))
    if f.date_from:
        where.append(Lead.created_at >= clock.day_start(f.date_from))
    if f.date_to:
        where.append(Lead.created_at < clock.day_range(f.date_to, f.date_to)[1])
    if f.overdue_only:
        where.append(is_overdue(now))
    return where


def _ordering(sort: str) -> list[Any]:
    if sort == "newest":
        return [Lead.created_at.desc(), Lead.id.desc()]
    if sort == "oldest":
        return [Lead.created_at, Lead.id]
    due = case((Lead.status.in_(UNACCEPTED_STATUSES), Lead.accept_due_at),
               else_=Lead.resolve_due_at)
    return [due.is_(None), due, Lead.id]


def count_capped(session: Session, where: list[ColumnElement[bool]]) -> tuple[int, bool]:
    sub = select(Lead.id).where(*where).limit(COUNT_CAP + 1).subquery()
    n = session.scalar(select(func.count()).select_from(sub)) or 0
    return min(n, COUNT_CAP), n > COUNT_CAP


def rows_query(where: list[ColumnElement[bool]], now: datetime) -> Any:
    assignee = _ASSIGNEE
    return (
        select(Lead.id, Lead.created_at, Lead.category, Lead.urgency, Lead.status,
               Community.name, func.coalesce(Officer.name, assignee.display_name, ""),
               Lead.accept_due_at, Lead.resolve_due_at, is_overdue(now))
        .join(Community, Community.id == Lead.community_id)
        .outerjoin(Officer, Officer.id == Lead.assigned_officer_id)
        .outerjoin(assignee, assignee.id == Lead.assigned_user_id)
        .where(*where)
    )


def inbox(session: Session, *, actor: Actor, filters: InboxFilters, page: int = 1,
          page_size: int = PAGE_SIZE, now: datetime | None = None) -> InboxPage:
    """One page of the actor's leads; counting stops at COUNT_CAP so big scopes stay fast."""
    require(actor, Perm.VIEW_LEADS)
    now = now or clock.now()
    where = conditions(session, actor, filters, now)
    total, capped = count_capped(session, where)
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    stmt = rows_query(where, now).order_by(*_ordering(filters.sort))
    rows = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    replies = latest_replies(session, [r[0] for r in rows])
    return InboxPage(
        rows=tuple(_row(r, replies) for r in rows),
        total=total, capped=capped, page=page, pages=pages,
    )


def _row(r: Any, replies: dict[int, str]) -> InboxRow:
    return InboxRow(id=r[0], created_at=r[1], category=r[2], urgency=r[3], status=r[4],
                    community=r[5], assignee=r[6], accept_due_at=r[7], resolve_due_at=r[8],
                    overdue=bool(r[9]), reply=replies.get(r[0], ""))


def latest_replies(session: Session, lead_ids: list[int]) -> dict[int, str]:
    """The newest note by someone other than the reporter, for each lead (one query)."""
    if not lead_ids:
        return {}
    newest = (select(func.max(LeadEvent.id))
              .join(Lead, Lead.id == LeadEvent.lead_id)
              .where(LeadEvent.lead_id.in_(lead_ids), LeadEvent.note != "",
                     LeadEvent.action.in_(REPLY_ACTIONS),
                     or_(LeadEvent.actor_user_id.is_(None), Lead.reporter_user_id.is_(None),
                         LeadEvent.actor_user_id != Lead.reporter_user_id))
              .group_by(LeadEvent.lead_id))
    rows = session.execute(select(LeadEvent.lead_id, LeadEvent.note)
                           .where(LeadEvent.id.in_(newest))).all()
    return {int(lid): note for lid, note in rows}


def filter_choices(session: Session, *, actor: Actor) -> tuple[list[tuple[int, str]],
                                                               list[tuple[int, str]]]:
    """(communities, officers) the actor may filter by, as (id, name) pairs."""
    require(actor, Perm.VIEW_LEADS)
    scope = true() if actor.community_ids is None else Community.id.in_(
        sorted(actor.community_ids or {0}))
    communities = session.execute(select(Community.id, Community.name).where(scope)
                                  .order_by(Community.name)).all()
    officers = session.execute(
        select(Officer.id, Officer.name).join(Community, Community.officer_id == Officer.id)
        .where(scope).distinct().order_by(Officer.name)).all()
    return [(int(i), n) for i, n in communities], [(int(i), n) for i, n in officers]
