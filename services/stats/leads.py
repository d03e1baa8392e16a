"""Lead (线索) figures: volume, handling times, deadlines kept, where leads are closed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent, Member, Team, User
from services import clock
from services.actor import Actor, Perm, require
from services.sqlutil import percentile, seconds_between
from services.stats.common import bounds, communities_frame, frame, in_scope
from services.stats.periods import Period, share

LEVELS = ("grid", "community", "station", "district")


@dataclass(frozen=True)
class Durations:
    """Seconds, nearest-rank median and 90th percentile over `n` leads."""

    n: int
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class LeadHandling:
    period: Period
    created: int
    dispatch: Durations  # dispatched_at − created_at
    accept: Durations  # accepted_at − dispatched_at
    resolve: Durations  # resolved_at − created_at
    accept_on_time: int
    accept_base: int  # accepted, or past the accept deadline without
    resolve_on_time: int
    resolve_base: int
    escalated: int
    closed_by_level: dict[str, int]

    @property
    def closed(self) -> int:
        return sum(self.closed_by_level.values())

    @property
    def closed_in_grid(self) -> float | None:
        return share(self.closed_by_level.get("grid", 0), self.closed)

    @property
    def closed_in_community(self) -> float | None:
        by = self.closed_by_level
        return share(by.get("grid", 0) + by.get("community", 0), self.closed)

    @property
    def accept_on_time_pct(self) -> float | None:
        return share(self.accept_on_time, self.accept_base)

    @property
    def resolve_on_time_pct(self) -> float | None:
        return share(self.resolve_on_time, self.resolve_base)

    @property
    def escalated_pct(self) -> float | None:
        return share(self.escalated, self.created)


def _created_in(actor: Actor, period: Period, communities: Collection[int] | None) -> list[Any]:
    start, end = bounds(period)
    return [Lead.created_at >= start, Lead.created_at < end,
            in_scope(actor, Lead.community_id, communities)]


def _count_if(cond: Any) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _tallies(session: Session, where: list[Any], now: datetime) -> list[int]:
    live = Lead.status != "duplicate"
    acc_base = and_(live, Lead.accept_due_at.is_not(None),
                    or_(Lead.accepted_at.is_not(None), Lead.accept_due_at < now))
    res_base = and_(live, Lead.resolve_due_at.is_not(None),
                    or_(Lead.resolved_at.is_not(None), Lead.resolve_due_at < now))
    escalated = or_(Lead.status == "escalated", Lead.overdue_step > 0, exists().where(
        LeadEvent.lead_id == Lead.id, LeadEvent.to_status == "escalated"))
    row = session.execute(select(
        func.count(),
        _count_if(Lead.dispatched_at.is_not(None)),
        _count_if(and_(Lead.accepted_at.is_not(None), Lead.dispatched_at.is_not(None))),
        _count_if(Lead.resolved_at.is_not(None)),
        _count_if(and_(acc_base, Lead.accepted_at.is_not(None),
                       Lead.accepted_at <= Lead.accept_due_at)),
        _count_if(acc_base),
        _count_if(and_(res_base, Lead.resolved_at.is_not(None),
                       Lead.resolved_at <= Lead.resolve_due_at)),
        _count_if(res_base),
        _count_if(escalated),
    ).where(*where)).one()
    return [int(v or 0) for v in row]


def _durations(session: Session, where: list[Any], start: Any, end: Any, n: int) -> Durations:
    if n == 0:
        return Durations(0, None, None)
    query = select(seconds_between(session, start, end)).where(
        *where, start.is_not(None), end.is_not(None))
    return Durations(n, percentile(session, query, 0.5), percentile(session, query, 0.9))


def closed_by_level(session: Session, *, actor: Actor, period: Period,
                    communities: Collection[int] | None = None) -> dict[str, int]:
    """Leads closed in the period (closed, else resolved, in it) per level they were closed at."""
    require(actor, Perm.VIEW_STATS)
    start, end = bounds(period)
    closed_at = func.coalesce(Lead.closed_at, Lead.resolved_at)
    rows = session.execute(
        select(Lead.closed_level, func.count())
        .where(Lead.closed_level.is_not(None), closed_at >= start, closed_at < end,
               in_scope(actor, Lead.community_id, communities))
        .group_by(Lead.closed_level)
    ).all()
    found = {level: int(n) for level, n in rows}
    return {level: found.pop(level, 0) for level in LEVELS} | found


def lead_handling(session: Session, *, actor: Actor, period: Period, now: datetime | None = None,
                  communities: Collection[int] | None = None) -> LeadHandling:
    """How fast and where leads created (or closed) in the period were handled."""
    require(actor, Perm.VIEW_STATS)
    now = now or clock.now()
    where = _created_in(actor, period, communities)
    (created, n_disp, n_acc, n_res, acc_ok, acc_base, res_ok, res_base,
     escalated) = _tallies(session, where, now)
    return LeadHandling(
        period=period, created=created,
        dispatch=_durations(session, where, Lead.created_at, Lead.dispatched_at, n_disp),
        accept=_durations(session, where, Lead.dispatched_at, Lead.accepted_at, n_acc),
        resolve=_durations(session, where, Lead.created_at, Lead.resolved_at, n_res),
        accept_on_time=acc_ok, accept_base=acc_base, resolve_on_time=res_ok,
        resolve_base=res_base, escalated=escalated,
        closed_by_level=closed_by_level(session, actor=actor, period=period,
                                        communities=communities),
    )


def volume_by(session: Session, *, actor: Actor, period: Period, by: str,
              communities: Collection[int] | None = None) -> pd.DataFrame:
    """Leads created in the period counted by `category`, `community` or `team` (reporter's)."""
    require(actor, Perm.VIEW_STATS)
    where = _created_in(actor, period, communities)
    if by == "category":
        rows = session.execute(select(Lead.category, func.count()).where(*where)
                               .group_by(Lead.category).order_by(func.count().desc())).all()
        out = frame(rows, ["category", "leads"])
    elif by == "community":
        rows = session.execute(select(Lead.community_id, func.count()).where(*where)
                               .group_by(Lead.community_id)).all()
        out = communities_frame(session, actor=actor, communities=communities).merge(
            frame(rows, ["community_id", "leads"]), on="community_id", how="left")
        out["leads"] = out["leads"].fillna(0).astype(int)
        out = out.sort_values("leads", ascending=False, kind="stable")
    elif by == "team":
        out = _by_team(session, where)
    else:
        raise ValueError(by)
    total = int(out["leads"].sum())
    out["share"] = [share(int(n), total) for n in out["leads"]]
    return out.reset_index(drop=True)


def _by_team(session: Session, where: list[Any]) -> pd.DataFrame:
    member_id = func.coalesce(Lead.reporter_member_id, User.member_id)
    rows = session.execute(
        select(Team.id, Team.name, Team.kind, func.count())
        .select_from(Lead)
        .outerjoin(User, User.id == Lead.reporter_user_id)
        .outerjoin(Member, Member.id == member_id)
        .outerjoin(Team, Team.id == Member.team_id)
        .where(*where)
        .group_by(Team.id, Team.name, Team.kind)
        .order_by(func.count().desc())
    ).all()
    out = frame(rows, ["team_id", "team", "kind", "leads"])
    out["team_id"] = out["team_id"].astype("Int64")
    return out
