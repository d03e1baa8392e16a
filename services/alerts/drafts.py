"""Writing an alert: drafts, amendments of published ones (new linked versions), closing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Alert, AlertPhoto
from services.alerts.common import (
    CLOSED,
    DRAFT,
    OUTCOMES,
    PUBLISHED,
    AlertView,
    Target,
    check_target,
    load_alert,
    mobilisation,
    require_status,
    view_of,
)
from services.alerts.photos import check_photos, photo_ids, store_photos
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.concurrency import update_versioned
from services.core.errors import Invalid
from services.core.text import clean_text

TEXTS = (("origin_region", 100, True), ("case_ref", 64, False), ("title", 200, True),
         ("subject", 4000, True))


def _checked(session: Session, actor: Actor, texts: dict[str, str | None], target: Target,
             valid_from: datetime, valid_to: datetime) -> dict[str, Any]:
    """Every field at once, so the form can mark all that are wrong."""
    errors = check_target(session, actor, target)
    values: dict[str, Any] = {}
    for name, max_len, required in TEXTS:
        try:
            values[name] = clean_text(texts.get(name), field=name, max_len=max_len,
                                      required=required)
        except Invalid as exc:
            errors.update(exc.fields)
    if valid_to <= valid_from:
        errors["valid_to"] = "alerts.bad_window"
    if errors:
        raise Invalid(errors)
    return {**values, "target": target.as_json(), "valid_from": valid_from,
            "valid_to": valid_to}


def save_draft(
    session: Session, *, actor: Actor, origin_region: str, title: str, subject: str,
    target: Target, valid_from: datetime, valid_to: datetime, case_ref: str = "",
    alert_id: int | None = None, shown_version: int | None = None,
    photos: Sequence[bytes] = (), now: datetime | None = None, photo_dir: Path | None = None,
) -> AlertView:
    """Create a draft, or change one (with the version shown). A published alert is frozen:
    changing it is refused; amend it instead."""
    require(actor, Perm.PUBLISH_ALERT)
    values = _checked(session, actor, {"origin_region": origin_region, "case_ref": case_ref,
                                       "title": title, "subject": subject}, target,
                      valid_from, valid_to)
    checked = check_photos(photos)
    if alert_id is None:
        alert = Alert(created_by=actor.user_id, created_at=now or clock.now(), status=DRAFT,
                      **values)
        session.add(alert)
        session.flush()
        before = None
    else:
        alert = load_alert(session, actor, alert_id)
        require_status(alert, DRAFT, key="alerts.frozen")
        before = {k: getattr(alert, k) for k in values}
        update_versioned(session, Alert, alert.id, shown_version or 0, values, entity="alert")
        session.refresh(alert)
    store_photos(session, alert.id, checked, photo_dir)
    audit.record(session, actor=actor, action="alerts.draft", entity="alert", entity_id=alert.id,
                 before=before, after={**values, "photos": len(checked)})
    return view_of(alert, photo_ids(session, alert.id))


def amend(session: Session, *, actor: Actor, alert_id: int,
          now: datetime | None = None) -> AlertView:
    """A new draft version of a published alert, linked to it (or the one already begun)."""
    require(actor, Perm.PUBLISH_ALERT)
    old = load_alert(session, actor, alert_id)
    require_status(old, PUBLISHED, key="alerts.amend_published_only")
    begun = session.scalar(select(Alert).where(Alert.amends_id == old.id, Alert.status == DRAFT))
    if begun is not None:
        return view_of(begun, photo_ids(session, begun.id))
    new = Alert(amends_id=old.id, origin_region=old.origin_region, case_ref=old.case_ref,
                title=old.title, subject=old.subject, target=dict(old.target or {}),
                valid_from=old.valid_from, valid_to=old.valid_to, status=DRAFT,
                created_by=actor.user_id, created_at=now or clock.now())
    session.add(new)
    session.flush()
    for photo in session.scalars(select(AlertPhoto).where(AlertPhoto.alert_id == old.id)):
        session.add(AlertPhoto(alert_id=new.id, stored_name=photo.stored_name, mime=photo.mime,
                               size=photo.size, sha256=photo.sha256))
    session.flush()
    audit.record(session, actor=actor, action="alerts.amend", entity="alert", entity_id=new.id,
                 after={"amends_id": old.id})
    return view_of(new, photo_ids(session, new.id))


def close_alert(session: Session, *, actor: Actor, alert_id: int, shown_version: int,
                outcome: str, note: str, suspects_caught: int = 0,
                now: datetime | None = None) -> AlertView:
    """Close a published alert with its outcome and a note its recipients see; the
    mobilisation count is frozen on the alert at this moment."""
    require(actor, Perm.PUBLISH_ALERT)
    alert = load_alert(session, actor, alert_id)
    require_status(alert, PUBLISHED, key="alerts.close_published_only")
    errors: dict[str, str] = {} if outcome in OUTCOMES else {"outcome": "alerts.bad_outcome"}
    if not 0 <= int(suspects_caught) <= 1000:
        errors["suspects_caught"] = "alerts.bad_caught"
    try:
        text = clean_text(note, field="note", max_len=2000)
    except Invalid as exc:
        errors.update(exc.fields)
    if errors:
        raise Invalid(errors)
    values = {"status": CLOSED, "outcome": outcome, "outcome_note": text,
              "suspects_caught": int(suspects_caught), "closed_at": now or clock.now(),
              "mobilised": mobilisation(session, alert.id)}
    update_versioned(session, Alert, alert.id, shown_version, values, entity="alert")
    session.refresh(alert)
    audit.record(session, actor=actor, action="alerts.close", entity="alert", entity_id=alert.id,
                 before={"status": PUBLISHED}, after=values)
    return view_of(alert, photo_ids(session, alert.id))
