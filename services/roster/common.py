"""Shared roster rules: codes, who may see or change what, availability windows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Community, Member, Membership, Team
from services.core import audit, clock
from services.core.actor import Actor, Perm, Role, require
from services.core.errors import Invalid, NotFound
from services.core.masking import mask_id, mask_phone
from services.core.scope import check_community, community_filter

TEAM_KINDS = ("grid_worker", "security_committee", "response_unit", "activist",
              "community_worker", "volunteer", "mediator", "patrol", "property", "party_member")
SKILLS = ("first_aid", "mediation", "dialect_chongqing", "driving", "night_shift",
          "fire_safety", "legal", "counselling", "photography")
UNIT_KINDS = ("property", "shop", "school", "hospital", "company", "volunteer_group")
DEFAULT_MIN_SIZE = 3
MEMBER_FIELDS = ["name", "phone", "id_number", "grid_id", "skills", "availability", "active"]


def may_see_personal(actor: Actor, community_officer_id: int | None) -> bool:
    """Admins and the community's own officer may reveal ID numbers and phones in full."""
    if actor.role == Role.ADMIN:
        return True
    return (actor.officer_id is not None and community_officer_id == actor.officer_id
            and actor.can(Perm.REVEAL_PERSONAL))


def masked_phone(value: str | None) -> str:
    return mask_phone(value)


def masked_id(value: str | None) -> str:
    return mask_id(value)


def community_for_view(session: Session, actor: Actor, community_id: int) -> Community:
    """The community if the actor may view rosters there; NotFound if out of scope."""
    require(actor, Perm.VIEW_ROSTER)
    check_community(actor, community_id)
    row = session.get(Community, community_id)
    if row is None:
        raise NotFound()
    return row


def community_for_edit(session: Session, actor: Actor, community_id: int) -> Community:
    """The community if the actor may change its roster (officers: their own scope)."""
    require(actor, Perm.EDIT_ROSTER)
    return community_for_view(session, actor, community_id)


def member_communities(session: Session, actor: Actor, member_id: int) -> list[int]:
    """The communities of a person's teams, those in the actor's scope first (then by id)."""
    ids = sorted(set(session.scalars(select(Team.community_id).join(
        Membership, Membership.team_id == Team.id).where(Membership.member_id == member_id))))
    return sorted(ids, key=lambda c: (not actor.in_scope(c), c))


def team_ids_of(session: Session, member_id: int) -> list[int]:
    return sorted(session.scalars(select(Membership.team_id)
                                  .where(Membership.member_id == member_id)))


def join_team(session: Session, actor: Actor, member_id: int, team_id: int,
              action: str = "roster.member_join", new_version: bool = True) -> bool:
    """Add the membership (audited); False when the person already serves in the team."""
    if session.scalar(select(Membership.id).where(Membership.member_id == member_id,
                                                  Membership.team_id == team_id)):
        return False
    session.add(Membership(member_id=member_id, team_id=team_id))
    if new_version:
        bump(session, member_id)
    audit.record(session, actor=actor, action=action, entity="member", entity_id=member_id,
                 after={"team_id": team_id})
    return True


def bump(session: Session, member_id: int) -> None:
    """A change of teams is a change of the person: a form or table showing them is stale."""
    session.flush()
    session.execute(update(Member).where(Member.id == member_id)
                    .values(version=Member.version + 1))


def drop_membership(session: Session, actor: Actor, member_id: int, team_id: int,
                    new_version: bool = True) -> None:
    """Delete the membership (audited); the caller made sure another one remains."""
    row = session.scalar(select(Membership).where(Membership.member_id == member_id,
                                                  Membership.team_id == team_id))
    if row is None:
        raise NotFound()
    session.delete(row)
    if new_version:
        bump(session, member_id)
    audit.record(session, actor=actor, action="roster.member_leave", entity="member",
                 entity_id=member_id, before={"team_id": team_id})


def community_names(session: Session, actor: Actor) -> list[tuple[int, str, str]]:
    """(id, name, English name) of every community in the actor's roster scope, by name."""
    require(actor, Perm.VIEW_ROSTER)
    rows = session.execute(select(Community.id, Community.name, Community.name_en)
                           .where(community_filter(actor, Community.id))
                           .order_by(Community.name)).all()
    return [(r[0], r[1], r[2]) for r in rows]


# --- availability: {"days": [0..6, Monday=0], "from": "HH:MM", "to": "HH:MM"}; {} = always

def _minutes(text: Any, field: str) -> int:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise Invalid({field: "roster.v.time"})
    try:
        hours, minutes = int(text[:2]), int(text[3:])
    except ValueError:
        raise Invalid({field: "roster.v.time"}) from None
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise Invalid({field: "roster.v.time"})
    return hours * 60 + minutes


def clean_availability(value: dict[str, Any] | None, *,
                       field: str = "availability") -> dict[str, Any]:
    """A checked availability: days 0-6 (none = every day), both times or neither."""
    if not value:
        return {}
    days = sorted({int(d) for d in value.get("days") or []})
    if any(d < 0 or d > 6 for d in days):
        raise Invalid({field: "roster.v.days"})
    start, end = value.get("from") or "", value.get("to") or ""
    if bool(start) != bool(end):
        raise Invalid({field: "roster.v.both_times"})
    out: dict[str, Any] = {}
    if days and len(days) < 7:
        out["days"] = days
    if start:
        _minutes(start, field)
        _minutes(end, field)
        out["from"], out["to"] = start, end
    return out


def available_at(availability: dict[str, Any] | None, at: datetime | None) -> bool:
    """Whether the window covers `at` (Asia/Shanghai; naive means Asia/Shanghai wall time).

    A window whose end is before its start crosses midnight: it starts on a listed day and
    ends on the next. The end minute is included ("to 12:00" covers 12:00).
    """
    if at is None or not availability:
        return True
    local = at.replace(tzinfo=clock.TZ) if at.tzinfo is None else at.astimezone(clock.TZ)
    days = set(availability.get("days") or range(7))
    weekday, now = local.weekday(), local.hour * 60 + local.minute
    start_text, end_text = availability.get("from"), availability.get("to")
    if not start_text or not end_text:
        return weekday in days
    start, end = _minutes(start_text, "from"), _minutes(end_text, "to")
    if start == end:
        return weekday in days
    if start < end:
        return weekday in days and start <= now <= end
    yesterday = (weekday - 1) % 7
    return (weekday in days and now >= start) or (yesterday in days and now <= end)
