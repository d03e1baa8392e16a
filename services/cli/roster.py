"""`pingan import roster FILE --community NAME`: the roster import of the page, for scripts.

The same checks and preview (JSON with --json), the same audit (out-of-scope ID matches
too), as the named user. Exit 0 imported (or a clean dry run), 1 refused, 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from db.engine import session_scope
from services import roster, sheets
from services.cli.imports import (
    imports,
    progress_printer,
    refuse,
    run_options,
    say,
    sheet_file,
    signed_in,
)
from services.core.actor import Actor
from services.core.errors import ServiceError
from services.roster import FIELDS

SHOWN = 50  # rows printed in the text report (JSON lists every row that is not a plain add)


def _community(s: Any, actor: Actor, name: str) -> int:
    wanted = name.strip().lower()
    for cid, zh, en in roster.community_names(s, actor=actor):
        if wanted in (zh.lower(), (en or "").lower()):
            return cid
    raise click.BadParameter(f"{name!r}: no such community in your scope",
                             param_hint="--community")


@imports.command("roster", help="Import a team roster (members) into a community. "
                 "Exit 0 imported, 1 refused, 2 bad usage.")
@sheet_file
@click.option("--community", required=True, help="The community the roster belongs to.")
@click.option("--same", "same", multiple=True, type=int, metavar="ROW",
              help="Row ROW (as the sheet numbers it) is the person on file who shares the "
              "phone: update them. Repeatable.")
@click.option("--different", "different", multiple=True, type=int, metavar="ROW",
              help="Row ROW is a different person from the one sharing the phone: add them. "
              "Repeatable.")
@run_options("Import the good rows even if some are refused or undecided.")
def roster_cmd(file: Path, community: str, username: str, sheet: str | None,
               same: tuple[int, ...], different: tuple[int, ...], take_valid: bool,
               dry_run: bool, as_json: bool, lang: str | None) -> None:
    if set(same) & set(different):
        raise click.BadParameter("a row cannot be both", param_hint="--same/--different")
    decisions = {**dict.fromkeys(same, "same"), **dict.fromkeys(different, "different")}
    data = file.read_bytes()
    with signed_in(username) as (engine, actor):
        lang = lang or actor.language
        progress = progress_printer(lang, quiet=as_json)
        progress("read", 0, 1)
        try:
            table = roster.read_table(data, file.name, sheet=sheet)
        except sheets.SheetError as exc:
            refuse(lang, exc)
            return
        progress("read", 1, 1)
        mapping = roster.guess_mapping("members", table.headers, table.hidden)
        try:  # writing: out-of-scope ID matches are audited, as on the page
            with session_scope(engine, write=True) as s:
                cid = _community(s, actor, community)
                plan = roster.preview_import(
                    s, actor=actor, kind="members", table=table, mapping=mapping,
                    default_community=cid, decisions=decisions,
                    progress=lambda d, n: progress("check", d, n))
        except ServiceError as exc:
            refuse(lang, exc)
            return
        report = _report(lang, file, table, mapping, plan)
        stuck = plan.count("bad") + plan.count("decide")
        refused = bool(stuck and not take_valid) or stuck == len(plan.rows)
        report.update(dry_run=dry_run, refused=refused, imported=None)
        if refused or dry_run:
            _print(lang, report, as_json)
            sys.exit(1 if refused else 0)
        try:
            with session_scope(engine, write=True) as s:
                done = roster.run_import(
                    s, actor=actor, kind="members", table=table, mapping=mapping,
                    default_community=cid, decisions=decisions, valid_only=take_valid,
                    progress=lambda d, n: progress("write", d, n))
        except ServiceError as exc:
            refuse(lang, exc)
            return
        report["imported"] = {"added": done.added, "updated": done.updated,
                              "unchanged": done.unchanged, "refused": len(done.refused)}
        _print(lang, report, as_json)


def _field(lang: str, field: str) -> str:
    if field == "active":
        return say(lang, "roster_imp.field_active")
    return say(lang, f"roster.imp.field_{field}")


def _row(lang: str, r: roster.RowResult) -> dict[str, Any]:
    params = dict(r.params)
    return {"row": r.line, "name": r.name, "action": r.action,
            "problems": [{"field": f, "problem": k, "message": say(lang, k, **params)}
                         for f, k in r.problems],
            "changes": [{"field": f, "before": b, "after": a} for f, b, a in r.changes],
            "notes": [{"field": f, "note": k, "message": say(lang, k)} for f, k in r.notes],
            "candidate": r.candidate}


def _report(lang: str, file: Path, table: roster.Table, mapping: dict[str, int | None],
            plan: roster.ImportPlan) -> dict[str, Any]:
    return {
        "file": file.name, "sheet": table.sheet, "sheets": list(table.sheets),
        "mapping": {f: (table.headers[i] if i is not None else None)
                    for f, i in mapping.items() if f in FIELDS["members"]},
        "notes": [say(lang, n.key, **n.params) for n in table.notes],
        "counts": plan.counts(), "rows_read": len(plan.rows),
        "rows": [_row(lang, r) for r in plan.rows if r.action != "add" or r.notes],
    }


def _print(lang: str, report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    for note in report["notes"]:
        click.echo(note)
    click.echo(say(lang, "roster_imp.cli_counts", **report["counts"]))
    shown = [r for r in report["rows"] if r["action"] != "same"]
    for r in shown[:SHOWN]:
        head = f"{say(lang, 'roster.imp.col_line')} {r['row']} {r['name']}"
        for p in r["problems"]:
            click.echo(f"{head}: {_field(lang, p['field'])}: {p['message']}")
        for c in r["changes"]:
            click.echo(f"{head}: {_field(lang, c['field'])}: {c['before'] or '-'} → "
                       f"{c['after'] or '-'}")
        for n in r["notes"]:
            click.echo(f"{head}: {n['message']}")
        if r["action"] == "decide":
            click.echo(say(lang, "roster_imp.cli_decide", row=r["row"], name=r["name"],
                           candidate=r["candidate"]))
    if len(shown) > SHOWN:
        click.echo(f"… +{len(shown) - SHOWN}")
    if report["imported"]:
        click.echo(say(lang, "roster_imp.cli_done", **report["imported"]))
    elif report["dry_run"] and not report["refused"]:
        click.echo(say(lang, "imports.cli.dry_run"))

