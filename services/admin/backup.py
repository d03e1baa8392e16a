"""Backup and restore of the SQLite database through SQLite's online backup API.

The backup API copies every page inside one read transaction, so a backup taken while
users write is a consistent snapshot: it holds each transaction entirely or not at all.
PostgreSQL has pg_dump and pg_restore for the same (docs/SECURITY.md).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from db.engine import BUSY_TIMEOUT_MS


class BackupError(Exception):
    """The file is not a usable Pingan backup; the message says why (no personal data)."""


@dataclass(frozen=True)
class BackupInfo:
    revision: str
    tables: int
    users: int
    audit_entries: int


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)


def backup_sqlite(db_path: Path, target: Path) -> None:
    """Copy the live database at `db_path` to a new file `target`, consistently."""
    if target.exists():
        raise BackupError(f"{target} exists: choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(_connect(db_path)) as src, closing(sqlite3.connect(str(target))) as dst:
        src.backup(dst)  # all pages in one step: one snapshot
        dst.commit()


def check_backup(path: Path) -> BackupInfo:
    """Refuse a file that is not an intact SQLite database holding a Pingan schema."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()
            if not ok or ok[0] != "ok":
                raise BackupError("the file fails SQLite's integrity check")
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {r[0] for r in rows}
            if not {"alembic_version", "app_user", "audit_log"} <= tables:
                raise BackupError("the file does not hold a Pingan database")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            users = conn.execute("SELECT count(*) FROM app_user").fetchone()[0]
            audit = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError("the file is not a SQLite database") from exc
    return BackupInfo(revision[0] if revision else "", len(tables), users, audit)


def restore_sqlite(db_path: Path, source: Path, keep: Path) -> None:
    """Replace the database at `db_path` with `source`; the current one is copied to `keep`.

    Runs while the app is up: the copy waits for writers (busy timeout) and then swaps every
    page in one transaction, so readers see either the old or the restored database.
    """
    check_backup(source)
    if db_path.exists():
        backup_sqlite(db_path, keep)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
            closing(_connect(db_path)) as dst:
        src.backup(dst)
        dst.commit()
