"""Team coverage (grids with and without active members, response units) and alert areas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from db.models import Alert, Community, Grid, Member, Membership, Team
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.scope import community_filter
from services.maps.geometry import collection, feature, square

FeatureCollection = dict[str, Any]


def grid_coverage(session: Session, *, actor: Actor) -> FeatureCollection:
    """Every grid in scope with its count of active members (in active teams) and teams."""
    require(actor, Perm.VIEW_MAP)
    active = (
        select(Member.grid_id, func.count(func.distinct(Member.id)).label("members"),
               func.count(func.distinct(Membership.team_id)).label("teams"))
        .join(Membership, Membership.member_id == Member.id)
        .join(Team, Team.id == Membership.team_id)
        .where(Member.active.is_(True), Team.active.is_(True), Member.grid_id.is_not(None))
        .group_by(Member.grid_id).subquery()
    )
    rows = session.execute(
        select(Grid.id, Grid.code, Grid.name, Grid.lat, Grid.lon, Grid.boundary,
               Community.name.label("community"), active.c.members, active.c.teams)
        .join(Community, Community.id == Grid.community_id)
        .outerjoin(active, active.c.grid_id == Grid.id)
        .where(community_filter(actor, Grid.community_id)).order_by(Grid.id)
    ).all()
    return collection([
        feature(r.boundary or square(r.lat, r.lon, 0.001), id=r.id, code=r.code, name=r.name,
                community=r.community, members=int(r.members or 0), teams=int(r.teams or 0),
                covered=bool(r.members))
        for r in rows
    ])


def response_units(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """Active minimum response units in scope, placed where their members' grids are
    (the community's centre when no member has a grid)."""
    require(actor, Perm.VIEW_MAP)
    rows = session.execute(
        select(Team.id, Team.name, Community.name.label("community"), Community.lat,
               Community.lon, func.count(Member.id).label("members"),
               func.avg(Grid.lat).label("grid_lat"), func.avg(Grid.lon).label("grid_lon"))
        .join(Community, Community.id == Team.community_id)
        .outerjoin(Membership, Membership.team_id == Team.id)
        .outerjoin(Member, and_(Member.id == Membership.member_id, Member.active.is_(True)))
        .outerjoin(Grid, Grid.id == Member.grid_id)
        .where(Team.kind == "response_unit", Team.active.is_(True),
               community_filter(actor, Team.community_id))
        .group_by(Team.id, Team.name, Community.name, Community.lat, Community.lon)
        .order_by(Team.id)
    ).all()
    return [{"id": r.id, "name": r.name, "community": r.community, "members": int(r.members),
             "lat": round(float(r.grid_lat if r.grid_lat is not None else r.lat), 5),
             "lon": round(float(r.grid_lon if r.grid_lon is not None else r.lon), 5)}
            for r in rows]


def sees_alert_areas(actor: Actor) -> bool:
    """Who reads alerts, and the command centre's wall screen (the areas in force, titled)."""
    return actor.can(Perm.VIEW_ALERTS) or actor.can(Perm.VIEW_BOARD)


def alert_areas(session: Session, *, actor: Actor,
                now: datetime | None = None) -> FeatureCollection:
    """The target communities and grids (in scope) of alerts published and valid now."""
    require(actor, Perm.VIEW_MAP)
    if not sees_alert_areas(actor):
        require(actor, Perm.VIEW_ALERTS)
    now = now or clock.now()
    alerts = session.execute(
        select(Alert.id, Alert.title, Alert.origin_region, Alert.valid_to, Alert.target)
        .where(Alert.status == "published", Alert.valid_from <= now, Alert.valid_to >= now)
        .order_by(Alert.id)
    ).all()
    features: list[dict[str, Any] | None] = []
    for alert in alerts:
        target = alert.target or {}
        about = {"alert_id": alert.id, "title": alert.title, "origin": alert.origin_region,
                 "valid_to": clock.local(alert.valid_to)}
        for kind, model in (("community", Community), ("grid", Grid)):
            ids = [int(i) for i in target.get(f"{kind}_ids") or []]
            features += _areas(session, actor, model, ids, kind, about)
    return collection(features)


def _areas(session: Session, actor: Actor, model: type[Community] | type[Grid], ids: list[int],
           kind: str, about: dict[str, Any]) -> list[dict[str, Any] | None]:
    if not ids:
        return []
    scope_col = model.id if model is Community else Grid.community_id
    rows = session.execute(
        select(model.id, model.name, model.lat, model.lon, model.boundary)
        .where(model.id.in_(ids), community_filter(actor, scope_col)).order_by(model.id)
    ).all()
    return [feature(r.boundary or square(r.lat, r.lon, 0.001), kind=kind, area=r.name,
                    **about) for r in rows]
