"""The "1": add and edit a community's officer, assign one, deactivate and reactivate.

Who is a community's officer decides who may read its members' personal data in full, so
only admins add, assign, deactivate or reactivate officers; a community's officer (or anyone
who may edit that community's roster) may correct the officer's details.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, Officer
from services.core import audit
from services.core.actor import Actor, Perm, Role, refuse
from services.core.concurrency import update_versioned
from services.core.errors import Invalid, NotFound
from services.leads import communities_reached, dispatch_waiting
from services.roster import checks
from services.roster.common import community_for_edit

OFFICER_FIELDS = ["name", "badge_no", "phone", "police_office_id", "is_deputy_secretary",
                  "on_duty", "active"]


def _editable_officer(session: Session, actor: Actor, officer_id: int) -> Officer:
    """Admins edit any officer; others only the officer of a community they may edit."""
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise NotFound()
    if actor.role != Role.ADMIN:
        communities = session.scalars(select(Community.id).where(
            Community.officer_id == officer_id)).all()
        editable = [c for c in communities if actor.in_scope(c)]
        if not editable:
            raise NotFound()
        community_for_edit(session, actor, editable[0])
    return officer


def _admin_only(actor: Actor, what: str) -> None:
    if actor.role != Role.ADMIN:
        refuse(actor, Perm.EDIT_ROSTER, what)


def _check_badge(session: Session, badge_no: str, officer_id: int | None) -> None:
    if session.scalar(select(Officer.id).where(Officer.badge_no == badge_no,
                                               Officer.id != (officer_id or 0))):
        raise Invalid({"badge_no": "roster.v.badge_taken"})


def add_officer(session: Session, *, actor: Actor, community_id: int,
                values: dict[str, Any]) -> int:
    """A new officer at the community's police office, made the community's officer."""
    community = community_for_edit(session, actor, community_id)
    _admin_only(actor, "officer")
    clean = checks.officer_fields(values)
    _check_badge(session, clean["badge_no"], None)
    officer = Officer(**clean, police_office_id=community.police_office_id, active=True)
    session.add(officer)
    session.flush()
    audit.record(session, actor=actor, action="roster.officer_add", entity="officer",
                 entity_id=officer.id, after=audit.snapshot(officer, OFFICER_FIELDS))
    _assign(session, actor, community, officer.id)
    return officer.id


def edit_officer(session: Session, *, actor: Actor, officer_id: int, shown_version: int,
                 values: dict[str, Any]) -> int:
    """Change name, badge, phone (empty keeps it), deputy secretary and on-duty flags."""
    officer = _editable_officer(session, actor, officer_id)
    clean = checks.officer_fields(values, keep_personal=True)
    _check_badge(session, clean["badge_no"], officer_id)
    return _update(session, actor, officer, shown_version, clean, "edit")


def set_officer_active(session: Session, *, actor: Actor, officer_id: int, shown_version: int,
                       active: bool) -> int:
    officer = _editable_officer(session, actor, officer_id)
    _admin_only(actor, f"officer:{officer_id}")
    verb = "reactivate" if active else "deactivate"
    return _update(session, actor, officer, shown_version, {"active": active}, verb)


def assign_officer(session: Session, *, actor: Actor, community_id: int,
                   officer_id: int | None) -> None:
    """Make an active officer of the community's police office its officer (None: nobody)."""
    community = community_for_edit(session, actor, community_id)
    _admin_only(actor, f"community:{community_id}")
    if officer_id is not None:
        officer = session.get(Officer, officer_id)
        if officer is None or not officer.active or (
                officer.police_office_id != community.police_office_id):
            raise Invalid({"officer_id": "roster.v.officer_choice"})
    _assign(session, actor, community, officer_id)


def officer_choices(session: Session, *, actor: Actor, community_id: int
                    ) -> list[tuple[int, str]]:
    """Active officers of the community's police office, for the assign selector."""
    community = community_for_edit(session, actor, community_id)
    return [(r[0], f"{r[1]} ({r[2]})") for r in session.execute(
        select(Officer.id, Officer.name, Officer.badge_no)
        .where(Officer.police_office_id == community.police_office_id,
               Officer.active.is_(True)).order_by(Officer.name))]


def _assign(session: Session, actor: Actor, community: Community, officer_id: int | None) -> None:
    before = community.officer_id
    if before == officer_id:
        return
    community.officer_id = officer_id
    session.flush()
    audit.record(session, actor=actor, action="roster.officer_assign", entity="community",
                 entity_id=community.id, before={"officer_id": before},
                 after={"officer_id": officer_id})
    if officer_id is not None:  # leads waiting for nobody may now have someone
        dispatch_waiting(session, actor=actor, community_ids=[community.id])


def _update(session: Session, actor: Actor, officer: Officer, shown_version: int,
            values: dict[str, Any], verb: str) -> int:
    before = audit.snapshot(officer, OFFICER_FIELDS)
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if not changed and officer.version == shown_version:
        return shown_version
    version = update_versioned(session, Officer, officer.id, shown_version, changed,
                               entity="officer")
    session.refresh(officer)
    audit.record(session, actor=actor, action=f"roster.officer_{verb}", entity="officer",
                 entity_id=officer.id, before={k: before[k] for k in changed},
                 after={k: getattr(officer, k) for k in changed})
    if changed.keys() & {"active", "on_duty"} and officer.active and officer.on_duty:
        # Back on duty or reactivated: the leads that waited for nobody in their chain.
        dispatch_waiting(session, actor=actor,
                         community_ids=communities_reached(session, officer_id=officer.id))
    return version
