"""Comparing checked rows with what is stored, and writing them (Core executemany in chunks:
the ORM's per-row bookkeeping triples the time of a 100,000-row import)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Set
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from db.models import ImportedIncident, IncidentCount
from services.core import clock
from services.stats.importcheck import Progress

CHUNK = 5000
Key = tuple[date, str, int]
Good = list[tuple[int, date, str, int, Any]]  # row, day, category, community id, count|number


@dataclass(frozen=True)
class Diff:
    new: int
    same: int
    changed: int
    totals: pd.DataFrame  # day, category, community_id, count: what the import adds


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int
    skipped: int
    changes: str  # for the audit: every replaced count or moved incident


def _stored_counts(session: Session, keys: set[Key]) -> dict[Key, tuple[int, int]]:
    if not keys:
        return {}
    days = [k[0] for k in keys]
    rows = session.execute(
        select(IncidentCount.id, IncidentCount.day, IncidentCount.category,
               IncidentCount.community_id, IncidentCount.count)
        .where(IncidentCount.day.between(min(days), max(days)),
               IncidentCount.community_id.in_(sorted({k[2] for k in keys}))))
    return {(d, c, i): (rid, n) for rid, d, c, i, n in rows if (d, c, i) in keys}


def _stored_numbers(session: Session, source: str, numbers: list[str]
                    ) -> dict[str, tuple[int, Key]]:
    out: dict[str, tuple[int, Key]] = {}
    for start in range(0, len(numbers), CHUNK):
        for rid, number, d, c, i in session.execute(
                select(ImportedIncident.id, ImportedIncident.number, ImportedIncident.day,
                       ImportedIncident.category, ImportedIncident.community_id)
                .where(ImportedIncident.source == source,
                       ImportedIncident.number.in_(numbers[start:start + CHUNK]))):
            out[number] = (rid, (d, c, i))
    return out


def _totals(counts: dict[Key, int]) -> pd.DataFrame:
    return pd.DataFrame([(d, c, i, n) for (d, c, i), n in sorted(counts.items())],
                        columns=["day", "category", "community_id", "count"])


def compare(session: Session, mode: str, source: str, good: Good, allowed: Set[int]) -> Diff:
    """New, unchanged and changed rows. `allowed`: the communities the importer may change;
    an incident number stored for another community stays as it is (never moved)."""
    if mode == "daily":
        stored = _stored_counts(session, {(g[1], g[2], g[3]) for g in good})
        there = [(g, stored[(g[1], g[2], g[3])]) for g in good if (g[1], g[2], g[3]) in stored]
        changed = sum(old[1] != g[4] for g, old in there)
        return Diff(len(good) - len(there), len(there) - changed, changed,
                    _totals({(g[1], g[2], g[3]): g[4] for g in good}))
    known = _stored_numbers(session, source, [g[4] for g in good])
    fresh = [g for g in good if g[4] not in known]
    changed = sum(1 for g in good if g[4] in known and known[g[4]][1] != (g[1], g[2], g[3])
                  and known[g[4]][1][2] in allowed)
    return Diff(len(fresh), len(good) - len(fresh) - changed, changed,
                _totals(Counter((g[1], g[2], g[3]) for g in fresh)))


def write(session: Session, mode: str, source: str, good: Good, on_existing: str,
          progress: Progress | None, allowed: Set[int]) -> Written:
    if mode == "daily":
        return _write_daily(session, good, on_existing, progress)
    return _write_incidents(session, source, good, on_existing, progress, allowed)


def _write_daily(session: Session, good: Good, on_existing: str,
                 progress: Progress | None) -> Written:
    stored = _stored_counts(session, {(g[1], g[2], g[3]) for g in good})
    inserts = [{"day": g[1], "category": g[2], "community_id": g[3], "count": g[4]}
               for g in good if (g[1], g[2], g[3]) not in stored]
    changed = [(g, stored[(g[1], g[2], g[3])]) for g in good
               if (g[1], g[2], g[3]) in stored and stored[(g[1], g[2], g[3])][1] != g[4]]
    if on_existing != "update":
        changed = []
    updates = [{"b_id": old[0], "b_count": g[4]} for g, old in changed]
    _run(session, inserts, updates, [], progress)
    lines = "\n".join(f"{g[1]:%Y-%m-%d},{g[2]},{g[3]},{old[1]},{g[4]}" for g, old in changed)
    return Written(len(inserts), len(updates), len(good) - len(inserts) - len(updates), lines)


def _write_incidents(session: Session, source: str, good: Good, on_existing: str,
                     progress: Progress | None, allowed: Set[int]) -> Written:
    known = _stored_numbers(session, source, [g[4] for g in good])
    deltas: Counter[Key] = Counter()
    new_rows: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    lines: list[str] = []
    now = clock.now()
    for _, day, cat, cid, number in good:
        key = (day, cat, cid)
        if number not in known:
            deltas[key] += 1
            new_rows.append({"source": source, "number": number, "day": day, "category": cat,
                             "community_id": cid, "imported_at": now})
        elif known[number][1] != key and on_existing == "update" and \
                known[number][1][2] in allowed:  # another station's incident stays theirs
            deltas[known[number][1]] -= 1
            deltas[key] += 1
            moved.append({"b_id": known[number][0], "b_day": day, "b_category": cat,
                          "b_community": cid})
            old = known[number][1]
            lines.append(f"{number},{old[0]:%Y-%m-%d},{old[1]},{old[2]},"
                         f"{day:%Y-%m-%d},{cat},{cid}")
    stored = _stored_counts(session, {k for k, d in deltas.items() if d})
    inserts = [{"day": k[0], "category": k[1], "community_id": k[2], "count": d}
               for k, d in deltas.items() if d > 0 and k not in stored]
    updates = [{"b_id": stored[k][0], "b_count": max(stored[k][1] + d, 0)}
               for k, d in deltas.items() if d and k in stored]
    _run(session, inserts, updates, new_rows, progress, moved)
    return Written(len(new_rows), len(moved), len(good) - len(new_rows) - len(moved),
                   "\n".join(lines[:2000]))


def _run(session: Session, inserts: list[dict[str, Any]], updates: list[dict[str, Any]],
         incidents: list[dict[str, Any]], progress: Progress | None,
         moved: list[dict[str, Any]] | None = None) -> None:
    counts = cast(Table, IncidentCount.__table__)
    numbers = cast(Table, ImportedIncident.__table__)
    statements = (
        (inserts, insert(counts)),
        (updates, update(counts).where(counts.c.id == bindparam("b_id"))
         .values(count=bindparam("b_count"))),
        (incidents, insert(numbers)),
        (moved or [], update(numbers).where(numbers.c.id == bindparam("b_id")).values(
            day=bindparam("b_day"), category=bindparam("b_category"),
            community_id=bindparam("b_community"))),
    )
    conn = session.connection()
    total = sum(len(batch) for batch, _ in statements)
    done = 0
    if progress:
        progress("write", 0, total)
    for batch, stmt in statements:
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start:start + CHUNK]
            conn.execute(stmt, chunk)
            done += len(chunk)
            if progress:
                progress("write", done, total)
