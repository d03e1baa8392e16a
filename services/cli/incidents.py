"""`pingan import incidents FILE`: the incident import of the page, for a nightly script."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from db.engine import session_scope
from services import sheets
from services.cli.imports import (
    imports,
    progress_printer,
    refuse,
    run_options,
    say,
    sheet_file,
    signed_in,
)
from services.core.errors import ServiceError
from services.stats import (
    TARGETS,
    ImportPlan,
    detect_mode,
    guess_mapping,
    import_incidents,
    normal_name,
    places,
    plan_import,
    read_export,
)

PROBLEMS_SHOWN = 50


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, sep, target = value.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise click.BadParameter(f"{value!r}: NAME=VALUE", param_hint=option)
        out[name.strip()] = target.strip()
    return out


@imports.command("incidents", help="Import incident counts: the 110 dispatch export (one row "
                 "per incident) or daily totals. Exit 0 imported, 1 refused, 2 bad usage.")
@sheet_file
@click.option("--source", default="110", show_default=True,
              help="The exporting system: names and incident numbers are remembered per source.")
@click.option("--mode", type=click.Choice(["auto", "incidents", "daily"]), default="auto",
              show_default=True, help="One row per incident, or daily totals.")
@click.option("--map", "maps", multiple=True, metavar="NAME=CATEGORY",
              help=f"What a category name means ({', '.join(TARGETS)}); remembered. Repeatable.")
@click.option("--community", "communities", multiple=True, metavar="NAME=COMMUNITY",
              help="Confirm that a name in the file is this community; remembered. Repeatable.")
@click.option("--on-existing", type=click.Choice(["skip", "update"]), default="skip",
              show_default=True, help="Keep what is stored, or replace it / move corrected "
              "incidents.")
@run_options("Import the good rows even if some have problems.")
def incidents(file: Path, username: str, sheet: str | None, source: str, mode: str,
              maps: tuple[str, ...], communities: tuple[str, ...], on_existing: str,
              take_valid: bool, dry_run: bool, as_json: bool, lang: str | None) -> None:
    categories = _pairs(maps, "--map")
    bad = [t for t in categories.values() if t not in TARGETS]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} not in {', '.join(TARGETS)}", param_hint="--map")
    named = _pairs(communities, "--community")
    data = file.read_bytes()
    with signed_in(username) as (engine, actor):
        lang = lang or actor.language
        progress = progress_printer(lang)
        progress("read", 0, 1)
        try:
            table = read_export(data, file.name, sheet=sheet)
        except sheets.SheetError as exc:
            refuse(lang, exc)
            return
        progress("read", 1, 1)
        chosen = detect_mode(table) if mode == "auto" else mode
        mapping = guess_mapping(table, chosen)
        try:
            with session_scope(engine) as s:
                decisions = {"category": categories,
                             "community": _community_ids(places(s, actor).by_name, named)}
                plan = plan_import(s, actor=actor, table=table, mapping=mapping, mode=chosen,
                                   source=source, decisions=decisions, progress=progress)
                names = places(s, actor).names
        except ServiceError as exc:
            refuse(lang, exc)
            return
        report: dict[str, Any] = _report(lang, file, table, chosen, mapping, plan, names)
        refused = bool(plan.undecided or (plan.rejected and not take_valid) or not plan.valid)
        report.update(dry_run=dry_run, refused=refused, imported=None)
        if refused or dry_run:
            _print(lang, report, as_json)
            sys.exit(1 if refused else 0)
        try:
            with session_scope(engine, write=True) as s:
                done = import_incidents(s, actor=actor, table=table, mapping=mapping,
                                        mode=chosen, on_existing=on_existing,
                                        take_valid=take_valid, decisions=decisions,
                                        progress=progress, source=source, filename=file.name)
        except ServiceError as exc:
            refuse(lang, exc)
            return
        report["imported"] = done.__dict__
        _print(lang, report, as_json)


def _community_ids(by_name: dict[str, int], named: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, community in named.items():
        cid = by_name.get(normal_name(community))
        if cid is None:
            raise click.BadParameter(f"{community!r}: no such community in your scope",
                                     param_hint="--community")
        out[name] = str(cid)
    return out


def _report(lang: str, file: Path, table: sheets.Table, mode: str,
            mapping: dict[str, str | None], plan: ImportPlan, names: dict[int, str]
            ) -> dict[str, Any]:
    problems = [{"row": int(r.row), "field": r.field, "problem": r.problem,
                 "message": say(lang, r.problem), "value": r.value}
                for r in plan.errors.itertuples()]
    return {
        "file": file.name, "sheet": table.sheet, "mode": mode, "mapping": mapping,
        "notes": [say(lang, n.key, **n.params) for n in plan.notes],
        "plan": {"rows": plan.rows, "valid": plan.valid, "new": plan.new,
                 "existing": plan.existing, "changed": plan.changed, "skipped": plan.skipped,
                 "rejected": plan.rejected, "undecided": plan.undecided},
        "problems": problems,
        "undecided": {
            "categories": [{"name": u.name, "rows": u.rows, "suggestion": u.suggestion}
                           for u in plan.categories],
            "communities": [{"name": u.name, "rows": u.rows,
                             "suggestion": names.get(int(u.suggestion or 0), "")}
                            for u in plan.communities]},
    }


def _print(lang: str, report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    for note in report["notes"]:
        click.echo(note)
    click.echo(say(lang, "imports.cli.plan", **report["plan"]))
    for p in report["problems"][:PROBLEMS_SHOWN]:
        click.echo(say(lang, "imports.cli.problem", row=p["row"], problem=p["message"],
                       field=say(lang, f"stats.import.field.{p['field']}"), value=p["value"]))
    if len(report["problems"]) > PROBLEMS_SHOWN:
        click.echo(say(lang, "stats.import.more_errors",
                       n=len(report["problems"]) - PROBLEMS_SHOWN))
    for u in report["undecided"]["categories"]:
        click.echo(say(lang, "imports.cli.undecided_category", name=u["name"], rows=u["rows"],
                       suggestion=u["suggestion"] or "-"))
    for u in report["undecided"]["communities"]:
        click.echo(say(lang, "imports.cli.undecided_community", **u))
    if report["imported"]:
        click.echo(say(lang, "stats.import.done", **report["imported"]))
    elif report["dry_run"] and not report["refused"]:
        click.echo(say(lang, "imports.cli.dry_run"))
