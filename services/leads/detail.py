"""One lead as its page shows it: the lead, names, timeline, photos, masked contact, actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, Grid, LeadEvent, Officer, PoliceOffice, User
from services.core import clock
from services.core.actor import Actor, Perm, Role, require
from services.core.leadstate import DONE_STATUSES, UNACCEPTED_STATUSES
from services.core.masking import mask_text
from services.leads.common import LeadView, load_visible, view_of
from services.leads.photos import PhotoView, list_photos
from services.leads.workflow import allowed_actions


@dataclass(frozen=True)
class EventView:
    at: datetime
    action: str
    from_status: str | None
    to_status: str
    note: str
    actor_name: str
    data: dict[str, Any]


@dataclass(frozen=True)
class LeadDetail:
    lead: LeadView
    community_name: str
    grid_name: str
    officer_name: str
    assignee_name: str
    reporter_name: str
    reporter_contact: str  # masked unless the actor needs it or reported the lead
    overdue: bool
    events: tuple[EventView, ...]
    photos: tuple[PhotoView, ...]
    actions: tuple[str, ...]
    boundary: dict[str, Any] | None


def may_see_contact(actor: Actor, community_officer_id: int | None,
                    assigned_officer_id: int | None) -> bool:
    """Reporter contact: admins and the officer of that community (or handling the lead)."""
    if actor.role == Role.ADMIN:
        return True
    return actor.officer_id is not None and actor.officer_id in (community_officer_id,
                                                                 assigned_officer_id)


def overdue(view: LeadView, now: datetime) -> bool:
    if view.status in DONE_STATUSES:
        return False
    late_accept = (view.status in UNACCEPTED_STATUSES and view.accept_due_at is not None
                   and view.accept_due_at < now)
    return late_accept or (view.resolve_due_at is not None and view.resolve_due_at < now)


def _name(session: Session, model: Any, attr: Any, row_id: int | None) -> str:
    if row_id is None:
        return ""
    return session.scalar(select(attr).where(model.id == row_id)) or ""


def _events(session: Session, lead_id: int) -> tuple[EventView, ...]:
    rows = session.execute(
        select(LeadEvent.at, LeadEvent.action, LeadEvent.from_status, LeadEvent.to_status,
               LeadEvent.note, User.display_name, LeadEvent.data)
        .outerjoin(User, User.id == LeadEvent.actor_user_id)
        .where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id)
    ).all()
    return tuple(EventView(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6] or {}) for r in rows)


def get_lead(session: Session, *, actor: Actor, lead_id: int,
             now: datetime | None = None) -> LeadDetail:
    """The lead with everything its page shows; NotFound if the actor may not see it."""
    require(actor, Perm.VIEW_LEADS)
    lead = load_visible(session, actor, lead_id)
    view = view_of(lead)
    community = session.get(Community, lead.community_id)
    officer_of_community = community.officer_id if community else None
    contact = lead.reporter_contact
    if not (lead.reporter_user_id == actor.user_id
            or may_see_contact(actor, officer_of_community, lead.assigned_officer_id)):
        contact = mask_text(contact)  # the reporter sees their own line as typed
    return LeadDetail(
        lead=view, community_name=community.name if community else "",
        grid_name=_name(session, Grid, Grid.name, lead.grid_id),
        officer_name=_name(session, Officer, Officer.name, lead.assigned_officer_id),
        assignee_name=_name(session, User, User.display_name, lead.assigned_user_id),
        reporter_name=_name(session, User, User.display_name, lead.reporter_user_id),
        reporter_contact=contact, overdue=overdue(view, now or clock.now()),
        events=_events(session, lead.id), photos=tuple(list_photos(session, lead.id)),
        actions=tuple(allowed_actions(actor, lead)),
        boundary=community.boundary if community else None,
    )


def officer_choices(session: Session, *, actor: Actor, lead_id: int) -> list[tuple[int, str]]:
    """Active officers of the lead's station, for a supervisor's reassignment."""
    require(actor, Perm.SUPERVISE_LEADS)
    lead = load_visible(session, actor, lead_id)
    station = select(Community.station_id).where(Community.id == lead.community_id)
    rows = session.execute(
        select(Officer.id, Officer.name)
        .join(PoliceOffice, PoliceOffice.id == Officer.police_office_id)
        .where(PoliceOffice.station_id.in_(station), Officer.active.is_(True))
        .order_by(Officer.name)).all()
    return [(int(i), n) for i, n in rows]
