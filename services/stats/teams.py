"""Self-governing teams (自治队伍): active members, leads reported and tasks claimed."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Community, Lead, Member, Membership, Task, Team, User
from services.core.actor import Actor, Perm, require
from services.stats.common import bounds, frame, in_scope
from services.stats.periods import Period


def _reported(period: Period) -> Any:
    """Per member: leads they reported in the period (as member, or through their account).

    Counted per reporter first, in one pass over the leads; only those few groups are joined.
    """
    start, end = bounds(period)
    groups = (select(Lead.reporter_member_id.label("m"), Lead.reporter_user_id.label("u"),
                     func.count().label("n"))
              .where(Lead.created_at >= start, Lead.created_at < end)
              .group_by(Lead.reporter_member_id, Lead.reporter_user_id).subquery("g"))
    member_id = func.coalesce(groups.c.m, User.member_id)
    return (select(member_id.label("mid"), func.sum(groups.c.n).label("n")).select_from(groups)
            .outerjoin(User, User.id == groups.c.u)
            .where(member_id.is_not(None)).group_by(member_id).subquery("rep"))


def _claimed(period: Period) -> Any:
    start, end = bounds(period)
    return (select(Task.claimed_by_member_id.label("mid"), func.count().label("n"))
            .where(Task.claimed_at >= start, Task.claimed_at < end,
                   Task.claimed_by_member_id.is_not(None))
            .group_by(Task.claimed_by_member_id).subquery("cl"))


def per_team(session: Session, *, actor: Actor, period: Period,
             communities: Collection[int] | None = None) -> pd.DataFrame:
    """Every active team in scope with its active members, leads reported, tasks claimed."""
    require(actor, Perm.VIEW_STATS)
    rep, cl = _reported(period), _claimed(period)
    rows = session.execute(
        select(Team.id, Team.name, Team.kind, Community.name, Community.name_en,
               func.count(Member.id), func.coalesce(func.sum(rep.c.n), 0),
               func.coalesce(func.sum(cl.c.n), 0))
        .join(Community, Community.id == Team.community_id)
        .outerjoin(Membership, Membership.team_id == Team.id)
        .outerjoin(Member, (Member.id == Membership.member_id) & Member.active.is_(True))
        .outerjoin(rep, rep.c.mid == Member.id).outerjoin(cl, cl.c.mid == Member.id)
        .where(Team.active.is_(True), in_scope(actor, Team.community_id, communities))
        .group_by(Team.id, Team.name, Team.kind, Community.name, Community.name_en)
        .order_by(Community.name, Team.kind, Team.name)
    ).all()
    out = frame(rows, ["team_id", "team", "kind", "community", "community_en",
                       "active_members", "leads_reported", "tasks_claimed"])
    for col in ("active_members", "leads_reported", "tasks_claimed"):
        out[col] = out[col].astype(int)
    return out


def member_rows(session: Session, *, actor: Actor, team_id: int | None = None,
                communities: Collection[int] | None = None) -> int:
    """How many rows per_member has without its limit (one per person and team)."""
    require(actor, Perm.VIEW_STATS)
    where = [in_scope(actor, Team.community_id, communities)]
    if team_id is not None:
        where.append(Team.id == team_id)
    return int(session.scalar(select(func.count()).select_from(Membership)
                              .join(Team, Team.id == Membership.team_id).where(*where)) or 0)


def per_member(session: Session, *, actor: Actor, period: Period, team_id: int | None = None,
               communities: Collection[int] | None = None, limit: int = 2000) -> pd.DataFrame:
    """Members in scope (of one team if given), most active first: leads and tasks
    (`limit` rows at most; member_rows says how many there are)."""
    require(actor, Perm.VIEW_STATS)
    rep, cl = _reported(period), _claimed(period)
    leads = func.coalesce(rep.c.n, 0)
    tasks = func.coalesce(cl.c.n, 0)
    where = [in_scope(actor, Team.community_id, communities)]
    if team_id is not None:
        where.append(Team.id == team_id)
    rows = session.execute(
        select(Member.id, Member.name, Team.name, Team.kind, Member.active, leads, tasks)
        .join(Membership, Membership.member_id == Member.id)
        .join(Team, Team.id == Membership.team_id)
        .outerjoin(rep, rep.c.mid == Member.id).outerjoin(cl, cl.c.mid == Member.id)
        .where(*where)
        .order_by((leads + tasks).desc(), Member.id).limit(limit)
    ).all()
    out = frame(rows, ["member_id", "name", "team", "kind", "active", "leads_reported",
                       "tasks_claimed"])
    for col in ("leads_reported", "tasks_claimed"):
        out[col] = out[col].astype(int)
    return out
