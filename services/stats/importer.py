"""Import of incident counts: daily totals, or one row per incident totalled by day, category
and community. Check every row, preview problems and open questions, then write or not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from services import sheets
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.stats import importmap, importwrite
from services.stats.categories import normal_name
from services.stats.importcheck import Checked, Progress, Rules, Unknown, check_rows
from services.stats.importfile import DAILY, INCIDENTS, REQUIRED

Decisions = dict[str, dict[str, str]]  # {"category": {name: target}, "community": {name: id}}
MODES = ("daily", "incidents")


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do. Daily: rows new / already there / with another count.
    Incidents: incidents new / already counted / counted under another day, category or
    community. `categories`/`communities`: names waiting for the user's decision."""

    mode: str
    rows: int
    valid: int
    new: int
    existing: int
    changed: int
    skipped: int  # rows whose category is 'not counted'
    errors: pd.DataFrame  # row (as the sheet shows it), field, problem, value
    categories: tuple[Unknown, ...] = ()
    communities: tuple[Unknown, ...] = ()
    notes: tuple[sheets.Note, ...] = ()
    totals: pd.DataFrame | None = None  # day, category, community_id, count added

    @property
    def rejected(self) -> int:
        return int(self.errors["row"].nunique()) if len(self.errors) else 0

    @property
    def undecided(self) -> int:
        return len(self.categories) + len(self.communities)


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    inserted: int
    updated: int
    skipped: int  # already imported and left as they were (or not counted)
    rejected: int  # rows with a problem, not imported


def _columns(table: sheets.Table, mode: str, mapping: dict[str, str | None]) -> dict[str, int]:
    if mode not in MODES:
        raise Invalid({"mode": "stats.import.bad_mode"})
    fields = DAILY if mode == "daily" else INCIDENTS
    out: dict[str, int] = {}
    missing: dict[str, str] = {}
    for f in fields:
        col = table.column(mapping.get(f) or "")
        if col is not None:
            out[f] = col.index
        elif f in REQUIRED[mode]:
            missing[f] = "stats.import.map_missing"
    if missing:
        raise Invalid(missing)
    if len(set(out.values())) < len(out):
        raise Invalid({"mapping": "stats.import.map_twice"})
    return out


def _check(session: Session, actor: Actor, table: sheets.Table, mode: str,
           mapping: dict[str, str | None], source: str, decisions: Decisions | None,
           today: date, progress: Progress | None) -> Checked:
    columns = _columns(table, mode, mapping)
    decided = decisions or {}
    categories = importmap.remembered(session, actor=actor, source=source, kind="category")
    communities = importmap.remembered(session, actor=actor, source=source, kind="community")
    categories.update({normal_name(k): v for k, v in decided.get("category", {}).items()})
    communities.update({normal_name(k): v for k, v in decided.get("community", {}).items()})
    rules = Rules(mode, columns, importmap.places(session, actor), categories, communities,
                  today)
    return check_rows(table, rules, progress)


def _errors(checked: Checked) -> pd.DataFrame:
    frame = pd.DataFrame(checked.problems, columns=["row", "field", "problem", "value"])
    return frame.sort_values(["row", "field"], kind="stable").reset_index(drop=True)


def _unknowns(checked: Checked, places: importmap.Places) -> tuple[tuple[Unknown, ...], ...]:
    from services.stats.categories import suggest

    cats = tuple(Unknown(n, c, suggest(n)) for n, c in checked.categories.most_common())
    comms = tuple(Unknown(n, c, str(places.suggest(n))) for n, c in
                  checked.communities.most_common())
    return cats, comms


def plan_import(session: Session, *, actor: Actor, table: sheets.Table,
                mapping: dict[str, str | None], mode: str = "daily", source: str = "110",
                decisions: Decisions | None = None, today: date | None = None,
                progress: Progress | None = None) -> ImportPlan:
    """Check every row and compare with what is stored; writes nothing."""
    require(actor, Perm.IMPORT_DATA)
    source = importmap.clean_source(source)
    checked = _check(session, actor, table, mode, mapping, source, decisions,
                     today or clock.local_today(), progress)
    scope = importmap.places(session, actor)
    cats, comms = _unknowns(checked, scope)
    diff = importwrite.compare(session, mode, source, checked.good, scope.names.keys())
    notes = list(table.notes)
    if checked.year_assumed:
        notes.append(sheets.Note("sheets.date.year_assumed",
                                 {"year": (today or clock.local_today()).year}))
    return ImportPlan(mode, len(table.rows), len(checked.good), diff.new, diff.same + diff.changed,
                      diff.changed, checked.skipped, _errors(checked), cats, comms,
                      tuple(notes), diff.totals)


def import_incidents(session: Session, *, actor: Actor, table: sheets.Table,
                     mapping: dict[str, str | None], mode: str = "daily",
                     on_existing: str = "skip", take_valid: bool = False,
                     decisions: Decisions | None = None, today: date | None = None,
                     progress: Progress | None = None, source: str = "110",
                     filename: str = "") -> ImportSummary:
    """Write the checked rows. Any problem stops the whole import unless `take_valid`; a name
    still waiting for a decision always stops it. Decisions given are remembered for the
    source. `on_existing`: "skip" keeps what is stored, "update" replaces it (daily counts)
    or moves a corrected incident to its new day, category or community."""
    require(actor, Perm.IMPORT_DATA)
    if on_existing not in ("skip", "update"):
        raise Invalid({"on_existing": "stats.import.bad_mode"})
    source = importmap.clean_source(source)
    checked = _check(session, actor, table, mode, mapping, source, decisions,
                     today or clock.local_today(), progress)
    if checked.categories or checked.communities:
        raise Invalid(key="stats.import.undecided",
                      count=len(checked.categories) + len(checked.communities))
    rejected = len({p[0] for p in checked.problems})
    if rejected and not take_valid:
        raise Invalid(key="stats.import.has_errors", count=rejected)
    for kind, chosen in (decisions or {}).items():
        if chosen:
            importmap.save_mappings(session, actor=actor, source=source, kind=kind,
                                    decisions=chosen)
    done = importwrite.write(session, mode, source, checked.good, on_existing, progress,
                             importmap.places(session, actor).names.keys())
    summary = ImportSummary(len(table.rows), done.inserted, done.updated,
                            done.skipped + checked.skipped, rejected)
    audit.record(session, actor=actor, action="stats.import_incidents", entity="incident_count",
                 entity_id=(filename or source)[:32], after={
                     "file": filename, "source": source, "mode": mode, "on_existing": on_existing,
                     "take_valid": take_valid, **summary.__dict__, "changes": done.changes,
                     "counted": dict(Counter(g[2] for g in checked.good))})
    return summary
