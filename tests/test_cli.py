"""The `pingan` command through click's runner: upgrade, users, backup, check, bad settings."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import main


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("PINGAN_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PINGAN_DEMO", "1")
    monkeypatch.delenv("PINGAN_SECRET_KEY", raising=False)
    return db


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def test_every_command_has_help() -> None:
    for cmd in (["db", "upgrade"], ["demo", "load"], ["user", "add"], ["user", "passwd"],
                ["user", "disable"], ["user", "list"], ["backup"], ["check"]):
        result = run(*cmd, "--help")
        assert result.exit_code == 0 and "Usage" in result.output, cmd


def test_db_upgrade_says_what_it_did(cli_env: Path) -> None:
    from db.engine import make_engine
    from db.migrate import current_revision, head_revision, upgrade

    engine = make_engine(f"sqlite:///{cli_env}")
    head = head_revision(engine)
    created = run("db", "upgrade")
    assert created.exit_code == 0, created.output
    migrations = len(list((Path(__file__).parent.parent / "db/migrations/versions").glob("0*.py")))
    assert f"database created in sqlite:///{cli_env}: {migrations} migrations applied, " \
           f"schema {head}" in created.output
    assert current_revision(engine) == head  # and it was
    again = run("db", "upgrade")
    assert f"database already at the newest schema {head}: nothing to do" in again.output
    engine.dispose()

    older = cli_env.with_name("older.db")  # a database two migrations behind
    engine = make_engine(f"sqlite:///{older}")
    upgrade(engine, "0008")
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PINGAN_DATABASE_URL", f"sqlite:///{older}")
        moved = run("db", "upgrade")
    assert f"database upgraded from schema 0008 to {head}: " in moved.output, moved.output
    assert f"{int(head or 0) - 8} migrations applied" in moved.output


def test_first_admin_then_list_disable_and_reset(cli_env: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    added = run("user", "add", "chief", "--name", "Chief", "--role", "admin",
                "--password", "a long enough secret")
    assert added.exit_code == 0, added.output
    again = run("user", "add", "chief", "--name", "Chief", "--role", "admin",
                "--password", "a long enough secret")
    assert again.exit_code != 0 and "users.exists" in again.output
    weak = run("user", "add", "weak", "--name", "W", "--role", "officer",
               "--password", "password123")
    assert weak.exit_code != 0 and "password.common" in weak.output
    listed = run("user", "list").output.splitlines()
    assert listed[0].split() == ["USERNAME", "ROLE", "SCOPE", "STATE"]
    assert listed[1].split() == ["chief", "admin", "district", "active"]
    assert listed[-1] == "1 account"
    assert run("user", "passwd", "chief", "--password", "another long secret").exit_code == 0
    assert run("user", "disable", "chief").exit_code == 0
    assert "disabled" in run("user", "list").output
    assert run("user", "disable", "nobody").exit_code != 0


def test_bad_scope_is_refused(cli_env: Path) -> None:
    result = run("user", "add", "x1", "--name", "X", "--role", "officer",
                 "--scope", "communities:999", "--password", "a long enough secret")
    assert result.exit_code != 0 and "users.bad_scope" in result.output
    result = run("user", "add", "x2", "--name", "X", "--role", "officer",
                 "--scope", "galaxy", "--password", "a long enough secret")
    assert result.exit_code != 0 and "--scope" in result.output


def test_backup_is_a_complete_copy(cli_env: Path, tmp_path: Path) -> None:
    run("db", "upgrade")
    run("user", "add", "chief", "--name", "Chief", "--role", "admin",
        "--password", "a long enough secret")
    target = tmp_path / "copy" / "backup.db"
    result = run("backup", str(target))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("select username from app_user").fetchall() == [("chief",)]
    assert run("backup", str(target)).exit_code != 0  # never overwrites


def test_check_reports_health(cli_env: Path) -> None:
    run("db", "upgrade")
    result = run("check")
    assert result.exit_code == 0 and "schema: up to date" in result.output


@pytest.mark.parametrize(
    ("env", "setting"),
    [({"PINGAN_DATABASE_URL": "not a url"}, "PINGAN_DATABASE_URL"),
     ({"PINGAN_DATABASE_URL": "mysql://x@y/z"}, "PINGAN_DATABASE_URL"),
     ({"PINGAN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
      "PINGAN_DATABASE_URL"),
     ({"PINGAN_IDLE_MINUTES": "soon"}, "PINGAN_IDLE_MINUTES")],
)
def test_bad_settings_name_the_setting_and_write_nothing(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], setting: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = run("db", "upgrade")
    assert result.exit_code != 0
    assert setting in result.output
    assert "Traceback" not in result.output
    assert not cli_env.exists()


def test_outside_demo_mode_a_missing_or_weak_key_is_refused(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("db", "upgrade")
    monkeypatch.setenv("PINGAN_DEMO", "0")
    assert "PINGAN_SECRET_KEY" in run("check").output
    monkeypatch.setenv("PINGAN_SECRET_KEY", "change-me")
    assert "PINGAN_SECRET_KEY" in run("check").output
    monkeypatch.setenv("PINGAN_SECRET_KEY", "k" * 40)
    assert "PINGAN_SECRET_KEY" in run("check").output  # repetitive
    monkeypatch.setenv("PINGAN_SECRET_KEY", secrets.token_urlsafe(40))
    assert run("check").exit_code == 0


def test_demo_mode_generates_a_private_key_once(cli_env: Path, tmp_path: Path) -> None:
    run("db", "upgrade")
    assert run("check").exit_code == 0
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 32 and (key_file.stat().st_mode & 0o777) == 0o600
    run("check")
    assert key_file.read_text() == first


def test_demo_load_simulates_days_and_a_loaded_demo_catches_up(cli_env: Path) -> None:
    from datetime import timedelta

    from db.engine import make_engine, session_scope
    from services.core import clock
    from services.demo import live

    assert run("db", "upgrade").exit_code == 0
    loaded = run("demo", "load", "--scale", "2000", "--simulate-days", "2")
    assert loaded.exit_code == 0, loaded.output
    assert "demo simulated 3 batch(es)" in loaded.output  # the two days, then today so far
    engine = make_engine(f"sqlite:///{cli_env}")
    with session_scope(engine) as s:
        at = live.simulated_to(s)
        assert at is not None and clock.now() - at < timedelta(minutes=5)
        with session_scope(engine, write=True) as w:  # as if the server had been off an hour
            live.start_state(w, at=int((at - timedelta(hours=1)).timestamp()), seed=1,
                             per_day=5.0)
    again = run("demo", "load", "--if-empty")
    assert again.exit_code == 0 and "data present" in again.output
    assert "demo simulated 1 batch(es)" in again.output
    with session_scope(engine) as s:
        at = live.simulated_to(s)
        assert at is not None and clock.now() - at < timedelta(minutes=5)
    engine.dispose()
