"""Bulk edit of a team's members (the page's table): checked as a whole, all or nothing."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Grid, Member, Membership
from services.core import audit
from services.core.actor import Actor
from services.core.concurrency import update_versioned
from services.core.errors import Conflict, Invalid
from services.core.validation import normal_id_number, validate_id_number
from services.roster import checks
from services.roster.availtext import parse_availability
from services.roster.common import MEMBER_FIELDS, masked_id, masked_phone
from services.roster.forms import editable_team

MAX_ROWS = 500
_ABSENT = object()


def _personal(row: dict[str, Any], member: Member | None) -> dict[str, Any]:
    """A phone or ID number still showing its mask means "unchanged": leave it out."""
    out = dict(row)
    if member is not None:
        if str(out.get("phone") or "") == masked_phone(member.phone):
            out["phone"] = ""
        if str(out.get("id_number") or "") == masked_id(member.id_number):
            out["id_number"] = ""
    return out


def _valid_number(value: Any) -> str | None:
    """The ID number of a row whose other cells failed, to check that it is free too."""
    number = normal_id_number(str(value or ""))
    return number if number and validate_id_number(number) is None else None


def _check_rows(session: Session, team_id: int, community_id: int,
                rows: list[dict[str, Any]], current: dict[int, Member]
                ) -> list[tuple[Member | None, dict[str, Any]]]:
    """Each row's clean values; Invalid naming `row.field` for every problem in the table."""
    grids = set(session.scalars(select(Grid.id).where(Grid.community_id == community_id)))
    problems = checks.Problems()
    out: list[tuple[Member | None, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows):
        member = current.get(row.get("member_id") or 0)
        if row.get("member_id") and member is None:
            problems.fields[f"{n}.name"] = "roster.v.not_in_team"
            continue
        raw = _personal(row, member)
        avail_text = raw.pop("availability", _ABSENT)  # the table's one line of text
        local = checks.Problems()
        keep = member is not None
        clean: dict[str, Any] = local.attempt(
            functools.partial(checks.member_fields, raw, keep_personal=keep)) or {}
        clean.pop("availability", None)  # no column for it: kept as it is
        if avail_text is not _ABSENT:
            avail = local.attempt(functools.partial(parse_availability, avail_text))
            if avail is not None:
                clean["availability"] = avail
        if row.get("grid_id") is not None and row.get("grid_id") not in grids:
            local.fields["grid_id"] = "roster.v.grid"
        number = clean.get("id_number") or _valid_number(raw.get("id_number"))
        if number and (number in seen or session.scalar(select(Member.id).where(
                Member.id_number == number, Member.id != (member.id if member else 0)))):
            local.fields["id_number"] = "roster.v.id_taken"
        if number:
            seen[number] = n
        problems.fields.update({f"{n}.{k}": v for k, v in local.fields.items()})
        problems.params.update(local.params)
        clean.update(grid_id=row.get("grid_id"), active=bool(row.get("active", True)))
        out.append((member, clean))
    problems.raise_any()
    return out


def save_team_members(session: Session, *, actor: Actor, team_id: int,
                      rows: list[dict[str, Any]]) -> dict[str, int]:
    """Apply the changed and added rows of a team's table in one go.

    Each row: member_id (None for a new member) and the version it was shown at, name,
    phone, id_number (a value still showing its mask is kept), grid_id, skills, active, and
    optionally availability as one line of text ("周一至周五 18:00-22:00"; empty: any time).
    Refused as a whole: Invalid with `row.field` keys for every bad cell; Conflict naming
    the members that someone else changed since the table was shown.
    """
    team = editable_team(session, actor, team_id)
    if len(rows) > MAX_ROWS:
        raise Invalid({"rows": "roster.v.too_many"}, max=MAX_ROWS)
    ids = [int(r["member_id"]) for r in rows if r.get("member_id")]
    found = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(ids)))}
    stale = [found[i].name for r in rows if (i := int(r.get("member_id") or 0)) in found
             and int(r.get("version") or 0) != found[i].version]  # moved elsewhere too
    if stale:
        raise Conflict("roster.bulk_conflict", names="、".join(stale))
    in_team = set(session.scalars(select(Membership.member_id).where(
        Membership.team_id == team.id, Membership.member_id.in_(ids))))
    current = {i: m for i, m in found.items() if i in in_team}
    checked = _check_rows(session, team.id, team.community_id, rows, current)
    done = [_apply(session, actor, team.id, member, clean, row.get("version"))
            for (member, clean), row in zip(checked, rows, strict=True)]
    return {"added": done.count("added"), "updated": done.count("updated")}


def _apply(session: Session, actor: Actor, team_id: int, member: Member | None,
           clean: dict[str, Any], shown_version: Any) -> str | None:
    """Write one checked row with its audit entry: "added", "updated" or None (no change)."""
    if member is None:
        new = Member(**clean)
        session.add(new)
        session.flush()
        audit.record(session, actor=actor, action="roster.member_add", entity="member",
                     entity_id=new.id, after={**audit.snapshot(new, MEMBER_FIELDS),
                                              "team_id": team_id})
        session.add(Membership(member_id=new.id, team_id=team_id))
        return "added"
    before = audit.snapshot(member, MEMBER_FIELDS)
    changed = {k: v for k, v in clean.items() if before.get(k) != v}
    if not changed:
        return None
    update_versioned(session, Member, member.id, int(shown_version), changed, entity="member")
    session.refresh(member)
    audit.record(session, actor=actor, action="roster.member_bulk_edit", entity="member",
                 entity_id=member.id, before={k: before[k] for k in changed},
                 after={k: getattr(member, k) for k in changed})
    return "updated"
