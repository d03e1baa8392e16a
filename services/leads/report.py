"""Reporting a lead: check, store and dispatch in one transaction; or add to a nearby one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Lead, LeadEvent
from services import audit, clock
from services.actor import Actor, Perm, require
from services.errors import Invalid, NotFound
from services.leads.common import (
    CATEGORIES,
    DESCRIPTION_MAX,
    URGENCIES,
    LeadView,
    view_of,
)
from services.leads.dispatch import Assignment, choose, deadlines, dispatch_event
from services.leads.photos import check_photos, store_photos
from services.leads.place import distance_m, locate
from services.leadstate import is_open
from services.text import clean_text

NEARBY_M = 200.0
NEARBY_WINDOW = timedelta(hours=24)
_TEXT_FIELDS = (("description", DESCRIPTION_MAX, True), ("address", 200, False),
                ("reporter_contact", 64, False))


def _validated(category: str, urgency: str, texts: dict[str, str | None]) -> dict[str, str]:
    """Every field checked at once, so the form can mark all that are wrong."""
    errors: dict[str, str] = {}
    if category not in CATEGORIES:
        errors["category"] = "leads.bad_category"
    if urgency not in URGENCIES:
        errors["urgency"] = "leads.bad_urgency"
    clean: dict[str, str] = {}
    for field, max_len, required in _TEXT_FIELDS:
        try:
            clean[field] = clean_text(texts.get(field), field=field, max_len=max_len,
                                      required=required)
        except Invalid as exc:
            key = exc.fields[field]
            errors[field] = f"leads.{field}_too_long" if key == "error.too_long" else key
    if errors:
        raise Invalid(errors)
    return clean


def report_lead(
    session: Session, *, actor: Actor, category: str, urgency: str, description: str,
    community_id: int | None = None, grid_id: int | None = None, lat: float | None = None,
    lon: float | None = None, address: str = "", reporter_contact: str = "",
    photos: Sequence[bytes] = (), alert_id: int | None = None, now: datetime | None = None,
    photo_dir: Path | None = None,
) -> LeadView:
    """Validate, store and dispatch a lead in the caller's transaction; audited."""
    require(actor, Perm.REPORT_LEAD)
    now = now or clock.now()
    text = _validated(category, urgency, {"description": description, "address": address,
                                          "reporter_contact": reporter_contact})
    checked = check_photos(photos)
    place = locate(session, actor=actor, community_id=community_id, grid_id=grid_id,
                   lat=lat, lon=lon)
    who = choose(session, place.community_id)
    accept_due, resolve_due = deadlines(session, category, urgency, created_at=now, now=now)
    lead = Lead(
        created_at=now, reporter_user_id=actor.user_id or None,
        reporter_member_id=actor.member_id, reporter_contact=text["reporter_contact"],
        community_id=place.community_id, grid_id=place.grid_id, lat=place.lat, lon=place.lon,
        address=text["address"], category=category, urgency=urgency,
        description=text["description"], status="dispatched" if who.rule else "new",
        level=who.level, assigned_officer_id=who.officer_id, assigned_user_id=who.user_id,
        dispatch_rule=who.rule, dispatched_at=now if who.rule else None,
        accept_due_at=accept_due, resolve_due_at=resolve_due, alert_id=alert_id,
    )
    session.add(lead)
    session.flush()
    _events(session, actor, lead, who, now)
    store_photos(session, lead.id, checked, photo_dir)
    audit.record(session, actor=actor, action="leads.report", entity="lead", entity_id=lead.id,
                 after=_summary(lead, len(checked)))
    return view_of(lead)


def _events(session: Session, actor: Actor, lead: Lead, who: Assignment,
            now: datetime) -> None:
    uid = actor.user_id or None
    # Same columns in both rows, so that they go in one INSERT.
    session.add(LeadEvent(lead_id=lead.id, at=now, actor_user_id=uid, action="report",
                          from_status=None, to_status="new", note="", data={}))
    if who.rule:
        session.add(dispatch_event(lead.id, now, who))
    session.flush()


def _summary(lead: Lead, photos: int) -> dict[str, Any]:
    return {"status": lead.status, "category": lead.category, "urgency": lead.urgency,
            "community_id": lead.community_id, "grid_id": lead.grid_id,
            "reporter_contact": lead.reporter_contact, "dispatch_rule": lead.dispatch_rule,
            "assigned_officer_id": lead.assigned_officer_id,
            "assigned_user_id": lead.assigned_user_id, "alert_id": lead.alert_id,
            "photos": photos}


@dataclass(frozen=True)
class NearbyLead:
    id: int
    created_at: datetime
    status: str
    urgency: str
    distance_m: float
    excerpt: str


def nearby_leads(
    session: Session, *, actor: Actor, category: str, community_id: int | None = None,
    grid_id: int | None = None, lat: float | None = None, lon: float | None = None,
    now: datetime | None = None,
) -> list[NearbyLead]:
    """Open leads of the same category within 200 m in the last 24 h, nearest first."""
    require(actor, Perm.REPORT_LEAD)
    now = now or clock.now()
    place = locate(session, actor=actor, community_id=community_id, grid_id=grid_id,
                   lat=lat, lon=lon)
    dlat = NEARBY_M / 111_000
    dlon = NEARBY_M / (111_000 * max(0.1, math.cos(math.radians(place.lat))))
    rows = session.execute(
        select(Lead.id, Lead.created_at, Lead.status, Lead.urgency, Lead.lat, Lead.lon,
               Lead.description)
        .where(Lead.category == category, Lead.created_at >= now - NEARBY_WINDOW, is_open(),
               Lead.lat.between(place.lat - dlat, place.lat + dlat),
               Lead.lon.between(place.lon - dlon, place.lon + dlon))
        .order_by(Lead.created_at.desc()).limit(50)
    ).all()
    found = [NearbyLead(r[0], r[1], r[2], r[3], distance_m(place.lat, place.lon, r[4], r[5]),
                        r[6][:60]) for r in rows]
    return sorted((n for n in found if n.distance_m <= NEARBY_M), key=lambda n: n.distance_m)


def add_to_lead(
    session: Session, *, actor: Actor, lead_id: int, description: str,
    photos: Sequence[bytes] = (), now: datetime | None = None, photo_dir: Path | None = None,
) -> None:
    """Add what one saw to an open lead of the last 24 h instead of reporting it again."""
    require(actor, Perm.REPORT_LEAD)
    now = now or clock.now()
    note = _validated("other", "routine", {"description": description})["description"]
    checked = check_photos(photos)
    lead = session.scalar(select(Lead).where(Lead.id == lead_id, is_open(),
                                             Lead.created_at >= now - NEARBY_WINDOW))
    if lead is None:
        raise NotFound()
    session.add(LeadEvent(lead_id=lead.id, at=now, actor_user_id=actor.user_id or None,
                          action="add_info", from_status=lead.status, to_status=lead.status,
                          note=note, data={"photos": len(checked)}))
    store_photos(session, lead.id, checked, photo_dir)
    audit.record(session, actor=actor, action="leads.add_info", entity="lead", entity_id=lead.id,
                 after={"photos": len(checked)})
