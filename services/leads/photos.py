"""Lead photos: decoded in full, re-encoded without metadata, stored under random names."""

from __future__ import annotations

import hashlib
import io
import math
import os
import secrets
import struct
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageOps
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.models import LeadPhoto
from db.settings import load_settings
from services.core.actor import Actor
from services.core.errors import Invalid, NotFound
from services.leads.common import load_visible

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
# 40 megapixels: every phone camera's default picture fits; decoding one takes at most
# ~160 MB (RGBA). The header is read before any pixel, so a 20000x20000 PNG of 389 KB is
# refused without being decoded.
MAX_PIXELS = 40_000_000
MAX_SIDE = 3000  # stored pictures are scaled down to this (plenty to read a plate or a face)
ALLOWED = {"image/jpeg": "jpg", "image/png": "png"}
_FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png"}  # MPO: phone JPEGs
# Everything a hostile or broken file makes Pillow raise while reading headers or pixels.
_BROKEN = (OSError, ValueError, SyntaxError, TypeError, KeyError, IndexError, EOFError,
           ZeroDivisionError, OverflowError, MemoryError, struct.error,
           Image.DecompressionBombError)


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


def _open(data: bytes) -> Image.Image:
    """Open (headers only) a JPEG or PNG of at most MAX_PIXELS; raises Invalid otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=("JPEG", "PNG"))
    except _BROKEN + (Image.DecompressionBombWarning,) as exc:
        if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
            raise Invalid({"photos": "hardening.photo_too_many_pixels"},
                          max=MAX_PIXELS // 1_000_000) from exc
        raise Invalid({"photos": "leads.photo_not_image"}) from exc
    if image.format not in _FORMATS:
        raise Invalid({"photos": "leads.photo_not_image"})
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise Invalid({"photos": "hardening.photo_too_many_pixels"},
                      max=MAX_PIXELS // 1_000_000)
    return image


def photo_gps(data: bytes) -> tuple[float, float] | None:
    """(latitude, longitude) in degrees from the photo's EXIF GPS tags, or None.

    Read from the uploaded bytes before `check_photos` drops the metadata, so that a form
    can offer it as a suggested place. Never raises: a broken, hostile or GPS-less file
    gives None (check_photos says what is wrong with it).
    """
    if not isinstance(data, bytes | bytearray) or not data or len(data) > MAX_BYTES:
        return None
    try:
        image = _open(bytes(data))
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef),
                       "S", 90)
        lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude),
                       gps.get(ExifTags.GPS.GPSLongitudeRef), "W", 180)
    except (Invalid, *_BROKEN):
        return None
    if lat is None or lon is None or (lat == 0 and lon == 0):  # 0,0: a phone without a fix
        return None
    return lat, lon


def _degrees(value: object, ref: object, negative: str, limit: float) -> float | None:
    """Degrees from EXIF's (degrees, minutes, seconds) rationals; None if malformed."""
    if not isinstance(value, tuple | list) or not 1 <= len(value) <= 3:
        return None
    parts = [float(v) for v in value]
    if not all(math.isfinite(p) and p >= 0 for p in parts):
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts))
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative:
        degrees = -degrees
    return round(degrees, 7) if abs(degrees) <= limit else None


def clean_photo(data: bytes) -> Checked:
    """Decode every pixel and re-encode without metadata (EXIF, GPS, text, ICC); or Invalid."""
    if not isinstance(data, bytes | bytearray) or len(data) == 0:
        raise Invalid({"photos": "leads.photo_not_image"})
    if len(data) > MAX_BYTES:
        raise Invalid({"photos": "leads.photo_too_big"}, max=MAX_BYTES // (1024 * 1024))
    image = _open(bytes(data))
    mime = _FORMATS[str(image.format)]
    try:
        image.load()  # every pixel: a truncated or corrupt file fails here, not on a page
        image = ImageOps.exif_transpose(image)  # keep the phone's orientation, then drop it
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        if mime == "image/jpeg":
            image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        else:
            keep = image if image.mode in {"1", "L", "LA", "RGB", "RGBA"} else image.convert("RGBA")
            keep.info = {}
            keep.save(out, "PNG", optimize=False)
    except _BROKEN as exc:
        raise Invalid({"photos": "leads.photo_not_image"}) from exc
    return Checked(out.getvalue(), mime)


def can_show(data: bytes) -> bool:
    """Whether a stored photo decodes in full (one stored before photos were checked may not)."""
    try:
        clean = _open(bytes(data))
        clean.load()
    except (Invalid, *_BROKEN):
        return False
    return True


def check_photos(photos: Sequence[bytes]) -> list[Checked]:
    """Refuse more than three, any over 5 MB or 40 megapixels, and anything that does not
    decode in full as JPEG or PNG; return the rest re-encoded without metadata."""
    if len(photos) > MAX_PHOTOS:
        raise Invalid({"photos": "leads.too_many_photos"}, max=MAX_PHOTOS)
    return [clean_photo(data) for data in photos]


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
    return stored_bytes(photo.stored_name, photo.mime, directory, "leads.photo_missing")


def stored_bytes(stored_name: str, mime: str, directory: Path | None,
                 missing: str) -> tuple[bytes, str]:
    """A stored photo's bytes (by its base name only: never a path out of the folder)."""
    path = photo_dir(directory) / Path(stored_name).name
    if not path.is_file():
        raise NotFound(missing)
    return path.read_bytes(), mime
