"""Lead vocabulary, the frozen views handed to pages, and which leads an actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, or_, select, true, update
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent, Membership, Task, Team
from services.core.actor import Actor, Role, refused_quietly
from services.core.errors import NotFound
from services.core.scope import lead_filter

CATEGORIES = ("public_order", "suspicious", "dispute", "fraud", "fire", "help", "traffic", "other")
URGENCIES = ("routine", "urgent", "emergency")
LEVELS = ("grid", "community", "station", "district")
STATUSES = ("new", "dispatched", "accepted", "in_progress", "resolved", "verified", "closed",
            "escalated", "returned", "duplicate", "needs_info")
DESCRIPTION_MAX = 2000
NOTE_MAX = 2000


@dataclass(frozen=True)
class LeadView:
    id: int
    status: str
    category: str
    urgency: str
    community_id: int
    grid_id: int | None
    lat: float
    lon: float
    address: str
    description: str
    level: str
    assigned_officer_id: int | None
    assigned_user_id: int | None
    dispatch_rule: str | None
    created_at: datetime
    dispatched_at: datetime | None
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    accept_due_at: datetime | None
    resolve_due_at: datetime | None
    closed_level: str | None
    resolution: str
    duplicate_of_id: int | None
    alert_id: int | None
    reporter_user_id: int | None
    version: int


def view_of(lead: Lead) -> LeadView:
    return LeadView(
        id=lead.id, status=lead.status, category=lead.category, urgency=lead.urgency,
        community_id=lead.community_id, grid_id=lead.grid_id, lat=lead.lat, lon=lead.lon,
        address=lead.address, description=lead.description, level=lead.level,
        assigned_officer_id=lead.assigned_officer_id, assigned_user_id=lead.assigned_user_id,
        dispatch_rule=lead.dispatch_rule, created_at=lead.created_at,
        dispatched_at=lead.dispatched_at, accepted_at=lead.accepted_at,
        resolved_at=lead.resolved_at, closed_at=lead.closed_at,
        accept_due_at=lead.accept_due_at, resolve_due_at=lead.resolve_due_at,
        closed_level=lead.closed_level, resolution=lead.resolution,
        duplicate_of_id=lead.duplicate_of_id, alert_id=lead.alert_id,
        reporter_user_id=lead.reporter_user_id, version=lead.version,
    )


def team_ids(session: Session, actor: Actor) -> list[int]:
    """The teams the actor belongs to as a team member (grid workers and the '10')."""
    if actor.member_id is None:
        return []
    return list(session.scalars(select(Membership.team_id)
                                .where(Membership.member_id == actor.member_id)
                                .order_by(Membership.team_id)))


def visible(session: Session, actor: Actor) -> ColumnElement[bool]:
    """Leads the actor may see: their scope, plus what is assigned to them, plus (for team
    members) leads behind the shared tasks of their teams."""
    base = lead_filter(actor)
    if actor.community_ids is None and actor.role != Role.GRID_WORKER:
        return true()
    extra: list[ColumnElement[bool]] = [base, Lead.assigned_user_id == actor.user_id]
    if actor.officer_id is not None:
        extra.append(Lead.assigned_officer_id == actor.officer_id)
    if actor.role == Role.GRID_WORKER:  # leads they added to instead of reporting anew
        extra.append(Lead.id.in_(select(LeadEvent.lead_id).where(
            LeadEvent.actor_user_id == actor.user_id, LeadEvent.action == "add_info")))
    teams = team_ids(session, actor)
    if actor.role == Role.GRID_WORKER and teams:
        communities = select(Team.community_id).where(Team.id.in_(teams))
        tasks = select(Task.lead_id).where(
            Task.lead_id.is_not(None),
            or_(Task.team_id.in_(teams),
                Task.team_id.is_(None) & Task.community_id.in_(communities)),
        )
        extra.append(Lead.id.in_(tasks))
    return or_(*extra)


def load_visible(session: Session, actor: Actor, lead_id: int) -> Lead:
    """The lead if the actor may see it; NotFound otherwise, so ids reveal nothing."""
    lead = session.scalar(select(Lead).where(Lead.id == lead_id, visible(session, actor)))
    if lead is None:
        if session.scalar(select(Lead.id).where(Lead.id == lead_id)) is not None:
            refused_quietly(actor, f"scope:lead:{lead_id}")  # there, but not theirs: audited
        raise NotFound()
    return lead


def forget_loaded(session: Session, model: Any, ids: list[int]) -> None:
    """Rows changed by a Core UPDATE: expire any copy this session holds, so that it is
    read again rather than shown as it was."""
    for row_id in ids:
        obj = session.identity_map.get(session.identity_key(model, row_id))
        if obj is not None:
            session.expire(obj)


_VERSIONED: dict[tuple[str, tuple[str, ...]], Any] = {}


def versioned_update(session: Session, table: Table, row_id: int, version: int,
                     values: dict[str, Any], *, status: str | None = None) -> bool:
    """UPDATE table SET values, version + 1 WHERE id, version (and status, if given) match:
    True if the row was changed. The statement is made once per table and set of columns
    (values go as parameters), so a sweep of a thousand rows does not build a thousand."""
    keys = tuple(sorted(values))
    key = (f"{table.name}:{status}", keys)
    stmt = _VERSIONED.get(key)
    if stmt is None:
        where = [table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")]
        if status is not None:
            where.append(table.c.status == bindparam("b_status"))
        stmt = _VERSIONED[key] = update(table).where(*where).values(
            {k: bindparam(f"v_{k}") for k in (*keys, "version")})
    params = {f"v_{k}": v for k, v in values.items()} | {
        "b_id": row_id, "b_version": version, "v_version": version + 1, "b_status": status}
    return session.execute(stmt, params).rowcount == 1  # type: ignore[attr-defined, no-any-return]
