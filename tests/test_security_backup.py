"""`pingan backup` while users write gives a consistent copy; `pingan restore` brings it back."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import AuditLog, AuthSession, User
from services.accounts import auth, users
from services.cli import main
from services.core import audit
from tests import factories as f

SECRET = "a long enough secret"  # noqa: S105 - a test account


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    db = tmp_path / "live.db"
    monkeypatch.setenv("PINGAN_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PINGAN_DEMO", "1")
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _add(engine, name: str) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine, write=True) as s:
        users.create_user(s, actor=users.SYSTEM, username=name, display_name=name,
                          role="officer", password=SECRET)


def _counts(path: Path) -> tuple[int, int, int]:
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as s:
        result = (s.scalar(select(func.count()).select_from(User)) or 0,
                  s.scalar(select(func.count()).select_from(AuditLog).where(
                      AuditLog.action == "user.create")) or 0,
                  audit.verify_chain(s).first_broken_id or 0)
    engine.dispose()
    return result


def test_backup_while_users_write_is_complete_and_consistent(live, tmp_path: Path,
                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("services.accounts.auth.BCRYPT_ROUNDS", 4)  # many users, quickly
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            _add(live, f"w{n:05d}")
            n += 1
            written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 30:
            stop.wait(0.01)
        copies = []
        for i in range(3):
            target = tmp_path / f"backup-{i}.db"
            result = CliRunner().invoke(main, ["backup", str(target)])
            assert result.exit_code == 0, result.output
            copies.append(target)
    finally:
        stop.set()
        thread.join()
    for copy in copies:
        ok = sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone()[0]
        people, created, broken = _counts(copy)
        assert ok == "ok" and broken == 0
        assert people == created >= 30  # every user with its audit entry: whole transactions
    assert CliRunner().invoke(main, ["backup", str(copies[0])]).exit_code != 0  # never overwrite


def test_restore_asks_first_then_brings_the_backup_back(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _add(live, "before")
    backup = tmp_path / "b.db"
    assert CliRunner().invoke(main, ["backup", str(backup)]).exit_code == 0
    _add(live, "after")
    with session_scope(live, write=True) as s:
        token = auth.sign_in(s, username="before", password=SECRET).token

    declined = CliRunner().invoke(main, ["restore", str(backup)], input="n\n")
    assert declined.exit_code != 0 and "Aborted" in declined.output
    assert _counts(tmp_path / "live.db")[0] == 2

    done = CliRunner().invoke(main, ["restore", str(backup)], input="y\n")
    assert done.exit_code == 0, done.output
    assert "audit chain intact" in done.output
    with session_scope(live) as s:
        assert set(s.scalars(select(User.username))) == {"before"}
        assert s.scalars(select(AuditLog.action).order_by(AuditLog.id.desc())).first() == \
            "system.restore"
        assert s.scalar(select(func.count()).select_from(AuthSession).where(
            AuthSession.ended_at.is_(None))) == 0
        assert auth.resume(s, token=token, idle_minutes=30) is None
    kept = list(tmp_path.glob("pre-restore-*.db"))
    assert len(kept) == 1 and _counts(kept[0])[0] == 2  # what was there before is kept


def test_restore_refuses_what_is_not_a_pingan_backup(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    for path in (junk, other):
        result = CliRunner().invoke(main, ["restore", "--yes", str(path)])
        assert result.exit_code != 0
        assert "not hold a Pingan database" in result.output or "not a SQLite" in result.output


def test_restore_on_postgres_points_to_pg_restore(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PINGAN_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/none")
    result = CliRunner().invoke(main, ["restore", "--yes", __file__])
    assert result.exit_code != 0 and "pg_restore" in result.output


def test_factories_still_sign_in_after_restore_of_an_empty_backup(live, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backup = tmp_path / "empty.db"
    assert CliRunner().invoke(main, ["backup", str(backup)]).exit_code == 0
    with session_scope(live, write=True) as s:
        f.user(s, "admin", username="late")
    assert CliRunner().invoke(main, ["restore", "--yes", str(backup)]).exit_code == 0
    with session_scope(live) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0
