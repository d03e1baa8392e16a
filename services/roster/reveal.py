"""Showing one phone or ID number in full: a deliberate, permitted and audited act."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, Member, Officer, SocialUnit
from services.core import audit
from services.core.actor import Actor, Perm, Role, refuse, require
from services.core.errors import NotFound
from services.core.scope import check_community
from services.roster.common import may_see_personal, member_communities

REVEALABLE = {"member": ("phone", "id_number"), "social_unit": ("contact_phone",),
              "officer": ("phone",)}


def _community_officer(session: Session, actor: Actor, entity: str, record_id: int
                       ) -> tuple[object, int | None, int | None]:
    """(record, its community id, that community's officer id). A person in teams of
    several communities: the one whose officer the actor is, else one in scope."""
    if entity == "member":
        member = session.get(Member, record_id)
        ids = member_communities(session, actor, record_id) if member else []
        own = [c for c in ids if actor.officer_id is not None and session.scalar(
            select(Community.officer_id).where(Community.id == c)) == actor.officer_id]
        cid: int | None = (own or ids or [0])[0] or None
        row: object = member
    elif entity == "social_unit":
        unit = session.get(SocialUnit, record_id)
        cid, row = (unit.community_id if unit else None), unit
    else:  # an officer's own phone: admins and the officer themself
        officer = session.get(Officer, record_id)
        return officer, None, officer.id if officer else None
    community = session.get(Community, cid) if cid is not None else None
    return row, cid, community.officer_id if community else None


def reveal(session: Session, *, actor: Actor, entity: str, record_id: int, field: str) -> str:
    """The field in full, for admins and the community's own officer; audited (who, when,
    which record and field). Others are refused, and the refusal is audited too."""
    require(actor, Perm.REVEAL_PERSONAL)
    if field not in REVEALABLE.get(entity, ()):
        raise NotFound()
    row, community_id, officer_id = _community_officer(session, actor, entity, record_id)
    if row is None:
        raise NotFound()
    if entity != "officer":
        check_community(actor, community_id)
    if not may_see_personal(actor, officer_id) and actor.role != Role.ADMIN:
        refuse(actor, Perm.REVEAL_PERSONAL, f"{entity}:{record_id}")
    audit.record(session, actor=actor, action="roster.reveal", entity=entity,
                 entity_id=record_id, after={"field": field})
    return str(getattr(row, field) or "")
