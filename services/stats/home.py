"""Headline figures for the home page, computed in SQL for the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.models import IncidentCount, Lead
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.leadstate import is_open, is_overdue
from services.core.scope import community_filter, lead_filter
from services.core.sqlutil import percentile, seconds_between


@dataclass(frozen=True)
class Headline:
    leads_open: int
    leads_today: int
    median_dispatch_s: float | None  # received → dispatched, last 30 days
    p90_dispatch_s: float | None
    overdue: int
    incidents_ytd: int
    incidents_ytd_last_year: int


def headline(session: Session, *, actor: Actor, now: datetime | None = None) -> Headline:
    require(actor, Perm.VIEW_HOME)
    now = now or clock.now()
    today = clock.local_today(now)
    scope = lead_filter(actor)

    def count(*where: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(Lead).where(scope, *where)) or 0

    recent = now - timedelta(days=30)
    dispatch = select(seconds_between(session, Lead.created_at, Lead.dispatched_at)).where(
        scope, Lead.created_at >= recent, Lead.dispatched_at.is_not(None)
    )
    return Headline(
        leads_open=count(is_open()),
        leads_today=count(Lead.created_at >= clock.day_start(today)),
        median_dispatch_s=percentile(session, dispatch, 0.5),
        p90_dispatch_s=percentile(session, dispatch, 0.9),
        overdue=count(is_overdue(now)),
        incidents_ytd=_incidents(session, actor, today.replace(month=1, day=1), today),
        incidents_ytd_last_year=_incidents(
            session, actor, clock.year_before(today.replace(month=1, day=1)),
            clock.year_before(today),
        ),
    )


def _incidents(session: Session, actor: Actor, first: object, last: object) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(IncidentCount.count), 0)).where(
            IncidentCount.day >= first, IncidentCount.day <= last,
            community_filter(actor, IncidentCount.community_id),
        )
    )
    return int(total or 0)
