"""Add and edit members, teams and social units; deactivate and reactivate instead of delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Grid, Member, Membership, SocialUnit, Team
from services.core import audit
from services.core.actor import Actor
from services.core.concurrency import update_versioned
from services.core.errors import Invalid, NotFound
from services.roster import checks
from services.roster.common import (
    MEMBER_FIELDS,
    bump,
    community_for_edit,
    drop_membership,
    join_team,
    member_communities,
    team_ids_of,
)

TEAM_FIELDS = ["name", "kind", "min_size", "leader_member_id", "active"]
UNIT_FIELDS = ["name", "kind", "contact_name", "contact_phone", "services", "active"]
MODELS: dict[str, Any] = {"member": Member, "team": Team, "social_unit": SocialUnit}
FIELDS = {"member": MEMBER_FIELDS, "team": TEAM_FIELDS, "social_unit": UNIT_FIELDS}


def editable_team(session: Session, actor: Actor, team_id: int | None,
                  field: str = "team_id") -> Team:
    """The team, if the actor may edit its community's roster."""
    if not team_id:
        raise Invalid({field: "roster.v.required"})
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound()
    community_for_edit(session, actor, team.community_id)
    return team


def check_grid(session: Session, community_id: int, grid_id: int | None) -> None:
    if grid_id is not None and session.scalar(
            select(Grid.community_id).where(Grid.id == grid_id)) != community_id:
        raise Invalid({"grid_id": "roster.v.grid"})


def check_id_free(session: Session, id_number: str | None, member_id: int | None) -> None:
    """One person, one roster entry: the ID number is unique (across the district)."""
    if id_number and session.scalar(select(Member.id).where(
            Member.id_number == id_number, Member.id != (member_id or 0))):
        raise Invalid({"id_number": "roster.v.id_taken"})


def save_member(session: Session, *, actor: Actor, values: dict[str, Any],
                member_id: int | None = None, shown_version: int | None = None,
                from_team_id: int | None = None) -> int:
    """Add a member (member_id None) or change one shown at `shown_version`; returns its id.

    `values`: name, phone, id_number, team_id, grid_id, skills, availability. When editing,
    an empty phone or ID number keeps the one on file (they are only ever shown masked).
    A different team_id moves the person from `from_team_id` (the team they were shown
    under; None: their only team) to that team; their other teams stay.
    """
    old = _editable(session, actor, "member", member_id)
    problems = checks.Problems()  # every field's problem at once
    team = problems.attempt(lambda: editable_team(session, actor, values.get("team_id")))
    clean = problems.attempt(lambda: checks.member_fields(values, keep_personal=old is not None))
    if team is not None:
        problems.attempt(lambda: check_grid(session, team.community_id, values.get("grid_id")))
    if clean is not None:
        problems.attempt(lambda: check_id_free(session, clean.get("id_number"), member_id))
    problems.raise_any()
    clean.update(grid_id=values.get("grid_id"))
    if old is None:
        member = Member(**clean, active=True)
        session.add(member)
        session.flush()
        audit.record(session, actor=actor, action="roster.member_add", entity="member",
                     entity_id=member.id, after={**audit.snapshot(member, MEMBER_FIELDS),
                                                 "team_id": team.id})
        session.add(Membership(member_id=member.id, team_id=team.id))
        return member.id
    version = _update(session, actor, "member", old, shown_version, clean)
    if _move(session, actor, old.id, from_team_id, team.id) and version == shown_version:
        bump(session, old.id)  # one save, one new version
        session.refresh(old)
        version = old.version
    return version


def _move(session: Session, actor: Actor, member_id: int, from_team: int | None,
          to_team: int) -> bool:
    """Put the person in `to_team` instead of `from_team` (their only team when None)."""
    teams = team_ids_of(session, member_id)
    if from_team is None:
        if to_team in teams or len(teams) != 1:
            return False  # serving in several teams: joining or leaving one is explicit
        from_team = teams[0]
    if from_team == to_team:
        return False
    editable_team(session, actor, from_team)
    join_team(session, actor, member_id, to_team, new_version=False)
    drop_membership(session, actor, member_id, from_team, new_version=False)
    return True


def join_member(session: Session, *, actor: Actor, member_id: int, team_id: int) -> bool:
    """The person also serves in this team (of a community the actor may edit)."""
    _editable(session, actor, "member", member_id)
    editable_team(session, actor, team_id)
    return join_team(session, actor, member_id, team_id)


def leave_team(session: Session, *, actor: Actor, member_id: int, team_id: int) -> None:
    """Take the person out of one team, an explicit choice; their only team cannot be left
    (deactivate them instead, so that their history stays on a roster)."""
    _editable(session, actor, "member", member_id)
    editable_team(session, actor, team_id)
    teams = team_ids_of(session, member_id)
    if team_id not in teams:
        raise NotFound()
    if len(teams) == 1:
        raise Invalid({"team_id": "roster_people.last_team"})
    team = session.get(Team, team_id)
    if team is not None and team.leader_member_id == member_id:
        session.execute(update(Team).where(Team.id == team_id)
                        .values(leader_member_id=None, version=Team.version + 1))
        audit.record(session, actor=actor, action="roster.team_edit", entity="team",
                     entity_id=team_id, before={"leader_member_id": member_id},
                     after={"leader_member_id": None})
    drop_membership(session, actor, member_id, team_id)


def save_team(session: Session, *, actor: Actor, community_id: int, values: dict[str, Any],
              team_id: int | None = None, shown_version: int | None = None) -> int:
    """Add or change a team: name, kind, minimum size, leader (an active member of it)."""
    old = _editable(session, actor, "team", team_id)
    community_for_edit(session, actor, old.community_id if old else community_id)
    clean = checks.team_fields(values)
    leader = values.get("leader_member_id")
    if leader is not None and (old is None or not session.scalar(
            select(Member.id).join(Membership, Membership.member_id == Member.id).where(
                Member.id == leader, Member.active.is_(True), Membership.team_id == old.id))):
        raise Invalid({"leader_member_id": "roster.v.leader"})
    clean["leader_member_id"] = leader
    if old is None:
        team = Team(community_id=community_id, **clean, active=True)
        session.add(team)
        session.flush()
        audit.record(session, actor=actor, action="roster.team_add", entity="team",
                     entity_id=team.id, after=audit.snapshot(team, TEAM_FIELDS))
        return team.id
    return _update(session, actor, "team", old, shown_version, clean)


def save_unit(session: Session, *, actor: Actor, community_id: int, values: dict[str, Any],
              unit_id: int | None = None, shown_version: int | None = None) -> int:
    """Add or change a social unit: name (unique in the community), kind, contact, services."""
    old = _editable(session, actor, "social_unit", unit_id)
    community_id = old.community_id if old else community_id
    community_for_edit(session, actor, community_id)
    clean = checks.unit_fields(values, keep_personal=old is not None)
    if session.scalar(select(SocialUnit.id).where(
            SocialUnit.community_id == community_id,
            func.lower(SocialUnit.name) == clean["name"].lower(),
            SocialUnit.id != (unit_id or 0))):
        raise Invalid({"name": "roster.v.unit_taken"})
    if old is None:
        unit = SocialUnit(community_id=community_id, **clean, active=True)
        session.add(unit)
        session.flush()
        audit.record(session, actor=actor, action="roster.unit_add", entity="social_unit",
                     entity_id=unit.id, after=audit.snapshot(unit, UNIT_FIELDS))
        return unit.id
    return _update(session, actor, "social_unit", old, shown_version, clean)


def set_active(session: Session, *, actor: Actor, entity: str, record_id: int,
               shown_version: int, active: bool) -> int:
    """Deactivate (history stays) or reactivate a member, team or social unit."""
    if entity not in MODELS:
        raise NotFound()
    old = _editable(session, actor, entity, record_id)
    assert old is not None
    if entity == "member" and active:
        check_id_free(session, old.id_number, old.id)
    verb = "reactivate" if active else "deactivate"
    return _update(session, actor, entity, old, shown_version, {"active": active}, verb)


def _editable(session: Session, actor: Actor, entity: str, record_id: int | None) -> Any:
    """The record (None when adding), if the actor may edit its community; else NotFound."""
    if record_id is None:
        return None
    row = session.get(MODELS[entity], record_id)
    if row is None:
        raise NotFound()
    if entity == "member":
        communities = member_communities(session, actor, row.id)
        if not communities:
            raise NotFound()
        community = communities[0]
    else:
        community = row.community_id
    community_for_edit(session, actor, community)
    return row


def _update(session: Session, actor: Actor, entity: str, old: Any, shown_version: int | None,
            values: dict[str, Any], verb: str = "edit") -> int:
    fields = FIELDS[entity]
    before = audit.snapshot(old, fields)
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if shown_version is None:
        raise Invalid({"version": "roster.v.version"})
    if not changed and old.version == shown_version:
        return shown_version  # nothing to change: no new version, nothing to audit
    version = update_versioned(session, MODELS[entity], old.id, shown_version, changed,
                               entity=entity)
    session.refresh(old)
    short = "unit" if entity == "social_unit" else entity
    audit.record(session, actor=actor, action=f"roster.{short}_{verb}", entity=entity,
                 entity_id=old.id, before={k: before[k] for k in changed},
                 after={k: getattr(old, k) for k in changed})
    return version
