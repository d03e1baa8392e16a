"""Small real pictures for tests, and the hostile files an attacker uploaded instead."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo


def picture(fmt: str = "PNG", size: tuple[int, int] = (64, 48), *, lat: float | None = None,
            lon: float | None = None, text: str = "") -> bytes:
    """A real picture; with lat/lon its EXIF carries a GPS position (and a camera name)."""
    image = Image.new("RGB", size, (180, 30, 30))
    image.putpixel((0, 0), (0, 0, 255))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PinganTestPhone"
    if lat is not None and lon is not None:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S",
            ExifTags.GPS.GPSLatitude: _dms(abs(lat)),
            ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W",
            ExifTags.GPS.GPSLongitude: _dms(abs(lon)),
        }
    out = io.BytesIO()
    extra = {}
    if fmt == "PNG" and text:
        info = PngInfo()
        info.add_text("Comment", text)
        extra["pnginfo"] = info
    image.save(out, fmt, exif=exif, **extra)
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4)


PNG = picture("PNG")
JPEG = picture("JPEG")


def huge_png(side: int = 20000) -> bytes:
    """A PNG of side x side black pixels: a few hundred KB that decode to gigabytes."""
    row = b"\x00" + b"\x00" * side  # filter byte + one grey byte per pixel
    raw = zlib.compressobj(9)
    body = b"".join(raw.compress(row) for _ in range(side)) + raw.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


PNG_SIGNATURE_THEN_JUNK = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_HEADER_THEN_ZEROS = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 4096
TRUNCATED_JPEG = picture("JPEG", (640, 480))[:-600]


def hostile_photos() -> dict[str, bytes]:
    """The files the attacker used, and a few more of the same kind."""
    return {
        "png signature then junk": PNG_SIGNATURE_THEN_JUNK,
        "jpeg header then zeros": JPEG_HEADER_THEN_ZEROS,
        "20000x20000 png": huge_png(),
        "truncated jpeg": TRUNCATED_JPEG,
        "truncated png": picture("PNG", (640, 480))[:-300],
        "gif": _gif(),
        "text named .jpg": b"just some text, named photo.jpg\n",
    }


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "GIF")
    return out.getvalue()
