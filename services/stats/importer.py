"""Import of daily incident counts: check every row, preview the problems, then write or not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from db.models import Community, IncidentCount
from services import audit, clock
from services.actor import Actor, Perm, require
from services.errors import Invalid
from services.scope import community_filter
from services.stats.importfile import FIELDS

Progress = Callable[[int, int], None]
CHUNK = 5000
MAX_COUNT = 100_000  # per day, category and community: anything larger is a typing error
_CATEGORIES = {
    "criminal": "criminal", "刑事": "criminal", "刑事警情": "criminal", "刑事案件": "criminal",
    "public_order": "public_order", "public order": "public_order", "治安": "public_order",
    "治安警情": "public_order", "治安案件": "public_order",
    "other": "other", "其他": "other", "其它": "other", "其他警情": "other",
}
KEY = ["day", "category", "community_id"]


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: rows checked, new, already there, and every problem found."""

    rows: int
    valid: int
    new: int
    existing: int
    changed: int  # already there with a different count
    errors: pd.DataFrame  # row (as in the file, header = row 1), field, problem, value

    @property
    def rejected(self) -> int:
        return int(self.errors["row"].nunique()) if len(self.errors) else 0


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    inserted: int
    updated: int
    skipped: int  # already imported and left as they were
    rejected: int  # rows with a problem, not imported


def _check_mapping(table: pd.DataFrame, mapping: dict[str, str | None]) -> None:
    chosen = [mapping.get(f) for f in FIELDS]
    missing = {f: "stats.import.map_missing" for f, c in zip(FIELDS, chosen, strict=True)
               if not c or c not in table.columns}
    if missing:
        raise Invalid(missing)
    if len(set(chosen)) < len(chosen):
        raise Invalid({"mapping": "stats.import.map_twice"})


def _days(raw: pd.Series) -> pd.Series:
    days = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    retry = days.isna() & (raw != "")
    if retry.any():
        days[retry] = pd.to_datetime(raw[retry], errors="coerce", format="mixed")
    return days.dt.normalize()


def _community_ids(session: Session, actor: Actor, raw: pd.Series) -> pd.Series:
    """Community id for a name (中文 or English) or an id, only within the actor's scope."""
    known: dict[str, float] = {}
    for cid, name, name_en in session.execute(
            select(Community.id, Community.name, Community.name_en)
            .where(community_filter(actor, Community.id))):
        known.update({str(cid): cid, name.strip(): cid})
        if name_en:
            known[name_en.strip().lower()] = cid
    ids = raw.map(known)
    misses = ids.isna()
    ids[misses] = raw[misses].str.lower().map(known)
    return ids.astype(float)


def _validate(session: Session, actor: Actor, table: pd.DataFrame,
              mapping: dict[str, str | None], today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows that pass every check (with their file row number), and one line per problem."""
    _check_mapping(table, mapping)
    raw = {f: table[mapping[f]].astype(str).str.strip() for f in FIELDS}
    rows = pd.Series(np.arange(2, len(table) + 2), index=table.index)
    problems: list[pd.DataFrame] = []

    def flag(mask: pd.Series, field: str, problem: str, values: pd.Series) -> None:
        if mask.any():
            problems.append(pd.DataFrame({"row": rows[mask], "field": field,
                                          "problem": problem, "value": values[mask]}))

    day = _days(raw["day"])
    flag(day.isna(), "day", "stats.import.bad_date", raw["day"])
    flag(day > pd.Timestamp(today), "day", "stats.import.future_date", raw["day"])
    category = raw["category"].str.lower().map(_CATEGORIES)
    flag(category.isna(), "category", "stats.import.bad_category", raw["category"])
    cid = _community_ids(session, actor, raw["community"])
    flag(cid.isna(), "community", "stats.import.unknown_community", raw["community"])
    count = pd.to_numeric(raw["count"], errors="coerce")
    bad_count = count.isna() | (count % 1 != 0)
    flag(bad_count, "count", "stats.import.bad_count", raw["count"])
    flag(~bad_count & (count < 0), "count", "stats.import.negative_count", raw["count"])
    flag(~bad_count & (count > MAX_COUNT), "count", "stats.import.count_too_big", raw["count"])
    rows_out = pd.DataFrame({"row": rows, "day": day, "category": category,
                             "community_id": cid, "count": count})
    keyed = rows_out[KEY].notna().all(axis=1)
    dup = keyed & rows_out.duplicated(subset=KEY, keep=False)
    key_text = raw["day"] + " / " + raw["category"] + " / " + raw["community"]
    flag(dup, "row", "stats.import.duplicate_row", key_text)
    errors = (pd.concat(problems, ignore_index=True) if problems else
              pd.DataFrame(columns=["row", "field", "problem", "value"]))
    errors = errors.sort_values(["row", "field"], kind="stable").reset_index(drop=True)
    valid = rows_out[~rows_out["row"].isin(errors["row"])].copy()
    valid["community_id"] = valid["community_id"].astype(int)
    valid["count"] = valid["count"].astype(int)
    return valid, errors


def _with_existing(session: Session, valid: pd.DataFrame) -> pd.DataFrame:
    """Valid rows with the id and count of the row already stored for the same key, if any."""
    if valid.empty:
        return valid.assign(id=pd.Series(dtype="Int64"), old=pd.Series(dtype="Int64"))
    stored = session.execute(
        select(IncidentCount.id, IncidentCount.day, IncidentCount.category,
               IncidentCount.community_id, IncidentCount.count)
        .where(IncidentCount.day.between(valid["day"].min().date(), valid["day"].max().date()),
               IncidentCount.community_id.in_(sorted(set(valid["community_id"].tolist()))))
    ).all()
    old = pd.DataFrame(stored, columns=["id", "day", "category", "community_id", "old"])
    old["day"] = pd.to_datetime(old["day"])  # merge on datetime64, not Python dates
    return valid.merge(old, on=KEY, how="left")


def plan_import(session: Session, *, actor: Actor, table: pd.DataFrame,
                mapping: dict[str, str | None], today: date | None = None) -> ImportPlan:
    """Check every row and compare with what is stored; writes nothing."""
    require(actor, Perm.IMPORT_DATA)
    valid, errors = _validate(session, actor, table, mapping, today or clock.local_today())
    merged = _with_existing(session, valid)
    there = merged["id"].notna()
    changed = there & (merged["old"] != merged["count"])
    return ImportPlan(len(table), len(valid), int((~there).sum()), int(there.sum()),
                      int(changed.sum()), errors)


def import_incidents(session: Session, *, actor: Actor, table: pd.DataFrame,
                     mapping: dict[str, str | None], on_existing: str = "skip",
                     take_valid: bool = False, today: date | None = None,
                     progress: Progress | None = None, source: str = "") -> ImportSummary:
    """Write the checked rows. Any problem stops the whole import unless `take_valid`.

    `on_existing` is "skip" (keep stored counts) or "update" (replace them).
    """
    require(actor, Perm.IMPORT_DATA)
    if on_existing not in ("skip", "update"):
        raise Invalid({"on_existing": "stats.import.bad_mode"})
    valid, errors = _validate(session, actor, table, mapping, today or clock.local_today())
    rejected = int(errors["row"].nunique()) if len(errors) else 0
    if rejected and not take_valid:
        raise Invalid(key="stats.import.has_errors", count=rejected)
    merged = _with_existing(session, valid)
    new = merged[merged["id"].isna()]
    changed = merged[merged["id"].notna() & (merged["old"] != merged["count"])]
    updates = changed if on_existing == "update" else changed.iloc[0:0]
    _write(session, new, updates, progress)
    summary = ImportSummary(len(table), len(new), len(updates),
                            len(merged) - len(new) - len(updates), rejected)
    audit.record(session, actor=actor, action="stats.import_incidents", entity="incident_count",
                 entity_id=source[:32], after={
                     "source": source, "mode": on_existing, "take_valid": take_valid,
                     **summary.__dict__, "changes": _changes(updates)})
    return summary


def _write(session: Session, new: pd.DataFrame, updates: pd.DataFrame,
           progress: Progress | None) -> None:
    """Core executemany in chunks (the ORM's per-row bookkeeping triples the time)."""
    table = cast(Table, IncidentCount.__table__)
    inserts = [{"day": d, "category": c, "community_id": i, "count": n}
               for d, c, i, n in zip(new["day"].dt.date.tolist(), new["category"].tolist(),
                                     new["community_id"].astype(int).tolist(),
                                     new["count"].astype(int).tolist(), strict=True)]
    changes = [{"b_id": i, "b_count": n} for i, n in zip(
        updates["id"].astype(int).tolist(), updates["count"].astype(int).tolist(), strict=True)]
    statements = ((inserts, insert(table)), (changes, update(table).where(
        table.c.id == bindparam("b_id")).values(count=bindparam("b_count"))))
    conn, total, done = session.connection(), len(inserts) + len(changes), 0
    for batch, stmt in statements:
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start:start + CHUNK]
            conn.execute(stmt, chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    if progress and total == 0:
        progress(0, 0)


def _changes(updates: pd.DataFrame) -> str:
    """Every replaced count as CSV lines 'day,category,community id,before,after' (audit)."""
    return "\n".join(f"{d:%Y-%m-%d},{c},{int(i)},{int(o)},{int(n)}" for d, c, i, o, n in zip(
        updates["day"].tolist(), updates["category"].tolist(), updates["community_id"].tolist(),
        updates["old"].tolist(), updates["count"].tolist(), strict=True))
