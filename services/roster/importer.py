"""Import members or social units from a file: preview every row, then all or nothing.

A second import of the same file changes nothing: people are matched by ID number, else by
name + phone within the community (importmembers.py: a phone shared with someone of another
name is the user's decision); social units by name within the community. Empty optional
cells keep what is on file (an import never erases). A matched inactive member is made
active again: the file says they are on the team. A second team's file adds memberships;
nobody leaves a team through an import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import Member, Membership, SocialUnit
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.concurrency import update_versioned
from services.core.errors import Invalid
from services.core.validation import normal_id_number, normal_phone
from services.roster import checks
from services.roster.common import MEMBER_FIELDS, bump
from services.roster.forms import UNIT_FIELDS
from services.roster.idcells import read_id
from services.roster.importfile import FIELDS, REQUIRED, Table
from services.roster.importmembers import (
    ELSEWHERE_PER_DAY,
    NUMERIC_ID,
    audit_elsewhere,
    elsewhere_used,
    member_op,
)
from services.roster.importrows import (
    Aliases,
    Context,
    Op,
    RowResult,
    community_of,
    load_context,
    load_members,
    load_units,
    split,
    unit_kind_of,
)

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

    @property
    def undecided(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "decide"]

    def counts(self) -> dict[str, int]:
        """add / update / unchanged / refused / needs a decision."""
        return {"added": self.count("add"), "updated": self.count("update"),
                "unchanged": self.count("same"), "refused": self.count("bad"),
                "decide": self.count("decide")}


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


def _numeric_ids(table: Table, mapping: Mapping) -> set[int]:
    """The rows (by index) whose ID cell the sheet stored as a number."""
    col = mapping.get("id_number")
    return {n for n, c in table.numbers if c == col} if col is not None else set()


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
          default_community: int | None, aliases: Aliases,
          decisions: dict[int, str] | None = None, progress: Progress | None = None
          ) -> list[Op]:
    """Every row checked against what is on file. Writes only the audit of ID numbers
    matched outside the actor's scope (finding 14.6), in the caller's transaction."""
    require(actor, Perm.EDIT_ROSTER)
    _check_mapping(kind, mapping, default_community)
    if default_community is not None and not actor.in_scope(default_community):
        raise Invalid({"community": "roster.imp.no_community"})
    ctx = load_context(session, actor, aliases, default_community)
    ctx.decisions = dict(decisions or {})
    cells = [_cells(r, mapping) for r in table.rows]
    for n in _numeric_ids(table, mapping):
        cells[n][NUMERIC_ID] = "1"
    if kind == "members":
        load_members(session, ctx, {_id_key(c.get("id_number")) for c in cells} - {""},
                     {normal_phone(c.get("phone")) for c in cells} - {""})
        used = elsewhere_used(session, actor)
        ctx.elsewhere_seen, ctx.quota_spent = set(used), len(used) >= ELSEWHERE_PER_DAY
    else:
        load_units(session, ctx)
    ops = _rows(ctx, kind, table, cells, progress)
    if kind == "members" and ctx.over_limit and not ctx.quota_spent:
        # the limit was reached part-way: check the file again as if spent from the start,
        # so that no row's answer depends on where in the file it stands
        ctx.elsewhere, ctx.quota_spent, ctx.over_limit = [], True, 0
        ctx.elsewhere_seen = set(used)
        ops = _rows(ctx, kind, table, cells, None)
    if kind == "members":
        audit_elsewhere(session, actor, ctx)
    return ops


def _rows(ctx: Context, kind: str, table: Table, cells: list[dict[str, str]],
          progress: Progress | None) -> list[Op]:
    seen: dict[str, int] = {}
    make = member_op if kind == "members" else _unit_op
    lines = table.lines or tuple(range(2, len(cells) + 2))
    out = []
    for n, c in enumerate(cells):
        out.append(make(ctx, lines[n], c, seen))
        if progress is not None and (n + 1) % 1000 == 0:
            progress(n + 1, len(cells))
    if progress is not None:
        progress(len(cells), len(cells))
    return out


def _id_key(value: str | None) -> str:
    """The ID number to look up for a cell (15 digits made 18), "" when there is none."""
    return read_id(value).number or normal_id_number(value)


def preview_import(session: Session, *, actor: Actor, kind: str, table: Table,
                   mapping: Mapping, default_community: int | None = None,
                   aliases: Aliases | None = None, decisions: dict[int, str] | None = None,
                   progress: Progress | None = None) -> ImportPlan:
    """What an import would do, row by row: adds, updates (each field before → after),
    unchanged, refused rows and why, possible matches to decide (`decisions`: sheet row ->
    "same" | "different"). Writes only the audit of out-of-scope ID matches."""
    ops = _plan(session, actor, kind, table, mapping, default_community, aliases or {},
                decisions, progress)
    return ImportPlan(kind, tuple(op.result for op in ops))


def run_import(session: Session, *, actor: Actor, kind: str, table: Table, mapping: Mapping,
               default_community: int | None = None, aliases: Aliases | None = None,
               valid_only: bool = False, progress: Progress | None = None,
               decisions: dict[int, str] | None = None,
               check_progress: Progress | None = None) -> ImportSummary:
    """Check again and write, in the caller's one transaction. With bad or undecided rows
    and without `valid_only`, nothing is written (Invalid); with it, the good rows are."""
    ops = _plan(session, actor, kind, table, mapping, default_community, aliases or {},
                decisions, check_progress)
    refused = tuple(op.result for op in ops if op.result.action in {"bad", "decide"})
    if refused and not valid_only:
        undecided = sum(op.result.action == "decide" for op in ops)
        if undecided == len(refused):
            raise Invalid({"file": "roster_imp.undecided"}, n=undecided)
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


CHUNK = 500  # at most this many rows written (and audited in one batch) between two ticks
_MEMBER_DEFAULTS: dict[str, Any] = {"id_number": None, "grid_id": None, "skills": [],
                                    "availability": {}, "active": True, "version": 1}


def _add_members(session: Session, actor: Actor, chunk: list[Op]) -> None:
    """New people of one chunk in one Core insert (ids returned in order), their
    memberships in another, and their audit entries in one batch."""
    now = clock.now()
    rows = [{**_MEMBER_DEFAULTS, **op.values, "created_at": now} for op in chunk]
    ids = list(session.scalars(insert(Member).returning(Member.id,
                                                        sort_by_parameter_order=True), rows))
    joins = [{"member_id": i, "team_id": op.team_id, "created_at": now}
             for i, op in zip(ids, chunk, strict=True) if op.team_id is not None]
    if joins:
        session.execute(insert(Membership), joins)
    audit.record_many(session, actor=actor, entries=[
        audit.Entry("roster.member_import_add", "member", i,
                    after={**{k: row[k] for k in MEMBER_FIELDS},
                           **({"team_id": op.team_id} if op.team_id is not None else {})})
        for i, row, op in zip(ids, rows, chunk, strict=True)])


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
    step = min(CHUNK, max(50, len(todo) // 20))  # the bar moves about twenty times
    for start in range(0, len(adds), step):
        chunk = adds[start:start + step]
        if kind == "members":
            _add_members(session, actor, chunk)
            done += len(chunk)
            _tick(progress, done, len(todo))
            continue
        added = [model(**op.values) for op in chunk]
        session.add_all(added)
        session.flush()
        teams = {row.id: op.team_id for row, op in zip(added, chunk, strict=True)
                 if op.team_id is not None}
        session.add_all([Membership(member_id=m, team_id=t) for m, t in teams.items()])
        audit.record_many(session, actor=actor, entries=[
            audit.Entry(f"roster.{short}_import_add", entity, row.id,
                        after={**audit.snapshot(row, fields),
                               **({"team_id": teams[row.id]} if row.id in teams else {})})
            for row in added])
        done += len(added)
        _tick(progress, done, len(todo))
    for start in range(0, len(changes), step):
        entries = []
        for op in changes[start:start + step]:
            if op.values:
                before = {k: getattr(op.record, k) for k in op.values}
                update_versioned(session, model, op.record.id, op.record.version, op.values,
                                 entity=entity)
                entries.append(audit.Entry(f"roster.{short}_import_update", entity,
                                           op.record.id, before=before, after=op.values))
            if op.team_id is not None and op.team_id not in op.teams:
                session.add(Membership(member_id=op.record.id, team_id=op.team_id))
                bump(session, op.record.id)
                entries.append(audit.Entry("roster.member_import_join", entity, op.record.id,
                                           after={"team_id": op.team_id}))
        audit.record_many(session, actor=actor, entries=entries)
        done += len(changes[start:start + step])
        _tick(progress, done, len(todo))


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
