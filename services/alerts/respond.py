"""Recipients respond: acknowledge (and say they are responding), report sightings as urgent
leads, and officers record who was mobilised."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import AlertRecipient
from services import leads
from services.alerts.common import (
    PUBLISHED,
    is_recipient,
    load_alert,
    mobilisation,
    require_status,
)
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid, NotFound
from services.leads import LeadView

SIGHTING_CATEGORY = "suspicious"


def acknowledge(session: Session, *, actor: Actor, alert_id: int, responding: bool = False,
                now: datetime | None = None) -> int:
    """Acknowledge a published alert: the actor's own row, and the members they relay (who
    have no account) count as reached. `responding` marks the actor mobilised; acknowledging
    again only changes that (the first acknowledgement's time stays).
    Returns how many people this acknowledgement reached."""
    require(actor, Perm.VIEW_ALERTS)
    now = now or clock.now()
    alert = load_alert(session, actor, alert_id)
    require_status(alert, PUBLISHED, key="alerts.not_open")
    if not is_recipient(session, actor, alert.id):
        raise NotFound()
    own = session.execute(
        update(AlertRecipient)
        .where(AlertRecipient.alert_id == alert.id, AlertRecipient.user_id == actor.user_id)
        .values(acknowledged_at=func.coalesce(AlertRecipient.acknowledged_at, now),
                reached_at=func.coalesce(AlertRecipient.reached_at, now), mobilised=responding)
    ).rowcount  # type: ignore[attr-defined]
    relayed = session.execute(
        update(AlertRecipient)
        .where(AlertRecipient.alert_id == alert.id, AlertRecipient.relay_user_id == actor.user_id,
               AlertRecipient.user_id.is_(None), AlertRecipient.reached_at.is_(None))
        .values(reached_at=now)
    ).rowcount  # type: ignore[attr-defined]
    audit.record(session, actor=actor, action="alerts.acknowledge", entity="alert",
                 entity_id=alert.id, after={"responding": responding, "relayed": relayed})
    return int(own) + int(relayed)


def report_sighting(
    session: Session, *, actor: Actor, alert_id: int, description: str,
    community_id: int | None = None, grid_id: int | None = None, lat: float | None = None,
    lon: float | None = None, address: str = "", photos: Sequence[bytes] = (),
    now: datetime | None = None, photo_dir: Path | None = None,
) -> LeadView:
    """A sighting becomes an urgent lead linked to the alert, dispatched at once (in the
    same transaction) like any lead."""
    require(actor, Perm.REPORT_LEAD)
    now = now or clock.now()
    alert = load_alert(session, actor, alert_id)
    require_status(alert, PUBLISHED, key="alerts.not_open")
    if not (alert.valid_from <= now <= alert.valid_to):
        raise Invalid(key="alerts.outside_window")
    if not (is_recipient(session, actor, alert.id) or actor.can(Perm.PUBLISH_ALERT)
            or actor.officer_id is not None):
        raise NotFound()
    lead = leads.report_lead(
        session, actor=actor, category=SIGHTING_CATEGORY, urgency="urgent",
        description=description, community_id=community_id, grid_id=grid_id, lat=lat, lon=lon,
        address=address, photos=photos, alert_id=alert.id, now=now, photo_dir=photo_dir)
    audit.record(session, actor=actor, action="alerts.sighting", entity="alert",
                 entity_id=alert.id, after={"lead_id": lead.id, "status": lead.status})
    return lead


def record_mobilised(session: Session, *, actor: Actor, alert_id: int,
                     member_ids: Sequence[int] = (), helpers: int | None = None) -> int:
    """An officer who received the alert marks members of their scope as mobilised (those
    without accounts cannot say so themselves) and records how many more people they brought
    in who were not on the list. Returns the alert's mobilisation count."""
    require(actor, Perm.HANDLE_LEAD)
    alert = load_alert(session, actor, alert_id)
    require_status(alert, PUBLISHED, key="alerts.not_open")
    mine = select(AlertRecipient).where(AlertRecipient.alert_id == alert.id,
                                        AlertRecipient.officer_id == actor.officer_id)
    own = session.scalar(mine) if actor.officer_id is not None else None
    if own is None:
        raise NotFound()
    if helpers is not None:
        if not 0 <= int(helpers) <= 10_000:
            raise Invalid({"helpers": "alerts.bad_helpers"})
        own.helpers = int(helpers)
    marked = 0
    if member_ids:
        scope = actor.community_ids if actor.community_ids is not None else None
        query = update(AlertRecipient).where(
            AlertRecipient.alert_id == alert.id, AlertRecipient.member_id.in_(list(member_ids)))
        if scope is not None:
            query = query.where(AlertRecipient.community_id.in_(sorted(scope)))
        marked = session.execute(query.values(mobilised=True)).rowcount  # type: ignore[attr-defined]
    session.flush()
    audit.record(session, actor=actor, action="alerts.mobilised", entity="alert",
                 entity_id=alert.id, after={"members": marked, "helpers": own.helpers})
    return mobilisation(session, alert.id)
