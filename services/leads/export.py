"""Export of the filtered lead list to CSV or Excel, within scope, masked, and audited."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import Community, Lead, Officer, User
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.core.leadstate import is_overdue
from services.core.masking import mask_text
from services.core.spreadsheet import csv_bytes, xlsx_bytes
from services.leads.detail import may_see_contact
from services.leads.inbox import InboxFilters, _ordering, conditions

EXPORT_MAX = 50_000
COLUMNS = ("id", "created_at", "category", "urgency", "status", "community", "assignee",
           "accept_due_at", "resolve_due_at", "overdue", "level", "closed_level",
           "reporter_contact", "address", "description", "resolution")
Label = Callable[[str, str], str]


_ASSIGNEE = aliased(User)  # made once: an alias copies every column

def _rows(session: Session, actor: Actor, filters: InboxFilters, now: datetime,
          label: Label) -> list[list[object]]:
    assignee = _ASSIGNEE
    stmt = (
        select(Lead.id, Lead.created_at, Lead.category, Lead.urgency, Lead.status,
               Community.name, func.coalesce(Officer.name, assignee.display_name, ""),
               Lead.accept_due_at, Lead.resolve_due_at, is_overdue(now), Lead.level,
               Lead.closed_level, Lead.reporter_contact, Lead.address, Lead.description,
               Lead.resolution, Community.officer_id, Lead.assigned_officer_id)
        .join(Community, Community.id == Lead.community_id)
        .outerjoin(Officer, Officer.id == Lead.assigned_officer_id)
        .outerjoin(assignee, assignee.id == Lead.assigned_user_id)
        .where(*conditions(session, actor, filters, now))
        .order_by(*_ordering(filters.sort)).limit(EXPORT_MAX)
    )
    out = []
    for r in session.execute(stmt):
        contact = r[12] if may_see_contact(actor, r[16], r[17]) else mask_text(r[12])
        out.append([r[0], clock.local(r[1]), label("leads.category", r[2]),
                    label("leads.urgency", r[3]), label("leads.status", r[4]), r[5], r[6],
                    clock.local(r[7]), clock.local(r[8]), label("common", "yes" if r[9] else "no"),
                    label("leads.level", r[10]), label("leads.level", r[11] or ""), contact,
                    r[13], r[14], r[15]])
    return out


def export_leads(
    session: Session, *, actor: Actor, filters: InboxFilters, fmt: str,
    headers: dict[str, str] | None = None, label: Label | None = None,
    now: datetime | None = None,
) -> tuple[bytes, int]:
    """The filtered list as CSV (UTF-8 with BOM, for Excel) or .xlsx bytes, and its row count."""
    require(actor, Perm.VIEW_LEADS)
    if fmt not in {"csv", "xlsx"}:
        raise Invalid({"format": "leads.bad_format"})
    now = now or clock.now()
    rows = _rows(session, actor, filters, now, label or (lambda _p, code: code))
    head = [(headers or {}).get(c, c) for c in COLUMNS]
    data = csv_bytes(head, rows) if fmt == "csv" else xlsx_bytes({"leads": (head, rows)})
    audit.record(session, actor=actor, action="leads.export", entity="lead",
                 after={"format": fmt, "rows": len(rows),
                        "filters": {k: list(v) if isinstance(v, tuple) else v
                                    for k, v in dataclasses.asdict(filters).items()}})
    return data, len(rows)
