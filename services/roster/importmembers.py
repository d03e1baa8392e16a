"""One roster row against the people on file: add, update (every field before → after),
unchanged, refused, or a possible match the user decides; never a silent rename.

A person is matched by ID number first, then by name + phone in the community. A row that
shares only the phone with someone of another name (a household or duty-room phone) is a
possible match: "same person" updates them (the name too), "different person" adds one.
An ID number found only outside the actor's scope is refused with a message that does not
say where it was found; such matches are audited and limited per account and day
(`elsewhere_quota`): past the limit every ID not on the actor's own rosters is refused alike.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Member
from services.core import audit, clock
from services.core.actor import Actor
from services.core.masking import mask_id, mask_phone
from services.roster import checks
from services.roster.availtext import format_availability, parse_availability
from services.roster.idcells import read_id
from services.roster.importrows import (
    Context,
    Op,
    RowResult,
    community_of,
    skills_of,
    team_of,
)

ELSEWHERE_PER_DAY = 20  # ID numbers found outside the actor's scope, per account and day
ELSEWHERE = "roster_imp.id_elsewhere"
CHECK_LIMIT = "roster_imp.id_check_limit"
NUMERIC_ID = "_id_number_numeric"  # set in a row's cells when the sheet stored the ID as a number


def id_digest(number: str) -> str:
    """What the audit keeps of an ID looked up outside scope: enough to count distinct ones."""
    return hashlib.sha256(f"pingan-id:{number}".encode()).hexdigest()[:16]


def elsewhere_used(session: Session, actor: Actor) -> set[str]:
    """Digests of the IDs this account matched outside its scope today (Asia/Shanghai)."""
    since = clock.day_start(clock.local_today())
    used: set[str] = set()
    for after in session.scalars(select(AuditLog.after).where(
            AuditLog.action == "roster.import_elsewhere", AuditLog.actor_user_id == actor.user_id,
            AuditLog.at >= since)):
        used.update((after or {}).get("ids") or ())
    return used


def audit_elsewhere(session: Session, actor: Actor, ctx: Context) -> None:
    if ctx.elsewhere:
        audit.record(session, actor=actor, action="roster.import_elsewhere", entity="member",
                     after={"rows": [line for line, _ in ctx.elsewhere],
                            "ids": sorted({d for _, d in ctx.elsewhere}),
                            "refused_over_limit": ctx.over_limit})


def member_op(ctx: Context, line: int, cell: dict[str, str], seen: dict[str, int]) -> Op:
    problems = checks.Problems()
    full_name = problems.attempt(checks.text(cell.get("name"), "name", 64))
    phone = problems.attempt(checks.phone(cell.get("phone")))
    id_cell = read_id(cell.get("id_number"), numeric=bool(cell.get(NUMERIC_ID)))
    if id_cell.problem:
        problems.fields["id_number"] = id_cell.problem
    number = id_cell.number
    cid = community_of(ctx, cell.get("community", ""), problems)
    team = team_of(ctx, cid, cell.get("team", ""), problems) if cid else None
    grid_id = ctx.grids.get((cid or 0, cell["grid"].strip().lower())) if cell.get("grid") else None
    if cell.get("grid") and grid_id is None:
        problems.fields["grid"] = "roster.imp.no_grid"
    skills = skills_of(ctx, cell["skills"], problems) if cell.get("skills") else None
    availability = problems.attempt(functools.partial(
        parse_availability, cell["availability"])) if cell.get("availability") else None
    name = str(full_name or cell.get("name") or "")[:64]
    member, candidate = _match(ctx, line, number, full_name, phone, cid, problems)
    _duplicate(number or (f"{cid}:{phone}:{full_name}" if phone else None), line, seen,
               problems)
    notes = (("id_number", id_cell.note),) if id_cell.note else ()
    if problems.fields:
        return Op(RowResult(line, name, "bad", tuple(problems.fields.items()),
                            tuple((k, str(v)) for k, v in problems.params.items()),
                            notes=notes), {})
    if candidate is not None:
        return Op(RowResult(line, name, "decide", notes=notes, candidate=candidate), {})
    new: dict[str, Any] = {"name": full_name, "phone": phone, "active": True}
    for k, v in (("id_number", number), ("grid_id", grid_id), ("skills", skills),
                 ("availability", availability)):
        if v is not None:
            new[k] = v
    return _op(ctx, line, name, new, member, team, notes)


def _match(ctx: Context, line: int, number: str | None, full_name: str | None,
           phone: str | None, cid: int | None, problems: checks.Problems
           ) -> tuple[Member | None, str | None]:
    """(the person this row is, or None to add one; a possible match to decide, or None)."""
    if number:
        found = ctx.by_id_number.get(number)
        if found is not None and not ctx.member_teams[found.id] & set(ctx.team_community):
            found = None
            _elsewhere(ctx, line, number, problems)
        elif found is None and ctx.quota_spent and not _local(ctx, phone, cid):
            problems.fields["id_number"] = CHECK_LIMIT  # no answer either way past the limit
        if found is not None or "id_number" in problems.fields:
            return found, None
    if not phone or not cid:
        return None, None
    people = [m for m in ctx.by_phone.get((cid, phone), [])
              if not number or m.id_number in (None, number)]  # another ID: another person
    same = [m for m in people if m.name == full_name]
    if same:
        return same[0], None
    if not people:
        return None, None
    choice = ctx.decisions.get(line)
    if choice == "same":
        return people[0], None
    if choice == "different":
        return None, None
    other = people[0]
    return None, f"{other.name} {mask_phone(other.phone)}"


def _local(ctx: Context, phone: str | None, cid: int | None) -> bool:
    return bool(phone and cid and ctx.by_phone.get((cid, phone)))


def _elsewhere(ctx: Context, line: int, number: str, problems: checks.Problems) -> None:
    digest = id_digest(number)
    if digest not in ctx.elsewhere_seen and len(ctx.elsewhere_seen) >= ELSEWHERE_PER_DAY:
        ctx.quota_spent = True
        ctx.over_limit += 1
        problems.fields["id_number"] = CHECK_LIMIT
        return
    ctx.elsewhere_seen.add(digest)
    ctx.elsewhere.append((line, digest))
    problems.fields["id_number"] = ELSEWHERE


def _duplicate(key: str | None, line: int, seen: dict[str, int],
               problems: checks.Problems) -> None:
    """A person met earlier in the file: this row is refused, naming that row."""
    if key is None:
        return
    if key in seen:
        problems.fields.setdefault("name", "roster.imp.duplicate")
        problems.params["first"] = seen[key]
    seen.setdefault(key, line)


def _op(ctx: Context, line: int, name: str, new: dict[str, Any], member: Member | None,
        team: Any, notes: tuple[tuple[str, str], ...]) -> Op:
    team_id = team.id if team is not None else None
    if member is None:
        return Op(RowResult(line, name, "add", notes=notes), new, None, team_id)
    teams = frozenset(ctx.member_teams[member.id])
    changes = {k: v for k, v in new.items() if getattr(member, k) != v}
    shown = tuple((k, show(ctx, k, getattr(member, k)), show(ctx, k, v))
                  for k, v in changes.items())
    if team_id is not None and team_id not in teams:  # a second team's file: a membership
        shown += (("team", "", team.name),)
    action = "update" if shown else "same"
    return Op(RowResult(line, name, action, notes=notes, changes=shown), changes, member,
              team_id, teams)


def show(ctx: Context, field: str, value: Any) -> str:
    """A value as the preview shows it: phone and ID number masked, codes in words."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if field == "phone":
        return mask_phone(value)
    if field == "id_number":
        return mask_id(value)
    if field == "grid_id":
        return ctx.grid_names.get(int(value), str(value))
    if field == "skills":
        return "、".join(value)
    if field == "availability":
        return format_availability(value, "zh")
    if field == "active":
        return "yes" if value else "no"
    return str(value)
