"""System settings kept in the database: the demo flag and the admin's sign-in banner."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import SystemSetting
from services.core import audit
from services.core.actor import Actor, Perm, require
from services.core.text import clean_text

BANNER_MAX = 1000


def get(session: Session, key: str) -> str | None:
    row = session.get(SystemSetting, key)
    return row.value if row else None


def demo_loaded(session: Session) -> bool:
    return get(session, "demo_loaded") is not None


def banner(session: Session) -> str:
    return get(session, "banner") or ""


def set_banner(session: Session, *, actor: Actor, text: str) -> None:
    require(actor, Perm.EDIT_SETTINGS)
    value = clean_text(text, field="banner", max_len=BANNER_MAX, required=False)
    row = session.get(SystemSetting, "banner")
    before = row.value if row else ""
    if row is None:
        session.add(SystemSetting(key="banner", value=value))
    else:
        row.value = value
    audit.record(session, actor=actor, action="settings.banner", entity="system_setting",
                 entity_id="banner", before={"value": before}, after={"value": value})
