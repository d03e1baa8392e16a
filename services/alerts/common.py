"""Alert vocabulary, the target an alert reaches, the views handed to pages, and visibility."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from db.models import Alert, AlertRecipient, Grid
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid, NotFound
from services.core.scope import check_community

DRAFT, PUBLISHED, SUPERSEDED, CLOSED = "draft", "published", "superseded", "closed"
STATUSES = (DRAFT, PUBLISHED, SUPERSEDED, CLOSED)
OUTCOMES = ("caught", "found", "not_found", "withdrawn")
ROLES = ("officer", "leader", "member")  # community officers, team leaders, any team member
TEAM_KINDS = ("grid_worker", "security_committee", "response_unit", "activist",
              "community_worker", "volunteer", "mediator", "patrol", "property", "party_member")
SKILLS = ("first_aid", "mediation", "dialect_chongqing", "driving", "night_shift",
          "fire_safety", "legal", "counselling", "photography")


@dataclass(frozen=True)
class Target:
    """Who an alert reaches: the area (communities and/or grids), then who in it."""

    community_ids: tuple[int, ...] = ()
    grid_ids: tuple[int, ...] = ()
    team_kinds: tuple[str, ...] = ()  # empty: every kind
    roles: tuple[str, ...] = ROLES
    skills: tuple[str, ...] = ()  # empty: any; else at least one of them
    available_only: bool = False  # only members whose availability covers the time of publishing

    def as_json(self) -> dict[str, Any]:
        return {"community_ids": list(self.community_ids), "grid_ids": list(self.grid_ids),
                "team_kinds": list(self.team_kinds), "roles": list(self.roles),
                "skills": list(self.skills), "available_only": self.available_only}

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> Target:
        d = data or {}
        return cls(tuple(int(i) for i in d.get("community_ids") or ()),
                   tuple(int(i) for i in d.get("grid_ids") or ()),
                   tuple(d.get("team_kinds") or ()), tuple(d.get("roles") or ROLES),
                   tuple(d.get("skills") or ()), bool(d.get("available_only", False)))


def check_target(session: Session, actor: Actor, target: Target) -> dict[str, str]:
    """Field errors of a target; the area must lie in the actor's scope (else NotFound)."""
    errors: dict[str, str] = {}
    if not target.community_ids and not target.grid_ids:
        errors["area"] = "alerts.area_required"
    for cid in target.community_ids:
        check_community(actor, cid)
    for gid in target.grid_ids:
        grid = session.get(Grid, gid)
        if grid is None:
            raise NotFound()
        check_community(actor, grid.community_id)
    if not target.roles or set(target.roles) - set(ROLES):
        errors["roles"] = "alerts.bad_roles"
    if set(target.team_kinds) - set(TEAM_KINDS):
        errors["team_kinds"] = "alerts.bad_team_kinds"
    if set(target.skills) - set(SKILLS):
        errors["skills"] = "alerts.bad_skills"
    return errors


@dataclass(frozen=True)
class AlertView:
    id: int
    amends_id: int | None
    origin_region: str
    case_ref: str
    title: str
    subject: str
    target: Target
    valid_from: datetime
    valid_to: datetime
    status: str
    outcome: str | None
    outcome_note: str
    suspects_caught: int
    mobilised: int
    created_at: datetime
    published_at: datetime | None
    closed_at: datetime | None
    version: int
    photo_ids: tuple[int, ...] = field(default=())


def view_of(alert: Alert, photo_ids: tuple[int, ...] = ()) -> AlertView:
    return AlertView(
        id=alert.id, amends_id=alert.amends_id, origin_region=alert.origin_region,
        case_ref=alert.case_ref, title=alert.title, subject=alert.subject,
        target=Target.of(alert.target), valid_from=alert.valid_from, valid_to=alert.valid_to,
        status=alert.status, outcome=alert.outcome, outcome_note=alert.outcome_note,
        suspects_caught=alert.suspects_caught, mobilised=alert.mobilised,
        created_at=alert.created_at, published_at=alert.published_at,
        closed_at=alert.closed_at, version=alert.version, photo_ids=photo_ids)


def target_communities(session: Session, target: Target) -> set[int]:
    """The communities of the area: those named, and those holding the named grids."""
    ids = set(target.community_ids)
    if target.grid_ids:
        ids |= set(session.scalars(select(Grid.community_id).where(Grid.id.in_(target.grid_ids))))
    return ids


def mobilisation(session: Session, alert_id: int) -> int:
    """Recipients marked mobilised plus the people officers recorded as brought in."""
    marked, helpers = session.execute(
        select(func.count().filter(AlertRecipient.mobilised.is_(True)),
               func.coalesce(func.sum(AlertRecipient.helpers), 0))
        .where(AlertRecipient.alert_id == alert_id)).one()
    return int(marked or 0) + int(helpers or 0)


def is_recipient(session: Session, actor: Actor, alert_id: int) -> bool:
    """The actor got the alert: as a recipient with an account, or as a relay for members."""
    return bool(session.scalar(select(exists().where(
        AlertRecipient.alert_id == alert_id,
        or_(AlertRecipient.user_id == actor.user_id,
            AlertRecipient.relay_user_id == actor.user_id)))))


def may_see(session: Session, actor: Actor, alert: Alert) -> bool:
    """Publishers see alerts whose area touches their scope (drafts too); others the alerts
    they received, and officers those reaching a community of their scope."""
    if actor.can(Perm.PUBLISH_ALERT):
        if actor.community_ids is None or alert.created_by == actor.user_id:
            return True
        return bool(target_communities(session, Target.of(alert.target)) & actor.community_ids)
    if alert.status == DRAFT:
        return False
    if is_recipient(session, actor, alert.id):
        return True
    if actor.officer_id is None or actor.community_ids is None:
        return False
    return bool(target_communities(session, Target.of(alert.target)) & actor.community_ids)


def load_alert(session: Session, actor: Actor, alert_id: int, *, lock: bool = False) -> Alert:
    """The alert if the actor may see it; NotFound otherwise, so ids reveal nothing."""
    require(actor, Perm.VIEW_ALERTS)
    query = select(Alert).where(Alert.id == alert_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    alert = session.scalar(query)
    if alert is None or not may_see(session, actor, alert):
        raise NotFound()
    return alert


def require_status(alert: Alert, *allowed: str, key: str) -> None:
    if alert.status not in allowed:
        raise Invalid(key=key, status=alert.status)
