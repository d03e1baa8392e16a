""""Who can help here now": active members in an area with the skills asked for, on duty."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from db.models import Member, Membership, Team
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.core.scope import community_filter
from services.roster.common import SKILLS, available_at, masked_phone


@dataclass(frozen=True)
class Helper:
    member_id: int
    name: str
    team_id: int
    team_kind: str
    community_id: int
    grid_id: int | None
    skills: tuple[str, ...]
    phone_masked: str


def who_can_help(
    session: Session, *, actor: Actor, community_ids: Collection[int] | None = None,
    grid_ids: Collection[int] | None = None, skills: Iterable[str] = (),
    team_kinds: Iterable[str] = (), at: datetime | None = None,
) -> list[Helper]:
    """Active members of active teams in the area (in any of the communities or any of the
    grids given; neither = the actor's whole scope) who have every skill asked for and
    whose availability covers `at` (None = any time; Asia/Shanghai). Out-of-scope areas
    give nobody. Phones are masked. A person in several matching teams is listed once, under
    the first of them."""
    require(actor, Perm.VIEW_ROSTER)
    wanted = tuple(dict.fromkeys(skills))
    if any(s not in SKILLS for s in wanted):
        raise Invalid({"skills": "roster.v.skill"})
    stmt = (select(Member.id, Member.name, Team.id, Team.kind, Team.community_id,
                   Member.grid_id, Member.skills, Member.availability, Member.phone)
            .join(Membership, Membership.member_id == Member.id)
            .join(Team, Team.id == Membership.team_id)
            .where(Member.active.is_(True), Team.active.is_(True),
                   community_filter(actor, Team.community_id))
            .order_by(Team.community_id, Member.grid_id, Member.name, Member.id, Team.id))
    area = []
    if community_ids is not None:
        area.append(Team.community_id.in_(sorted(set(community_ids))))
    if grid_ids is not None:
        area.append(Member.grid_id.in_(sorted(set(grid_ids))))
    if area:
        stmt = stmt.where(or_(*area))
    kinds = tuple(team_kinds)
    if kinds:
        stmt = stmt.where(Team.kind.in_(kinds))
    for skill in wanted:  # JSON text holds each skill code in quotes, on both databases
        stmt = stmt.where(cast(Member.skills, String).like(f'%"{skill}"%'))
    out, seen = [], set()
    for row in session.execute(stmt):
        if row[0] in seen:
            continue
        have = tuple(row[6] or ())
        if not set(wanted) <= set(have) or not available_at(row[7], at):
            continue
        seen.add(row[0])
        out.append(Helper(member_id=row[0], name=row[1], team_id=row[2], team_kind=row[3],
                          community_id=row[4], grid_id=row[5], skills=have,
                          phone_masked=masked_phone(row[8])))
    return out
