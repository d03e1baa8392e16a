"""Reporting a lead: check, store and dispatch in one transaction; or add to a nearby one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, select
from sqlalchemy.orm import Session

from db.engine import session_scope, write_connection
from db.models import Lead, LeadEvent
from db.prepared import Prepared
from services.core import audit, clock
from services.core.actor import Actor, Perm, refused_quietly, require
from services.core.errors import Invalid, NotFound
from services.core.leadstate import is_open
from services.core.masking import mask_text
from services.core.text import clean_text
from services.leads.common import CATEGORIES, DESCRIPTION_MAX, URGENCIES, LeadView
from services.leads.dispatch import Assignment, Context, context_on, dispatch_event_row, due, pick
from services.leads.photos import check_photos, store_photos
from services.leads.place import Place, distance_m, locate
from services.leads.rules import deadline_minutes

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
    photo_dir: Path | None = None, received_at: datetime | None = None,
) -> LeadView:
    """Validate, store and dispatch a lead in the caller's transaction; audited.

    `created_at` is when the server received the submission (`received_at`, taken by the
    page before it waits for the write lock); `dispatched_at` is taken after every check
    and read, just before the writes that the caller's commit ends. `now` (tests) fixes both.
    """
    require(actor, Perm.REPORT_LEAD)  # before the flush: a refused call touches nothing
    session.flush()  # nothing the caller queued is left behind the plain statements below
    return _report(session.connection(), session, actor=actor, category=category,
                   urgency=urgency, description=description, community_id=community_id,
                   grid_id=grid_id, lat=lat, lon=lon, address=address,
                   reporter_contact=reporter_contact, photos=photos, alert_id=alert_id,
                   now=now, photo_dir=photo_dir, received_at=received_at)


def submit_lead(
    engine: Engine, *, actor: Actor, category: str, urgency: str, description: str,
    community_id: int | None = None, grid_id: int | None = None, lat: float | None = None,
    lon: float | None = None, address: str = "", reporter_contact: str = "",
    photos: Sequence[bytes] = (), alert_id: int | None = None,
    photo_dir: Path | None = None, received_at: datetime | None = None,
) -> LeadView:
    """`report_lead` in a write transaction of its own: what the report page calls.

    The usual report from a phone (the reporter's own grid, no photo) needs no ORM session:
    it runs on a plain connection, whose begin and commit cost a third of a session's (a
    tenth of the whole submission). A report with a place picked on the form or with photos
    takes a session, as `report_lead` does. Both store the same rows.
    """
    args: dict[str, Any] = {
        "actor": actor, "category": category, "urgency": urgency, "description": description,
        "community_id": community_id, "grid_id": grid_id, "lat": lat, "lon": lon,
        "address": address, "reporter_contact": reporter_contact, "photos": photos,
        "alert_id": alert_id, "photo_dir": photo_dir, "received_at": received_at}
    if photos or not _own_grid(actor, community_id, grid_id, lat, lon):
        with session_scope(engine, write=True) as session:
            return report_lead(session, **args)
    with write_connection(engine) as conn:
        require(actor, Perm.REPORT_LEAD)
        return _report(conn, None, **args, now=None)


def _own_grid(actor: Actor, community_id: int | None, grid_id: int | None,
              lat: float | None, lon: float | None) -> bool:
    """No place given: the lead is at the reporting grid worker's own grid."""
    return (community_id, grid_id, lat, lon) == (None, None, None, None) and bool(
        actor.member_id)


def _report(
    conn: Connection, session: Session | None, *, actor: Actor, category: str, urgency: str,
    description: str, community_id: int | None, grid_id: int | None, lat: float | None,
    lon: float | None, address: str, reporter_contact: str, photos: Sequence[bytes],
    alert_id: int | None, now: datetime | None, photo_dir: Path | None,
    received_at: datetime | None,
) -> LeadView:
    """The submission on `conn`; `session` (on the same connection) is needed only for a
    place picked on the form and for photos."""
    received = received_at or now or clock.now()
    text = _validated(category, urgency, {"description": description, "address": address,
                                          "reporter_contact": reporter_contact})
    checked = check_photos(photos)
    place, context = _place_and_context(session, conn, actor, category, urgency,
                                        community_id, grid_id, lat, lon)
    who = pick(context)
    at = now or clock.now()
    # dispatch's read gives the deadlines of the category and urgency (defaults included)
    accept, resolve = context.minutes if context and context.minutes else deadline_minutes(
        _needed(session), category, urgency)
    accept_due, resolve_due = due(accept, resolve, created_at=received, now=at)
    values: dict[str, Any] = {
        "created_at": received, "reporter_user_id": actor.user_id or None,
        "reporter_member_id": actor.member_id, "reporter_contact": text["reporter_contact"],
        "community_id": place.community_id, "grid_id": place.grid_id, "lat": place.lat,
        "lon": place.lon, "address": text["address"], "category": category,
        "urgency": urgency, "description": text["description"],
        "status": "dispatched" if who.rule else "new", "level": who.level,
        "assigned_officer_id": who.officer_id, "assigned_user_id": who.user_id,
        "dispatch_rule": who.rule, "dispatched_at": at if who.rule else None,
        "accept_due_at": accept_due, "resolve_due_at": resolve_due, "alert_id": alert_id,
    }
    # Prepared inserts on the transaction's own connection: the ORM's unit of work and the
    # Core execute layer add nothing to rows nobody reads back here.
    lead_id = int(_INSERT_LEAD.execute(conn, values)[0][0])
    _events(conn, actor, lead_id, who, received, at)
    if checked:
        store_photos(_needed(session), lead_id, checked, photo_dir)  # flushes what it adds
    audit.append(conn, actor=actor, entries=[audit.Entry(
        "leads.report", "lead", lead_id, after=_summary(values, len(checked)))])
    return _view(lead_id, values)


def _needed(session: Session | None) -> Session:
    if session is None:  # submit_lead routes every report that needs one to report_lead
        raise RuntimeError("this report needs an ORM session: call report_lead")
    return session


_LEAD = cast(Table, Lead.__table__)
_EVENT = cast(Table, LeadEvent.__table__)
_LEAD_KEYS = ("created_at", "reporter_user_id", "reporter_member_id", "reporter_contact",
              "community_id", "grid_id", "lat", "lon", "address", "category", "urgency",
              "description", "status", "level", "assigned_officer_id", "assigned_user_id",
              "dispatch_rule", "dispatched_at", "accept_due_at", "resolve_due_at", "alert_id")
_INSERT_LEAD = Prepared(insert(_LEAD).returning(_LEAD.c.id), keys=_LEAD_KEYS)
_INSERT_EVENTS = Prepared(insert(_EVENT), keys=("lead_id", "at", "actor_user_id", "action",
                                                "from_status", "to_status", "note", "data"))


def _place_and_context(
    session: Session | None, conn: Connection, actor: Actor, category: str, urgency: str,
    community_id: int | None, grid_id: int | None, lat: float | None, lon: float | None,
) -> tuple[Place, Context | None]:
    """Where, and what dispatch needs there: one statement when the reporter's own grid is
    the place (the usual report from a phone), else the place's checks and then one."""
    if _own_grid(actor, community_id, grid_id, lat, lon):
        assert actor.member_id is not None
        context = context_on(conn, member_id=actor.member_id, category=category,
                             urgency=urgency)
        if context is None or context.own is None:
            raise Invalid({"location": "leads.location_required"})
        own = context.own
        return Place(context.community_id, own.grid_id, own.lat, own.lon), context
    place = locate(_needed(session), actor=actor, community_id=community_id,
                   grid_id=grid_id, lat=lat, lon=lon)
    return place, context_on(conn, community_id=place.community_id, category=category,
                             urgency=urgency)


def _events(conn: Connection, actor: Actor, lead_id: int, who: Assignment,
            received: datetime, at: datetime) -> None:
    rows = [{"lead_id": lead_id, "at": received, "actor_user_id": actor.user_id or None,
             "action": "report", "from_status": None, "to_status": "new", "note": "",
             "data": {}}]
    if who.rule:
        rows.append(dispatch_event_row(lead_id, at, who))
    _INSERT_EVENTS.execute(conn, rows)  # one statement for both rows


def _summary(lead: dict[str, Any], photos: int) -> dict[str, Any]:
    keys = ("status", "category", "urgency", "community_id", "grid_id", "reporter_contact",
            "dispatch_rule", "assigned_officer_id", "assigned_user_id", "alert_id")
    return {k: lead[k] for k in keys} | {"photos": photos}


def _view(lead_id: int, values: dict[str, Any]) -> LeadView:
    """The stored lead as a view, from the values inserted and the columns' defaults."""
    defaults = {"accepted_at": None, "resolved_at": None, "closed_at": None,
                "closed_level": None, "resolution": "", "duplicate_of_id": None, "version": 1}
    fields = LeadView.__dataclass_fields__
    return LeadView(id=lead_id, **{k: v for k, v in (values | defaults).items() if k in fields})


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
               Lead.description, Lead.community_id)
        .where(Lead.category == category, Lead.created_at >= now - NEARBY_WINDOW, is_open(),
               Lead.lat.between(place.lat - dlat, place.lat + dlat),
               Lead.lon.between(place.lon - dlon, place.lon + dlon))
        .order_by(Lead.created_at.desc()).limit(50)
    ).all()
    found = []
    for r in rows:
        away = distance_m(place.lat, place.lon, r[4], r[5])
        if away > NEARBY_M:
            continue
        if not actor.in_scope(r[7]):  # another community's lead: not shown, the probe audited
            refused_quietly(actor, f"scope:lead:{r[0]}")
            continue
        found.append(NearbyLead(r[0], r[1], r[2], r[3], away, mask_text(r[6])[:60]))
    return sorted(found, key=lambda n: n.distance_m)


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
    if lead is not None and not actor.in_scope(lead.community_id):
        refused_quietly(actor, f"scope:lead:{lead_id}")  # as load_visible does
        lead = None
    if lead is None:
        raise NotFound()
    session.add(LeadEvent(lead_id=lead.id, at=now, actor_user_id=actor.user_id or None,
                          action="add_info", from_status=lead.status, to_status=lead.status,
                          note=note, data={"photos": len(checked)}))
    store_photos(session, lead.id, checked, photo_dir)
    audit.record(session, actor=actor, action="leads.add_info", entity="lead", entity_id=lead.id,
                 after={"photos": len(checked)})
