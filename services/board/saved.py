"""Each user's own board filters, kept on the server so they follow the user to any screen."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from db.models import SystemSetting
from services.board.live import BoardFilters
from services.core import audit
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid

URGENCIES = ("emergency", "urgent", "routine")


def _key(actor: Actor) -> str:
    return f"board.filters.{actor.user_id}"


def _plain(filters: BoardFilters) -> dict[str, Any]:
    return {"station_ids": sorted(filters.station_ids),
            "urgencies": [u for u in URGENCIES if u in filters.urgencies]}


def saved_filters(session: Session, *, actor: Actor) -> BoardFilters | None:
    """The filters the actor saved, or None; anything unreadable counts as none saved."""
    require(actor, Perm.VIEW_BOARD)
    row = session.get(SystemSetting, _key(actor))
    if row is None:
        return None
    try:
        data = json.loads(row.value)
        return BoardFilters(
            station_ids=tuple(int(i) for i in data.get("station_ids", [])),
            urgencies=tuple(u for u in data.get("urgencies", []) if u in URGENCIES))
    except (ValueError, TypeError, AttributeError):
        return None


def save_filters(session: Session, *, actor: Actor, filters: BoardFilters) -> None:
    """Keep `filters` as the actor's own; audited."""
    require(actor, Perm.VIEW_BOARD)
    if any(u not in URGENCIES for u in filters.urgencies) or len(filters.station_ids) > 200:
        raise Invalid({"filters": "board.bad_filters"})
    value = json.dumps(_plain(filters))
    row = session.get(SystemSetting, _key(actor))
    before = json.loads(row.value) if row is not None else None
    if row is None:
        session.add(SystemSetting(key=_key(actor), value=value))
    else:
        row.value = value
    audit.record(session, actor=actor, action="board.save_filters", entity="user",
                 entity_id=actor.user_id, before=before, after=_plain(filters))
