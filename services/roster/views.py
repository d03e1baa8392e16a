"""What the roster pages show: the district view (counts and gaps) and one community's 1+10+N."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import Community, Grid, Member, Membership, Officer, PoliceOffice, SocialUnit, Team
from services.core.actor import Actor, Perm, require
from services.core.scope import community_filter
from services.roster.common import community_for_view, masked_id, masked_phone, may_see_personal
from services.roster.coverage import Gaps, active_counts, counts_by_community, gaps_by_community


@dataclass(frozen=True)
class CommunitySummary:
    community_id: int
    name: str
    name_en: str
    kind: str
    officer: str
    teams: int
    members: int
    grids: int
    grids_covered: int
    units: int
    gaps: Gaps


def district_view(session: Session, *, actor: Actor, gaps_only: bool = False
                  ) -> list[CommunitySummary]:
    """Every community in the actor's scope, its counts and its gaps, by name."""
    require(actor, Perm.VIEW_ROSTER)
    where = community_filter(actor, Community.id)
    gaps = gaps_by_community(session, where)
    counts = counts_by_community(session, where)
    rows = session.execute(
        select(Community.id, Community.name, Community.name_en, Community.kind, Officer.name)
        .outerjoin(Officer, (Officer.id == Community.officer_id) & Officer.active.is_(True))
        .where(where).order_by(Community.name)).all()
    out = []
    for cid, name, name_en, kind, officer in rows:
        c = counts[cid]
        summary = CommunitySummary(cid, name, name_en, kind, officer or "", c["teams"],
                                   c["members"], c["grids"], c["covered"], c["units"], gaps[cid])
        if not gaps_only or summary.gaps.count:
            out.append(summary)
    return out


@dataclass(frozen=True)
class OfficerView:
    id: int
    name: str
    badge_no: str
    phone_masked: str
    police_office_id: int
    is_deputy_secretary: bool
    on_duty: bool
    active: bool
    version: int
    role: str  # community (the community's own officer) | backup (the office's backup)


@dataclass(frozen=True)
class TeamView:
    id: int
    kind: str
    name: str
    leader_member_id: int | None
    leader: str
    min_size: int
    active_members: int
    grids_covered: tuple[str, ...]
    active: bool
    version: int

    @property
    def short(self) -> bool:
        return self.active and self.active_members < self.min_size


@dataclass(frozen=True)
class MemberView:
    """A person as one of a team's members: someone in two teams is listed under each."""

    id: int
    name: str
    phone_masked: str
    id_masked: str
    team_id: int
    grid_id: int | None
    grid: str
    skills: tuple[str, ...]
    availability: dict[str, Any]
    active: bool
    version: int


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    kind: str
    contact_name: str
    phone_masked: str
    services: tuple[str, ...]
    active: bool
    version: int


@dataclass(frozen=True)
class CommunityRoster:
    id: int
    name: str
    name_en: str
    kind: str
    police_office: str
    officer_id: int | None
    officers: list[OfficerView]
    teams: list[TeamView]
    members: list[MemberView]
    units: list[UnitView]
    grids: list[tuple[int, str]]
    gaps: Gaps
    can_edit: bool
    can_reveal: bool


def community_roster(session: Session, *, actor: Actor, community_id: int) -> CommunityRoster:
    """One community's officer(s), teams with their members, and social units (masked)."""
    c = community_for_view(session, actor, community_id)
    office = session.get(PoliceOffice, c.police_office_id)
    grids = [(g, n) for g, n in session.execute(
        select(Grid.id, Grid.name).where(Grid.community_id == c.id).order_by(Grid.code))]
    members = _members(session, c.id, dict(grids))
    return CommunityRoster(
        id=c.id, name=c.name, name_en=c.name_en, kind=c.kind,
        police_office=office.name if office else "", officer_id=c.officer_id,
        officers=_officers(session, c, office), teams=_teams(session, c.id, members),
        members=members, units=_units(session, c.id), grids=grids,
        gaps=gaps_by_community(session, Community.id == c.id)[c.id],
        can_edit=actor.can(Perm.EDIT_ROSTER) and actor.in_scope(c.id),
        can_reveal=may_see_personal(actor, c.officer_id))


def _officers(session: Session, c: Community, office: PoliceOffice | None) -> list[OfficerView]:
    backup = office.backup_officer_id if office else None
    ids = [i for i in (c.officer_id, backup) if i is not None]
    rows = {o.id: o for o in session.scalars(select(Officer).where(Officer.id.in_(ids)))}
    out = []
    for oid, role in ((c.officer_id, "community"), (backup, "backup")):
        o = rows.get(oid) if oid is not None else None
        if o is not None and (role == "community" or oid != c.officer_id):
            out.append(OfficerView(o.id, o.name, o.badge_no, masked_phone(o.phone),
                                   o.police_office_id, o.is_deputy_secretary, o.on_duty,
                                   o.active, o.version, role))
    return out


def _members(session: Session, community_id: int, grid_names: dict[int, str]
             ) -> list[MemberView]:
    rows = session.execute(
        select(Member, Membership.team_id).join(Membership, Membership.member_id == Member.id)
        .join(Team, Team.id == Membership.team_id)
        .where(Team.community_id == community_id)
        .order_by(Member.active.desc(), Team.kind, Member.name, Member.id, Team.id))
    return [MemberView(m.id, m.name, masked_phone(m.phone), masked_id(m.id_number), team_id,
                       m.grid_id, grid_names.get(m.grid_id or 0, ""), tuple(m.skills or ()),
                       dict(m.availability or {}), m.active, m.version) for m, team_id in rows]


def _teams(session: Session, community_id: int, members: list[MemberView]) -> list[TeamView]:
    counts = {r.team_id: r.n for r in session.execute(
        active_counts(Team.community_id == community_id))}
    leader = aliased(Member)
    out = []
    for t, leader_name in session.execute(
            select(Team, leader.name).outerjoin(leader, leader.id == Team.leader_member_id)
            .where(Team.community_id == community_id)
            .order_by(Team.active.desc(), Team.kind, Team.name)):
        covered = sorted({m.grid for m in members if m.team_id == t.id and m.active and m.grid})
        out.append(TeamView(t.id, t.kind, t.name, t.leader_member_id, leader_name or "",
                            t.min_size, counts.get(t.id, 0) if t.active else 0,
                            tuple(covered), t.active, t.version))
    return out


def _units(session: Session, community_id: int) -> list[UnitView]:
    rows = session.scalars(select(SocialUnit).where(SocialUnit.community_id == community_id)
                           .order_by(SocialUnit.active.desc(), SocialUnit.kind,
                                     SocialUnit.name))
    return [UnitView(u.id, u.name, u.kind, u.contact_name, masked_phone(u.contact_phone),
                     tuple(u.services or ()), u.active, u.version) for u in rows]
