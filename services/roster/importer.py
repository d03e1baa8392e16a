"""Import members or social units from a file: preview every bad row, then all or nothing.

A second import of the same file changes nothing: people are matched by ID number, else by
phone within the community; social units by name within the community. Empty optional
cells keep what is on file (an import never erases). A matched inactive member is made
active again: the file says they are on the team.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from db.models import Member, SocialUnit
from services import audit
from services.actor import Actor, Perm, require
from services.concurrency import update_versioned
from services.errors import Invalid
from services.roster import checks
from services.roster.availtext import parse_availability
from services.roster.common import MEMBER_FIELDS
from services.roster.forms import UNIT_FIELDS
from services.roster.importfile import FIELDS, REQUIRED, Table
from services.roster.importrows import (
    Aliases,
    Context,
    Op,
    RowResult,
    community_of,
    load_context,
    load_members,
    load_units,
    skills_of,
    split,
    team_of,
    unit_kind_of,
)
from services.validation import normal_id_number, normal_phone

Mapping = dict[str, int | None]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportPlan:
    kind: str
    rows: tuple[RowResult, ...]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def bad(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "bad"]


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int
    refused: tuple[RowResult, ...]


def _check_mapping(kind: str, mapping: Mapping, default_community: int | None) -> None:
    if kind not in FIELDS:
        raise Invalid({"kind": "roster.v.choice"})
    needed = REQUIRED[kind] + (("community",) if default_community is None else ())
    missing = {f"map_{f}": "roster.imp.unmapped" for f in needed if mapping.get(f) is None}
    if missing:
        raise Invalid(missing)


def _cells(table_row: tuple[str, ...], mapping: Mapping) -> dict[str, str]:
    return {f: (table_row[i] if i is not None and i < len(table_row) else "")
            for f, i in mapping.items()}


def _member_op(ctx: Context, line: int, cell: dict[str, str], seen: dict[str, int]) -> Op:
    problems = checks.Problems()
    full_name = problems.attempt(checks.text(cell.get("name"), "name", 64))
    phone = problems.attempt(checks.phone(cell.get("phone")))
    number = problems.attempt(checks.id_number(cell.get("id_number")))
    cid = community_of(ctx, cell.get("community", ""), problems)
    team = team_of(ctx, cid, cell.get("team", ""), problems) if cid else None
    grid_id = ctx.grids.get((cid or 0, cell["grid"].strip().lower())) if cell.get("grid") else None
    if cell.get("grid") and grid_id is None:
        problems.fields["grid"] = "roster.imp.no_grid"
    skills = skills_of(ctx, cell["skills"], problems) if cell.get("skills") else None
    availability = problems.attempt(functools.partial(
        parse_availability, cell["availability"])) if cell.get("availability") else None
    member = ctx.by_id_number.get(number) if number else None
    if member is None and phone and cid:
        member = ctx.by_phone.get((cid, phone))
        if member is not None and number and member.id_number not in (None, number):
            member = None  # another person who shares the phone
    if member is not None and member.team_id not in ctx.team_community:
        problems.fields["id_number"] = "roster.imp.other_community"
    _duplicate(number or (f"{cid}:{phone}" if phone else None), line, seen, problems)
    name = str(full_name or cell.get("name") or "")[:64]
    if problems.fields:
        return Op(RowResult(line, name, "bad", tuple(problems.fields.items()),
                            tuple((k, str(v)) for k, v in problems.params.items())), {})
    new = {"name": full_name, "phone": phone, "team_id": team.id if team else None,
           "active": True}
    for k, v in (("id_number", number), ("grid_id", grid_id), ("skills", skills),
                 ("availability", availability)):
        if v is not None:
            new[k] = v
    return _add_or_change(line, name, new, member)


def _unit_op(ctx: Context, line: int, cell: dict[str, str], seen: dict[str, int]) -> Op:
    problems = checks.Problems()
    kind = unit_kind_of(ctx, cell.get("kind", ""), problems)
    values = problems.attempt(lambda: checks.unit_fields(
        {"name": cell.get("name"), "kind": kind or "shop", "contact_name": cell.get(
            "contact_name"), "contact_phone": cell.get("contact_phone"),
         "services": split(cell.get("services", ""))})) or {}
    cid = community_of(ctx, cell.get("community", ""), problems)
    unit_name = str(values.get("name") or "").lower()
    _duplicate(f"{cid}:{unit_name}" if unit_name else None, line, seen, problems)
    name = str(values.get("name") or cell.get("name") or "")[:64]
    if problems.fields:
        return Op(RowResult(line, name, "bad", tuple(problems.fields.items()),
                            tuple((k, str(v)) for k, v in problems.params.items())), {})
    new = {"name": values["name"], "kind": kind, "community_id": cid, "active": True}
    for k in ("contact_name", "contact_phone", "services"):
        if values.get(k):
            new[k] = values[k]
    return _add_or_change(line, name, new, ctx.units.get((cid or 0, values["name"].lower())))


def _duplicate(key: str | None, line: int, seen: dict[str, int],
               problems: checks.Problems) -> None:
    """A person or unit met earlier in the file: this row is refused, naming that line."""
    if key is None:
        return
    if key in seen:
        problems.fields.setdefault("name", "roster.imp.duplicate")
        problems.params["first"] = seen[key]
    seen.setdefault(key, line)


def _add_or_change(line: int, name: str, new: dict[str, Any], record: Any) -> Op:
    if record is None:
        return Op(RowResult(line, name, "add"), new)
    changes = {k: v for k, v in new.items() if k != "community_id" and getattr(record, k) != v}
    return Op(RowResult(line, name, "update" if changes else "same"), changes, record)


def _plan(session: Session, actor: Actor, kind: str, table: Table, mapping: Mapping,
          default_community: int | None, aliases: Aliases) -> list[Op]:
    require(actor, Perm.EDIT_ROSTER)
    _check_mapping(kind, mapping, default_community)
    if default_community is not None and not actor.in_scope(default_community):
        raise Invalid({"community": "roster.imp.no_community"})
    ctx = load_context(session, actor, aliases, default_community)
    cells = [_cells(r, mapping) for r in table.rows]
    if kind == "members":
        load_members(session, ctx, {normal_id_number(c.get("id_number")) for c in cells} - {""},
                     {normal_phone(c.get("phone")) for c in cells} - {""})
    else:
        load_units(session, ctx)
    seen: dict[str, int] = {}
    make = _member_op if kind == "members" else _unit_op
    return [make(ctx, n + 2, c, seen) for n, c in enumerate(cells)]


def preview_import(session: Session, *, actor: Actor, kind: str, table: Table,
                   mapping: Mapping, default_community: int | None = None,
                   aliases: Aliases | None = None) -> ImportPlan:
    """What an import would do, row by row, with every bad row and why. Writes nothing."""
    ops = _plan(session, actor, kind, table, mapping, default_community, aliases or {})
    return ImportPlan(kind, tuple(op.result for op in ops))


def run_import(session: Session, *, actor: Actor, kind: str, table: Table, mapping: Mapping,
               default_community: int | None = None, aliases: Aliases | None = None,
               valid_only: bool = False, progress: Progress | None = None) -> ImportSummary:
    """Check again and write, in the caller's one transaction. With bad rows and without
    `valid_only`, nothing is written (Invalid); with it, the good rows are."""
    ops = _plan(session, actor, kind, table, mapping, default_community, aliases or {})
    refused = tuple(op.result for op in ops if op.result.action == "bad")
    if refused and not valid_only:
        raise Invalid({"file": "roster.imp.has_errors"}, bad=len(refused))
    _write(session, actor, kind, [op for op in ops if op.result.action in {"add", "update"}],
           progress)
    summary = ImportSummary(sum(op.result.action == "add" for op in ops),
                            sum(op.result.action == "update" for op in ops),
                            sum(op.result.action == "same" for op in ops), refused)
    audit.record(session, actor=actor, action="roster.import", entity=kind,
                 after={"rows": len(ops), "added": summary.added, "updated": summary.updated,
                        "unchanged": summary.unchanged, "refused": len(refused),
                        "valid_only": valid_only})
    return summary


CHUNK = 100  # rows written (and audited in one batch) between two ticks of the progress bar


def _write(session: Session, actor: Actor, kind: str, todo: list[Op],
           progress: Progress | None) -> None:
    """New records, then changes, a chunk at a time; one audit entry per record either way,
    written per chunk in one batch (one lock, one insert) instead of one by one."""
    model, entity, fields = ((Member, "member", MEMBER_FIELDS) if kind == "members"
                             else (SocialUnit, "social_unit", UNIT_FIELDS))
    short = "member" if kind == "members" else "unit"
    adds = [op for op in todo if op.record is None]
    changes = [op for op in todo if op.record is not None]
    done = 0
    for start in range(0, len(adds), CHUNK):
        added = [model(**op.values) for op in adds[start:start + CHUNK]]
        session.add_all(added)
        session.flush()
        audit.record_many(session, actor=actor, entries=[
            audit.Entry(f"roster.{short}_import_add", entity, row.id,
                        after=audit.snapshot(row, fields)) for row in added])
        done += len(added)
        _tick(progress, done, len(todo))
    for start in range(0, len(changes), CHUNK):
        entries = []
        for op in changes[start:start + CHUNK]:
            before = {k: getattr(op.record, k) for k in op.values}
            update_versioned(session, model, op.record.id, op.record.version, op.values,
                             entity=entity)
            entries.append(audit.Entry(f"roster.{short}_import_update", entity, op.record.id,
                                       before=before, after=op.values))
        audit.record_many(session, actor=actor, entries=entries)
        done += len(entries)
        _tick(progress, done, len(todo))


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
