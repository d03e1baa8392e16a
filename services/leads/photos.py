"""Lead photos: JPEG or PNG by content, size-capped, stored under random names outside the app."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import filetype
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.models import LeadPhoto
from db.settings import load_settings
from services.actor import Actor
from services.errors import Invalid, NotFound
from services.leads.common import load_visible

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
ALLOWED = {"image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class Checked:
    data: bytes
    mime: str


@dataclass(frozen=True)
class PhotoView:
    id: int
    mime: str
    size: int


def photo_dir(explicit: Path | None = None) -> Path:
    return explicit or load_settings().photo_dir


def check_photos(photos: Sequence[bytes]) -> list[Checked]:
    """Refuse more than three, any over 5 MB, and anything whose bytes are not JPEG or PNG."""
    if len(photos) > MAX_PHOTOS:
        raise Invalid({"photos": "leads.too_many_photos"}, max=MAX_PHOTOS)
    checked = []
    for data in photos:
        if not isinstance(data, bytes | bytearray) or len(data) == 0:
            raise Invalid({"photos": "leads.photo_not_image"})
        if len(data) > MAX_BYTES:
            raise Invalid({"photos": "leads.photo_too_big"}, max=MAX_BYTES // (1024 * 1024))
        kind = filetype.guess(bytes(data[:261]))
        if kind is None or kind.mime not in ALLOWED:
            raise Invalid({"photos": "leads.photo_not_image"})
        checked.append(Checked(bytes(data), kind.mime))
    return checked


def store_photos(session: Session, lead_id: int, photos: Sequence[Checked],
                 directory: Path | None = None) -> None:
    """Write each photo under a random name (no user-supplied part) and record it."""
    if not photos:
        return
    folder = photo_dir(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def forget(*_: object) -> None:  # the lead was not saved: its files go too
        for path in written:
            path.unlink(missing_ok=True)

    event.listen(session, "after_rollback", forget, once=True)
    for photo in photos:
        name = f"{secrets.token_hex(16)}.{ALLOWED[photo.mime]}"
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        written.append(folder / name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(photo.data)
        session.add(LeadPhoto(lead_id=lead_id, stored_name=name, mime=photo.mime,
                              size=len(photo.data), sha256=hashlib.sha256(photo.data).hexdigest()))
    session.flush()


def list_photos(session: Session, lead_id: int) -> list[PhotoView]:
    rows = session.execute(select(LeadPhoto.id, LeadPhoto.mime, LeadPhoto.size)
                           .where(LeadPhoto.lead_id == lead_id).order_by(LeadPhoto.id)).all()
    return [PhotoView(*r) for r in rows]


def read_photo(session: Session, *, actor: Actor, photo_id: int,
               directory: Path | None = None) -> tuple[bytes, str]:
    """The photo's bytes and type, only for someone who may see its lead."""
    photo = session.get(LeadPhoto, photo_id)
    if photo is None:
        raise NotFound()
    load_visible(session, actor, photo.lead_id)
    path = photo_dir(directory) / Path(photo.stored_name).name
    if not path.is_file():
        raise NotFound("leads.photo_missing")
    return path.read_bytes(), photo.mime
