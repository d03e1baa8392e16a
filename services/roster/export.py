"""Export of rosters the user may see, to CSV or Excel: masked as on screen, and audited."""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, Grid, Member, Membership, SocialUnit, Team
from services.core import audit
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.core.scope import community_filter
from services.core.spreadsheet import csv_bytes, xlsx_bytes
from services.roster.availtext import format_availability
from services.roster.common import masked_id, masked_phone, may_see_personal

MEMBER_COLUMNS = ("community", "team", "team_kind", "name", "phone", "id_number", "grid",
                  "skills", "availability", "active")
UNIT_COLUMNS = ("community", "name", "kind", "contact_name", "contact_phone", "services",
                "active")
Label = Callable[[str, str], str]


def _where(actor: Actor, column: object, community_ids: Collection[int] | None) -> list:
    where = [community_filter(actor, column)]
    if community_ids is not None:
        where.append(column.in_(sorted(community_ids)))  # type: ignore[attr-defined]
    return where


def _members(session: Session, actor: Actor, ids: Collection[int] | None, full: bool,
             label: Label, lang: str) -> list[list[object]]:
    rows = session.execute(
        select(Community.name, Team.name, Team.kind, Member.name, Member.phone,
               Member.id_number, Grid.name, Member.skills, Member.active, Community.officer_id,
               Member.availability)
        .join(Membership, Membership.member_id == Member.id)
        .join(Team, Team.id == Membership.team_id)
        .join(Community, Community.id == Team.community_id)
        .outerjoin(Grid, Grid.id == Member.grid_id)
        .where(*_where(actor, Team.community_id, ids))
        .order_by(Community.name, Team.kind, Team.name, Member.name, Member.id))
    out = []
    for r in rows:
        show = full and may_see_personal(actor, r[9])
        out.append([r[0], r[1], label("roster.kind", r[2]), r[3],
                    r[4] if show else masked_phone(r[4]),
                    (r[5] or "") if show else masked_id(r[5]), r[6] or "",
                    "、".join(label("roster.skill", s) for s in r[7] or ()),
                    format_availability(r[10], lang),  # as the importer reads it back
                    label("common", "yes" if r[8] else "no")])
    return out


def _units(session: Session, actor: Actor, ids: Collection[int] | None, full: bool,
           label: Label, lang: str) -> list[list[object]]:
    rows = session.execute(
        select(Community.name, SocialUnit.name, SocialUnit.kind, SocialUnit.contact_name,
               SocialUnit.contact_phone, SocialUnit.services, SocialUnit.active,
               Community.officer_id)
        .join(Community, Community.id == SocialUnit.community_id)
        .where(*_where(actor, SocialUnit.community_id, ids))
        .order_by(Community.name, SocialUnit.kind, SocialUnit.name))
    return [[r[0], r[1], label("roster.unit_kind", r[2]), r[3],
             r[4] if full and may_see_personal(actor, r[7]) else masked_phone(r[4]),
             "、".join(r[5] or ()), label("common", "yes" if r[6] else "no")] for r in rows]


def export_roster(session: Session, *, actor: Actor, what: str, fmt: str,
                  community_ids: Collection[int] | None = None, full: bool = False,
                  headers: dict[str, str] | None = None, label: Label | None = None,
                  lang: str = "zh") -> tuple[bytes, int]:
    """Members or social units in scope (of the given communities), as CSV (UTF-8 with BOM)
    or .xlsx, and the row count. Phones and ID numbers are masked; with `full`, admins and a
    community's own officer get that community's in full (the audit says so)."""
    require(actor, Perm.VIEW_ROSTER)
    if what not in {"members", "units"} or fmt not in {"csv", "xlsx"}:
        raise Invalid({"format": "roster.v.choice"})
    lab = label or (lambda _prefix, code: code)
    rows = (_members if what == "members" else _units)(session, actor, community_ids, full, lab,
                                                       lang)
    columns = MEMBER_COLUMNS if what == "members" else UNIT_COLUMNS
    head = [(headers or {}).get(c, c) for c in columns]
    data = csv_bytes(head, rows) if fmt == "csv" else xlsx_bytes({what: (head, rows)})
    audit.record(session, actor=actor, action="roster.export", entity=what,
                 after={"format": fmt, "rows": len(rows), "full": full,
                        "communities": sorted(community_ids) if community_ids else "scope"})
    return data, len(rows)
