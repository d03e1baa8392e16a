"""Alert photos (who or what to look for): checked and stored like lead photos."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AlertPhoto
from services.alerts.common import load_alert
from services.core.actor import Actor
from services.core.errors import NotFound
from services.leads import ALLOWED, Checked, check_photos, photo_dir, stored_bytes

__all__ = ["check_photos", "photo_ids", "read_photo", "store_photos"]


def store_photos(session: Session, alert_id: int, photos: Sequence[Checked],
                 directory: Path | None = None) -> None:
    """Write each photo under a random name (no user-supplied part) and record it."""
    if not photos:
        return
    folder = photo_dir(directory)
    folder.mkdir(parents=True, exist_ok=True)
    for photo in photos:
        name = f"alert-{secrets.token_hex(16)}.{ALLOWED[photo.mime]}"
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(photo.data)
        session.add(AlertPhoto(alert_id=alert_id, stored_name=name, mime=photo.mime,
                               size=len(photo.data), sha256=hashlib.sha256(photo.data).hexdigest()))
    session.flush()


def photo_ids(session: Session, alert_id: int) -> tuple[int, ...]:
    return tuple(session.scalars(select(AlertPhoto.id).where(AlertPhoto.alert_id == alert_id)
                                 .order_by(AlertPhoto.id)))


def read_photo(session: Session, *, actor: Actor, photo_id: int,
               directory: Path | None = None) -> tuple[bytes, str]:
    """The photo's bytes and type, only for someone who may see its alert."""
    photo = session.get(AlertPhoto, photo_id)
    if photo is None:
        raise NotFound()
    load_alert(session, actor, photo.alert_id)
    return stored_bytes(photo.stored_name, photo.mime, directory, "alerts.photo_missing")
