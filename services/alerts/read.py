"""Reading alerts: the list, one alert live (reach, mobilised, sightings), what to acknowledge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from db.models import Alert, AlertRecipient, Community, Grid, Lead, Member
from services.alerts.common import (
    CLOSED,
    DRAFT,
    PUBLISHED,
    AlertView,
    Target,
    load_alert,
    target_communities,
    view_of,
)
from services.alerts.photos import photo_ids
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.scope import community_filter
from services.leads import visible


@dataclass(frozen=True)
class Counts:
    recipients: int = 0
    with_account: int = 0
    acknowledged: int = 0
    reached: int = 0
    mobilised: int = 0  # recipients marked mobilised plus people officers brought in
    sightings: int = 0


@dataclass(frozen=True)
class AlertRow:
    id: int
    title: str
    origin_region: str
    status: str
    outcome: str | None
    published_at: datetime | None
    valid_to: datetime
    counts: Counts


@dataclass(frozen=True)
class Sighting:
    lead_id: int
    created_at: datetime
    status: str
    lat: float
    lon: float
    description: str


@dataclass(frozen=True)
class Mine:
    """The actor's part: their own row, and the members they relay."""

    recipient: bool
    acknowledged_at: datetime | None
    mobilised: bool
    relayed: int
    relayed_reached: int
    officer: bool  # an officer recipient: may record who was mobilised


@dataclass(frozen=True)
class AlertDetail:
    alert: AlertView
    counts: Counts
    by_community: tuple[tuple[str, int, int, int], ...]  # name, recipients, reached, mobilised
    sightings: tuple[Sighting, ...]
    mine: Mine
    area: tuple[str, ...]  # community and grid names
    boundaries: tuple[dict[str, Any], ...]  # their GeoJSON geometries, for the map
    older: tuple[int, ...]  # versions this one amends, newest first
    newer: int | None  # the version that amends this one
    relayed_members: tuple[tuple[int, str, bool], ...]  # for officers: member id, name, mobilised


def _reached() -> ColumnElement[bool]:
    return or_(AlertRecipient.reached_at.is_not(None), AlertRecipient.acknowledged_at.is_not(None))


def counts(session: Session, alert_ids: list[int]) -> dict[int, Counts]:
    if not alert_ids:
        return {}
    rows = session.execute(
        select(AlertRecipient.alert_id, func.count(),
               func.count().filter(AlertRecipient.user_id.is_not(None)),
               func.count().filter(AlertRecipient.acknowledged_at.is_not(None)),
               func.count().filter(_reached()),
               func.count().filter(AlertRecipient.mobilised.is_(True)),
               func.coalesce(func.sum(AlertRecipient.helpers), 0))
        .where(AlertRecipient.alert_id.in_(alert_ids)).group_by(AlertRecipient.alert_id)).all()
    seen = {a: n for a, n in session.execute(select(Lead.alert_id, func.count()).where(
        Lead.alert_id.in_(alert_ids)).group_by(Lead.alert_id))}
    out = {int(r[0]): Counts(int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]) + int(r[6]),
                             int(seen.get(r[0], 0))) for r in rows}
    return {a: out.get(a, Counts(sightings=int(seen.get(a, 0)))) for a in alert_ids}


def _mine_clause(actor: Actor) -> ColumnElement[bool]:
    return or_(AlertRecipient.user_id == actor.user_id,
               AlertRecipient.relay_user_id == actor.user_id)


def _candidates(actor: Actor) -> Select[Any]:
    query = select(Alert).order_by(Alert.id.desc()).limit(300)
    if actor.can(Perm.PUBLISH_ALERT):
        return query
    reached = [_mine_clause(actor)]
    if actor.officer_id is not None:
        reached.append(community_filter(actor, AlertRecipient.community_id))
    return query.where(Alert.status != DRAFT, exists().where(
        AlertRecipient.alert_id == Alert.id, or_(*reached)))


def list_alerts(session: Session, *, actor: Actor, status: str | None = None) -> list[AlertRow]:
    """Alerts the actor may see, newest first, with their live counts."""
    require(actor, Perm.VIEW_ALERTS)
    query = _candidates(actor)
    if status:
        query = query.where(Alert.status == status)
    alerts: list[Alert] = list(session.scalars(query))
    if actor.can(Perm.PUBLISH_ALERT) and actor.community_ids is not None:
        scope = actor.community_ids
        alerts = [a for a in alerts if a.created_by == actor.user_id
                  or target_communities(session, Target.of(a.target)) & scope]
    live = counts(session, [a.id for a in alerts])
    return [AlertRow(a.id, a.title, a.origin_region, a.status, a.outcome, a.published_at,
                     a.valid_to, live[a.id]) for a in alerts]


def _mine(session: Session, actor: Actor, alert_id: int) -> Mine:
    own = session.execute(select(AlertRecipient.acknowledged_at, AlertRecipient.mobilised,
                                 AlertRecipient.officer_id)
                          .where(AlertRecipient.alert_id == alert_id,
                                 AlertRecipient.user_id == actor.user_id)).first()
    relayed, reached = session.execute(
        select(func.count(), func.count().filter(AlertRecipient.reached_at.is_not(None)))
        .where(AlertRecipient.alert_id == alert_id,
               AlertRecipient.relay_user_id == actor.user_id)).one()
    return Mine(own is not None, own[0] if own else None, bool(own[1]) if own else False,
                int(relayed), int(reached), bool(own and own[2] is not None))


def _by_community(session: Session, alert_id: int) -> tuple[tuple[str, int, int, int], ...]:
    rows = session.execute(
        select(Community.name, func.count(), func.count().filter(_reached()),
               func.count().filter(AlertRecipient.mobilised.is_(True)))
        .join(Community, Community.id == AlertRecipient.community_id)
        .where(AlertRecipient.alert_id == alert_id).group_by(Community.name)
        .order_by(Community.name)).all()
    return tuple((r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows)


def _sightings(session: Session, actor: Actor, alert_id: int) -> tuple[Sighting, ...]:
    rows = session.execute(
        select(Lead.id, Lead.created_at, Lead.status, Lead.lat, Lead.lon, Lead.description)
        .where(Lead.alert_id == alert_id, visible(session, actor))
        .order_by(Lead.created_at)).all()
    return tuple(Sighting(r[0], r[1], r[2], r[3], r[4], r[5][:120]) for r in rows)


def _area(session: Session, target: Target
          ) -> tuple[tuple[str, ...], tuple[dict[str, Any], ...]]:
    rows = list(session.execute(select(Community.name, Community.boundary).where(
        Community.id.in_(target.community_ids)).order_by(Community.name)))
    rows += list(session.execute(select(Grid.name, Grid.boundary).where(
        Grid.id.in_(target.grid_ids)).order_by(Grid.name)))
    return tuple(r[0] for r in rows), tuple(r[1] for r in rows if r[1])


def _versions(session: Session, alert: Alert) -> tuple[tuple[int, ...], int | None]:
    older: list[int] = []
    at = alert.amends_id
    while at is not None and len(older) < 50:
        older.append(at)
        at = session.scalar(select(Alert.amends_id).where(Alert.id == at))
    newer = session.scalar(select(Alert.id).where(Alert.amends_id == alert.id,
                                                  Alert.status != DRAFT).limit(1))
    return tuple(older), newer


def _relayed_members(session: Session, actor: Actor, alert_id: int, mine: Mine
                     ) -> tuple[tuple[int, str, bool], ...]:
    if not mine.officer:
        return ()
    rows = session.execute(
        select(Member.id, Member.name, AlertRecipient.mobilised)
        .join(Member, Member.id == AlertRecipient.member_id)
        .where(AlertRecipient.alert_id == alert_id,
               community_filter(actor, AlertRecipient.community_id))
        .order_by(Member.name).limit(500)).all()
    return tuple((int(i), n, bool(m)) for i, n, m in rows)


def get_alert(session: Session, *, actor: Actor, alert_id: int) -> AlertDetail:
    """One alert as its page shows it, live; NotFound if the actor may not see it."""
    alert = load_alert(session, actor, alert_id)
    target = Target.of(alert.target)
    mine = _mine(session, actor, alert.id)
    older, newer = _versions(session, alert)
    names, boundaries = _area(session, target)
    return AlertDetail(
        alert=view_of(alert, photo_ids(session, alert.id)), counts=counts(session, [alert.id])[
            alert.id], by_community=_by_community(session, alert.id),
        sightings=_sightings(session, actor, alert.id), mine=mine, area=names,
        boundaries=boundaries,
        older=older, newer=newer, relayed_members=_relayed_members(session, actor, alert.id,
                                                                   mine))


@dataclass(frozen=True)
class Pending:
    id: int
    title: str
    origin_region: str
    published_at: datetime | None
    valid_to: datetime
    relayed: int  # members without accounts the actor passes it on to


def to_acknowledge(session: Session, *, actor: Actor) -> list[Pending]:
    """Published alerts the actor has not acknowledged yet (own row, or members to relay)."""
    require(actor, Perm.VIEW_ALERTS)
    waiting = or_(and_(AlertRecipient.user_id == actor.user_id,
                       AlertRecipient.acknowledged_at.is_(None)),
                  and_(AlertRecipient.relay_user_id == actor.user_id,
                       AlertRecipient.user_id.is_(None), AlertRecipient.reached_at.is_(None)))
    rows = session.execute(
        select(Alert.id, Alert.title, Alert.origin_region, Alert.published_at, Alert.valid_to,
               func.count().filter(AlertRecipient.relay_user_id == actor.user_id))
        .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
        .where(Alert.status == PUBLISHED, waiting)
        .group_by(Alert.id, Alert.title, Alert.origin_region, Alert.published_at, Alert.valid_to)
        .order_by(Alert.published_at.desc())).all()
    return [Pending(int(r[0]), r[1], r[2], r[3], r[4], int(r[5])) for r in rows]


def recent_outcomes(session: Session, *, actor: Actor, days: int = 7,
                    now: datetime | None = None) -> list[AlertView]:
    """Alerts the actor received that were closed lately: the outcome and note for them."""
    require(actor, Perm.VIEW_ALERTS)
    since = (now or clock.now()) - timedelta(days=days)
    alerts = session.scalars(
        select(Alert).where(Alert.status == CLOSED, Alert.closed_at >= since,
                            exists().where(AlertRecipient.alert_id == Alert.id,
                                           _mine_clause(actor)))
        .order_by(Alert.closed_at.desc())).all()
    return [view_of(a) for a in alerts]


def area_choices(session: Session, *, actor: Actor
                 ) -> tuple[list[tuple[int, str]], list[tuple[int, str, int]]]:
    """Communities of the publisher's scope, and their grids (id, name, community id)."""
    require(actor, Perm.PUBLISH_ALERT)
    communities = session.execute(select(Community.id, Community.name)
                                  .where(community_filter(actor, Community.id))
                                  .order_by(Community.name)).all()
    grids = session.execute(select(Grid.id, Grid.name, Grid.community_id)
                            .where(community_filter(actor, Grid.community_id))
                            .order_by(Grid.code)).all()
    return ([(int(i), n) for i, n in communities], [(int(i), n, int(c)) for i, n, c in grids])
