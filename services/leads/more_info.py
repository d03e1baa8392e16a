"""Returned for more information (退回补充): the reporter answers the holder's question."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from services.core.actor import Actor, Perm, require
from services.leads.common import LeadView
from services.leads.photos import check_photos, store_photos
from services.leads.workflow import act


def answer_info(
    session: Session, *, actor: Actor, lead_id: int, shown_version: int, note: str,
    photos: Sequence[bytes] = (), now: datetime | None = None, photo_dir: Path | None = None,
) -> LeadView:
    """The reporter's answer (text and up to three photos) to a lead returned for more
    information: the lead goes back to its holder with the status it had when asked.
    Only the lead's reporter may answer; photos are checked before anything is written."""
    require(actor, Perm.REPORT_LEAD)
    checked = check_photos(photos)
    view = act(session, actor=actor, lead_id=lead_id, action="answer_info",
               shown_version=shown_version, note=note, now=now,
               recorded={"photos": len(checked)} if checked else None)
    store_photos(session, lead_id, checked, photo_dir)
    return view
