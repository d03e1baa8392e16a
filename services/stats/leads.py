"""Lead (线索) figures: volume, handling times, deadlines kept, where leads are closed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent, Membership, Team, User
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.sqlutil import seconds_between
from services.stats.common import bounds, communities_frame, frame, in_scope, quantiles
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
    to_scene: Durations  # the officer's first "on scene" step − dispatched_at
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


TALLIES = ("created", "n_dispatch", "n_accept", "n_resolve", "n_scene", "accept_on_time",
           "accept_base", "resolve_on_time", "resolve_base", "escalated")


def on_scene_at() -> Any:
    """When the officer first recorded "on scene" (到场) on the lead: the lead-event index."""
    return (select(func.min(LeadEvent.at))
            .where(LeadEvent.lead_id == Lead.id, LeadEvent.action == "on_scene")
            .scalar_subquery())


def _cells(session: Session, where: list[Any], now: datetime) -> pd.DataFrame:
    """Every tally per (community, category), in one pass over the period's leads."""
    live = Lead.status != "duplicate"
    acc_base = and_(live, Lead.accept_due_at.is_not(None),
                    or_(Lead.accepted_at.is_not(None), Lead.accept_due_at < now))
    res_base = and_(live, Lead.resolve_due_at.is_not(None),
                    or_(Lead.resolved_at.is_not(None), Lead.resolve_due_at < now))
    escalated = or_(Lead.status == "escalated", Lead.overdue_step > 0, exists().where(
        LeadEvent.lead_id == Lead.id, LeadEvent.to_status == "escalated"))
    rows = session.execute(select(
        Lead.community_id, Lead.category, func.count(),
        _count_if(Lead.dispatched_at.is_not(None)),
        _count_if(and_(Lead.accepted_at.is_not(None), Lead.dispatched_at.is_not(None))),
        _count_if(Lead.resolved_at.is_not(None)),
        _count_if(and_(Lead.dispatched_at.is_not(None), exists().where(
            LeadEvent.lead_id == Lead.id, LeadEvent.action == "on_scene"))),
        _count_if(and_(acc_base, Lead.accepted_at.is_not(None),
                       Lead.accepted_at <= Lead.accept_due_at)),
        _count_if(acc_base),
        _count_if(and_(res_base, Lead.resolved_at.is_not(None),
                       Lead.resolved_at <= Lead.resolve_due_at)),
        _count_if(res_base),
        _count_if(escalated),
    ).where(*where).group_by(Lead.community_id, Lead.category)).all()
    out = frame(rows, ["community_id", "category", *TALLIES])
    out[list(TALLIES)] = out[list(TALLIES)].fillna(0).astype(int)
    return out


def _durations(session: Session, where: list[Any], counts: list[int]) -> list[Durations]:
    """Median and 90th percentile of dispatch, accept, resolve and to-scene times, in one
    statement."""
    spans = [(Lead.created_at, Lead.dispatched_at), (Lead.dispatched_at, Lead.accepted_at),
             (Lead.created_at, Lead.resolved_at), (Lead.dispatched_at, on_scene_at())]
    query = select(*[seconds_between(session, a, b).label(f"d{i}")
                     for i, (a, b) in enumerate(spans)]).where(*where)
    found = quantiles(session, query, counts, (0.5, 0.9))
    return [Durations(n, median, p90) for n, (median, p90) in zip(counts, found, strict=True)]


def closed_by_level(session: Session, *, actor: Actor, period: Period,
                    communities: Collection[int] | None = None) -> dict[str, int]:
    """Leads finished in the period per level they were closed at: closed in it, or, not
    closed, resolved in it (docs/FIGURES.md, "closed in the grid / community")."""
    require(actor, Perm.VIEW_STATS)
    start, end = bounds(period)
    # closed in the period, or never closed and resolved in it: written as an OR of two
    # ranges so that each can use its index (a COALESCE of the two reads every lead)
    when = or_(and_(Lead.closed_at >= start, Lead.closed_at < end),
               and_(Lead.closed_at.is_(None), Lead.resolved_at >= start,
                    Lead.resolved_at < end))
    rows = session.execute(
        select(Lead.closed_level, func.count())
        .where(Lead.closed_level.is_not(None), when,
               in_scope(actor, Lead.community_id, communities))
        .group_by(Lead.closed_level)
    ).all()
    found = {str(level): int(n) for level, n in rows}
    return {level: found.pop(level, 0) for level in LEVELS} | found


def _handling(session: Session, actor: Actor, period: Period, where: list[Any],
              cells: pd.DataFrame, communities: Collection[int] | None) -> LeadHandling:
    t = {k: int(cells[k].sum()) for k in TALLIES}
    dispatch, accept, resolve, to_scene = _durations(
        session, where, [t["n_dispatch"], t["n_accept"], t["n_resolve"], t["n_scene"]])
    return LeadHandling(
        period=period, created=t["created"], dispatch=dispatch, accept=accept, resolve=resolve,
        to_scene=to_scene,
        accept_on_time=t["accept_on_time"], accept_base=t["accept_base"],
        resolve_on_time=t["resolve_on_time"], resolve_base=t["resolve_base"],
        escalated=t["escalated"],
        closed_by_level=closed_by_level(session, actor=actor, period=period,
                                        communities=communities))


def lead_handling(session: Session, *, actor: Actor, period: Period, now: datetime | None = None,
                  communities: Collection[int] | None = None) -> LeadHandling:
    """How fast and where leads created (or closed) in the period were handled."""
    return lead_report(session, actor=actor, period=period, now=now,
                       communities=communities)[0]


def lead_report(session: Session, *, actor: Actor, period: Period, now: datetime | None = None,
                communities: Collection[int] | None = None) -> tuple[LeadHandling, LeadVolumes]:
    """Handling figures and volumes together, sharing the pass over the period's leads."""
    require(actor, Perm.VIEW_STATS)
    where = _created_in(actor, period, communities)
    cells = _cells(session, where, now or clock.now())
    return (_handling(session, actor, period, where, cells, communities),
            _volumes(session, actor, where, cells, communities))


@dataclass(frozen=True)
class LeadVolumes:
    """Leads created in the period by category, by community and by the reporter's team."""

    by_category: pd.DataFrame  # category, leads, share
    by_community: pd.DataFrame  # community_id, names, station, population, leads, share
    by_team: pd.DataFrame  # team_id (empty: not a team member), team, kind, leads, share


def _with_share(out: pd.DataFrame) -> pd.DataFrame:
    total = int(out["leads"].sum())
    out["share"] = [share(int(n), total) for n in out["leads"]]
    return out.reset_index(drop=True)


def _volumes(session: Session, actor: Actor, where: list[Any], cells: pd.DataFrame,
             communities: Collection[int] | None) -> LeadVolumes:
    cells = cells.rename(columns={"created": "leads"})
    by_cat = cells.groupby("category", as_index=False)["leads"].sum().sort_values(
        ["leads", "category"], ascending=[False, True])
    by_place = communities_frame(session, actor=actor, communities=communities).merge(
        cells.groupby("community_id", as_index=False)["leads"].sum(), on="community_id",
        how="left")
    by_place["leads"] = by_place["leads"].fillna(0).astype(int)
    by_place = by_place.sort_values("leads", ascending=False, kind="stable")
    return LeadVolumes(_with_share(by_cat), _with_share(by_place),
                       _with_share(_by_team(session, where)))


def _by_team(session: Session, where: list[Any]) -> pd.DataFrame:
    """Counted per reporter first (one pass over the leads), then the few groups joined."""
    groups = (select(Lead.reporter_member_id.label("m"), Lead.reporter_user_id.label("u"),
                     func.count().label("n")).where(*where)
              .group_by(Lead.reporter_member_id, Lead.reporter_user_id).subquery("g"))
    member_id = func.coalesce(groups.c.m, User.member_id)
    # a person in several teams counts once, under their first team: shares add up to 100 %
    first = (select(Membership.member_id.label("m"), func.min(Membership.team_id).label("t"))
             .group_by(Membership.member_id).subquery("first_team"))
    rows = session.execute(
        select(Team.id, Team.name, Team.kind, func.sum(groups.c.n))
        .select_from(groups)
        .outerjoin(User, User.id == groups.c.u)
        .outerjoin(first, first.c.m == member_id)
        .outerjoin(Team, Team.id == first.c.t)
        .group_by(Team.id, Team.name, Team.kind)
        .order_by(func.sum(groups.c.n).desc(), Team.id)
    ).all()
    out = frame(rows, ["team_id", "team", "kind", "leads"])
    out["team_id"] = out["team_id"].astype("Int64")
    out["leads"] = out["leads"].astype(int)
    return out
