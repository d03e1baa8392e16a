"""One settings object, read from PINGAN_* environment variables (or .streamlit/secrets.toml)."""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDERS = {"change-me", "changeme", "secret", "placeholder", "please-change-this"}
MIN_SECRET_LEN = 32
MIN_DISTINCT = 12


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

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    def secret_key(self) -> str:
        """The cookie-signing key; in demo mode one is generated once and kept in data/."""
        key = self.secret_key_env
        if key:
            weak = len(set(key)) < MIN_DISTINCT  # "aaaa...", "1212...": long but guessable
            if key.strip().lower() in PLACEHOLDERS or len(key) < MIN_SECRET_LEN or weak:
                raise ConfigError(
                    "PINGAN_SECRET_KEY",
                    f"too short, repetitive or a placeholder: use at least {MIN_SECRET_LEN} "
                    "random characters "
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
    )
