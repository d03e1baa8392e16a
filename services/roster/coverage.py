"""Counts and gaps per community, in SQL: officers, teams, members, covered grids, units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.orm import Session

from db.models import Community, Grid, Member, Membership, Officer, SocialUnit, Team


@dataclass(frozen=True)
class Gaps:
    """What a community lacks: flagged on the district view and the community page."""

    no_officer: bool
    short_teams: tuple[str, ...]  # names of active teams below their minimum size
    empty_grids: tuple[str, ...]  # names of grids without any active member
    no_response_unit: bool

    @property
    def count(self) -> int:
        return (int(self.no_officer) + len(self.short_teams) + len(self.empty_grids)
                + int(self.no_response_unit))


def active_counts(where: ColumnElement[bool]) -> Any:
    """Per active team (community filter `where` on Team): its active members."""
    return (select(Team.id.label("team_id"), Team.community_id.label("cid"),
                   Team.name.label("name"), Team.kind.label("kind"),
                   Team.min_size.label("min_size"),
                   func.count(Member.id).label("n"))
            .outerjoin(Membership, Membership.team_id == Team.id)
            .outerjoin(Member, (Member.id == Membership.member_id) & Member.active.is_(True))
            .where(Team.active.is_(True), where)
            .group_by(Team.id, Team.community_id, Team.name, Team.kind, Team.min_size))


def covered_grids(where: ColumnElement[bool]) -> Any:
    """Grid ids with at least one active member of an active team."""
    return (select(Member.grid_id).distinct()
            .join(Membership, Membership.member_id == Member.id)
            .join(Team, Team.id == Membership.team_id)
            .where(Member.active.is_(True), Team.active.is_(True), Member.grid_id.is_not(None),
                   where))


def gaps_by_community(session: Session, where: ColumnElement[bool]) -> dict[int, Gaps]:
    """Gaps of every community matching `where` (a condition on Community.id)."""
    officers = {cid: bool(active) for cid, active in session.execute(
        select(Community.id, Officer.active).outerjoin(Officer, Officer.id == Community.officer_id)
        .where(where))}
    short: dict[int, list[str]] = defaultdict(list)
    response: set[int] = set()
    for row in session.execute(active_counts(_team_where(where))
                               .order_by(Team.name)):
        if row.n < row.min_size:
            short[row.cid].append(row.name)
        if row.kind == "response_unit":
            response.add(row.cid)
    covered = set(session.scalars(covered_grids(_team_where(where))))
    empty: dict[int, list[str]] = defaultdict(list)
    for gid, cid, name in session.execute(select(Grid.id, Grid.community_id, Grid.name)
                                          .where(_grid_where(where)).order_by(Grid.code)):
        if gid not in covered:
            empty[cid].append(name)
    return {cid: Gaps(no_officer=not active, short_teams=tuple(short[cid]),
                      empty_grids=tuple(empty[cid]), no_response_unit=cid not in response)
            for cid, active in officers.items()}


def _team_where(where: ColumnElement[bool]) -> ColumnElement[bool]:
    return Team.community_id.in_(select(Community.id).where(where))


def _grid_where(where: ColumnElement[bool]) -> ColumnElement[bool]:
    return Grid.community_id.in_(select(Community.id).where(where))


def counts_by_community(session: Session, where: ColumnElement[bool]) -> dict[int, dict[str, int]]:
    """Active teams, active members (of active teams), grids, covered grids, active units."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("teams", "members", "grids", "covered", "units"), 0))
    tw = _team_where(where)
    for cid, teams, members in session.execute(
            select(Team.community_id, func.count(distinct(Team.id)),
                   func.count(distinct(Member.id)))  # a person in two teams counts once
            .outerjoin(Membership, Membership.team_id == Team.id)
            .outerjoin(Member, (Member.id == Membership.member_id) & Member.active.is_(True))
            .where(Team.active.is_(True), tw).group_by(Team.community_id)):
        out[cid].update(teams=teams, members=members)
    for cid, grids in session.execute(select(Grid.community_id, func.count())
                                      .where(_grid_where(where)).group_by(Grid.community_id)):
        out[cid]["grids"] = grids
    for cid, covered in session.execute(
            select(Grid.community_id, func.count())
            .where(Grid.id.in_(covered_grids(tw)), _grid_where(where))
            .group_by(Grid.community_id)):
        out[cid]["covered"] = covered
    for cid, units in session.execute(
            select(SocialUnit.community_id, func.count())
            .where(SocialUnit.active.is_(True),
                   SocialUnit.community_id.in_(select(Community.id).where(where)))
            .group_by(SocialUnit.community_id)):
        out[cid]["units"] = units
    return out
