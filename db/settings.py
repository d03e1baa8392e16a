"""One settings object, read from PINGAN_* environment variables (or .streamlit/secrets.toml)."""

from __future__ import annotations

import math
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent.parent
TILE_SCHEMES = ("http://", "https://")
PLACEHOLDERS = {"change-me", "changeme", "secret", "placeholder", "please-change-this"}
MIN_SECRET_LEN = 32
MIN_DISTINCT = 12
MIN_SECRET_BITS = 100
# A run of one case with vowels reads as a word: counted as one pick from a vocabulary of
# ~2,000 common words (11 bits), however long, like a passphrase attacker counts it.
_WORD = re.compile(r"[a-z]{2,}|[A-Z][a-z]+|[A-Z]{2,}")
_WORD_BITS = 11.0
_CLASSES = ((r"[a-z]", 26), (r"[A-Z]", 26), (r"[0-9]", 10), (r"[^a-zA-Z0-9]", 32))


def secret_bits(key: str) -> float:
    """A pessimistic estimate of a key's entropy in bits: a character log2 of the size of the
    character classes used; a word 11 (1 if repeated); a separator between words and a
    repeated or next-in-sequence character ("aaaa", "1234", "abcd") 1. secrets.token_urlsafe
    (48) scores about 350 (lowest of 100,000: 210); "please-change-this-secret-key-now" 71."""
    if not key:
        return 0.0
    per_char = math.log2(sum(n for pattern, n in _CLASSES if re.search(pattern, key)))
    total, pos, seen = 0.0, 0, set()
    for match in _WORD.finditer(key):
        word = match.group()
        if sum(c in "aeiouyAEIOUY" for c in word) / len(word) < 0.25:
            continue  # "xkq": letters, not a word
        gap = key[pos:match.start()]
        joined = pos > 0 and len(gap) == 1 and not gap.isalnum()
        total += (1.0 if joined else _chars_bits(gap, per_char))
        total += 1.0 if word.lower() in seen else _WORD_BITS  # "change-me-change-me"
        seen.add(word.lower())
        pos = match.end()
    return total + _chars_bits(key[pos:], per_char)


def _chars_bits(text: str, per_char: float) -> float:
    bits, prev = 0.0, ""
    for c in text:
        bits += 1.0 if prev and abs(ord(c) - ord(prev)) <= 1 else per_char
        prev = c
    return bits


class ConfigError(Exception):
    """A setting is missing or wrong; `setting` names it so the message can say which."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    demo: bool
    secret_key_env: str | None
    idle_minutes: float = 30.0
    session_hours: float = 12.0
    upload_mb: int = 5
    default_language: str = "zh"
    cookie_secure: bool = False  # PINGAN_COOKIE_SECURE=1 when served over HTTPS
    # An internal map tile service: an XYZ template (http(s)://host/{z}/{x}/{y}.png) or a
    # folder of tiles ({z}/{x}/{y}.png) that the app serves itself; "" draws no tiles.
    tile_url: str = ""

    @property
    def tile_folder(self) -> Path | None:
        """The folder of tiles the app serves (PINGAN_TILE_URL naming a folder), else None."""
        if not self.tile_url or self.tile_url.startswith(TILE_SCHEMES):
            return None
        return Path(self.tile_url)

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    def secret_key(self) -> str:
        """The cookie-signing key; in demo mode one is generated once and kept in data/."""
        key = self.secret_key_env
        if key:
            weak = len(set(key)) < MIN_DISTINCT  # "aaaa...", "1212...": long but guessable
            guessable = secret_bits(key) < MIN_SECRET_BITS  # words, sequences: low entropy
            if (key.strip().lower() in PLACEHOLDERS or len(key) < MIN_SECRET_LEN or weak
                    or guessable):
                raise ConfigError(
                    "PINGAN_SECRET_KEY",
                    f"too short, repetitive, made of words or a placeholder: use at least "
                    f"{MIN_SECRET_LEN} random characters "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))')",
                )
            return key
        if not self.demo:
            raise ConfigError(
                "PINGAN_SECRET_KEY",
                "not set; outside demo mode a random key of at least 32 characters is required",
            )
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


def _from_secrets_toml() -> dict[str, str]:
    path = ROOT / ".streamlit" / "secrets.toml"
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text())
    return {f"PINGAN_{k.upper()}": str(v) for k, v in data.get("pingan", {}).items()}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check the settings; raises ConfigError naming the wrong setting."""
    values = {**_from_secrets_toml(), **(os.environ if env is None else env)}
    data_dir = Path(values.get("PINGAN_DATA_DIR") or ROOT / "data")
    url = values.get("PINGAN_DATABASE_URL") or f"sqlite:///{data_dir / 'pingan.db'}"
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError("PINGAN_DATABASE_URL", "not a database URL") from exc
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError("PINGAN_DATABASE_URL", "only sqlite:/// and postgresql+psycopg:// work")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)

    def number(name: str, default: float) -> float:
        raw = values.get(name)
        if raw in (None, ""):
            return default
        try:
            value = float(raw)
        except ValueError as exc:
            raise ConfigError(name, "not a number") from exc
        if value <= 0:
            raise ConfigError(name, "must be greater than zero")
        return value

    language = values.get("PINGAN_LANGUAGE", "zh")
    if language not in {"zh", "en"}:
        raise ConfigError("PINGAN_LANGUAGE", "zh or en")
    flag = {"1", "true", "yes", "on"}
    tiles = (values.get("PINGAN_TILE_URL") or "").strip()
    if tiles and tiles.startswith(TILE_SCHEMES):
        if not all(part in tiles for part in ("{z}", "{x}", "{y}")):
            raise ConfigError("PINGAN_TILE_URL", "an XYZ template needs {z}, {x} and {y}")
        if any(quote in tiles for quote in "'\"`"):
            raise ConfigError("PINGAN_TILE_URL", "quotes are not allowed in the template")
    elif tiles and not Path(tiles).is_dir():
        raise ConfigError("PINGAN_TILE_URL",
                          "neither an http(s) XYZ template nor an existing folder of tiles")
    return Settings(
        database_url=url,
        data_dir=data_dir,
        demo=values.get("PINGAN_DEMO", "").lower() in flag,
        secret_key_env=values.get("PINGAN_SECRET_KEY") or None,
        idle_minutes=number("PINGAN_IDLE_MINUTES", 30),
        session_hours=number("PINGAN_SESSION_HOURS", 12),
        upload_mb=int(number("PINGAN_UPLOAD_MB", 5)),
        default_language=language,
        cookie_secure=values.get("PINGAN_COOKIE_SECURE", "").lower() in flag,
        tile_url=tiles,
    )
