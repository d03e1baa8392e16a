"""The board's alarm: new emergency leads sound until a supervisor acknowledges them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, func, not_, select
from sqlalchemy.orm import Session

from db.models import Community, Lead, LeadEvent, User
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.core.leadstate import UNACCEPTED_STATUSES
from services.leads import load_visible, record_step

ACK = "board_ack"  # the lead step that records an acknowledgement on the board
WINDOW = timedelta(hours=12)  # older unacknowledged emergencies are in the late section
SHOWN = 8  # banners at most; the board says how many more sound


@dataclass(frozen=True)
class AlarmLead:
    id: int
    created_at: datetime
    category: str
    community: str
    accept_due_at: datetime | None


@dataclass(frozen=True)
class Acknowledged:
    lead_id: int
    by: str
    at: datetime


def _acked() -> ColumnElement[bool]:
    return exists().where(LeadEvent.lead_id == Lead.id, LeadEvent.action == ACK)


def sounding(session: Session, base: list[ColumnElement[bool]], now: datetime,
             limit: int = SHOWN + 1) -> tuple[AlarmLead, ...]:
    """Emergency leads of the last WINDOW, not accepted and not acknowledged, newest first
    (`limit` of them: one more than shown tells the board that more are sounding)."""
    rows = session.execute(
        select(Lead.id, Lead.created_at, Lead.category, Community.name, Lead.accept_due_at)
        .join(Community, Community.id == Lead.community_id)
        .where(*base, Lead.urgency == "emergency", Lead.status.in_(UNACCEPTED_STATUSES),
               Lead.created_at >= now - WINDOW, not_(_acked()))
        .order_by(Lead.id.desc()).limit(limit)).all()
    return tuple(AlarmLead(*r) for r in rows)


def newest_urgent(session: Session, base: list[ColumnElement[bool]], now: datetime) -> int:
    """The newest urgent lead waiting in scope (0: none); the board chimes when it grows."""
    return int(session.scalar(
        select(func.coalesce(func.max(Lead.id), 0))
        .where(*base, Lead.urgency == "urgent", Lead.status.in_(UNACCEPTED_STATUSES),
               Lead.created_at >= now - WINDOW)) or 0)


def acknowledge(session: Session, *, actor: Actor, lead_id: int,
                now: datetime | None = None) -> Acknowledged:
    """A supervisor silences a lead's alarm: recorded as a lead step (who, when) and audited.
    Acknowledging again changes nothing and names the first acknowledgement."""
    require(actor, Perm.SUPERVISE_LEADS)
    lead = load_visible(session, actor, lead_id)
    if lead.urgency != "emergency":
        raise Invalid(key="board.ack_not_emergency")
    done = acknowledged(session, lead.id)
    if done is not None:
        return done
    now = now or clock.now()
    record_step(session, actor, lead, ACK, lead.status, "", now, {})
    session.flush()
    return Acknowledged(lead.id, actor.display_name, now)


def acknowledged(session: Session, lead_id: int) -> Acknowledged | None:
    row = session.execute(
        select(func.coalesce(User.display_name, ""), LeadEvent.at)
        .outerjoin(User, User.id == LeadEvent.actor_user_id)
        .where(LeadEvent.lead_id == lead_id, LeadEvent.action == ACK)
        .order_by(LeadEvent.id).limit(1)).first()
    return Acknowledged(lead_id, row[0], row[1]) if row else None
