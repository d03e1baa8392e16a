"""Hardened defaults: server config, no SQL parameters or personal data in errors and logs."""

from __future__ import annotations

import ast
import logging
import os
import sqlite3
import stat
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from db.engine import session_scope, write_connection
from db.models import User
from db.settings import ConfigError, load_settings
from services.accounts import auth, users
from services.core.errors import AuthFailed, Invalid, PermissionDenied
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
PHONE = "13912345678"
ID_NUMBER = "110101199003071234"


def _largest_file_mb() -> int:
    """The largest file any upload field of Pingan reads: the server takes nothing larger."""
    from services.leads.photos import MAX_BYTES as PHOTO
    from services.roster.importfile import MAX_BYTES as ROSTER
    from services.stats.importfile import MAX_BYTES as INCIDENTS

    return max(PHOTO, ROSTER, INCIDENTS) // (1024 * 1024)


LARGEST_FILE_MB = _largest_file_mb()


def test_streamlit_config_is_hardened() -> None:
    cfg = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["browser"]["gatherUsageStats"] is False
    server = cfg["server"]
    assert server["address"] == "localhost" and server["enableXsrfProtection"] is True
    assert server["maxUploadSize"] == LARGEST_FILE_MB and server["enableStaticServing"] is False
    assert server["runOnSave"] is False and cfg["global"]["developmentMode"] is False


def test_sql_errors_never_carry_the_values(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        f.user(s, "officer", username=PHONE)
    with pytest.raises(IntegrityError) as exc, session_scope(engine, write=True) as s:
        s.add(User(username=PHONE, display_name=ID_NUMBER, role="officer", scope_kind="district",
                   password_hash=f.PASSWORD[:1]))
        s.flush()
    assert PHONE not in str(exc.value) and ID_NUMBER not in str(exc.value)


def test_service_errors_carry_keys_not_values(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as exc:
        users.create_user(session, actor=users.SYSTEM, username=ID_NUMBER + "!",
                          display_name="<b>" + PHONE, role="officer", password=PHONE)
    message = f"{exc.value} {exc.value.fields} {exc.value.params}"
    assert PHONE not in message and ID_NUMBER not in message
    assert exc.value.fields["display_name"] == "users.bad_display_name"


def test_nothing_personal_reaches_the_logs(engine: Engine, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    with session_scope(engine, write=True) as s:
        c = f.community(s)
        officer = f.actor(s, f.user(s, "officer", communities=[c], username="li"))
        try:
            auth.sign_in(s, username=PHONE, password=ID_NUMBER)
        except AuthFailed:
            pass
    with pytest.raises(PermissionDenied), session_scope(engine, write=True) as s:
        users.reset_password(s, actor=officer, username=PHONE)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ID_NUMBER not in logged and PHONE not in logged


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def test_no_page_or_helper_renders_raw_html() -> None:
    """unsafe_allow_html=True nowhere in our code; st.html only in modules that escape."""
    offenders = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
                 *sorted((ROOT / "ui").rglob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        for call in _calls(ast.parse(source)):
            for kw in call.keywords:
                if kw.arg == "unsafe_allow_html" and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    offenders.append(f"{path.name}:{call.lineno}")
            func = call.func
            literal = all(isinstance(a, ast.Constant) for a in call.args)
            if isinstance(func, ast.Attribute) and func.attr == "html" and not literal \
                    and "from html import escape" not in source \
                    and path != ROOT / "ui" / "core" / "stylesheet.py":
                offenders.append(f"{path.name}:{call.lineno}")
            if isinstance(func, ast.Attribute) and func.attr == "apply" \
                    and isinstance(func.value, ast.Name) and func.value.id == "stylesheet":
                # style sheets are named by a literal, one of the files in ui/core/css
                assert len(call.args) == 1 and isinstance(call.args[0], ast.Constant), \
                    f"{path.name}:{call.lineno}"
                assert (ROOT / "ui" / "core" / "css" / f"{call.args[0].value}.css").is_file()
    assert offenders == []


def test_a_style_sheet_is_only_one_of_our_files() -> None:
    from ui.core import stylesheet
    with pytest.raises(ValueError):
        stylesheet.apply("../../etc/passwd")
    with pytest.raises(ValueError):
        stylesheet.apply("nonexistent")


@pytest.mark.parametrize("key", ["k3y", "change-me", "a" * 40, "abab" * 10])
def test_weak_secret_keys_are_refused(key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings({"PINGAN_SECRET_KEY": key}).secret_key()
    assert exc.value.setting == "PINGAN_SECRET_KEY" and key not in str(exc.value)


def test_outside_demo_mode_a_key_is_required_and_the_demo_key_is_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError):
        load_settings({"PINGAN_DATA_DIR": str(tmp_path)}).secret_key()
    key = load_settings({"PINGAN_DATA_DIR": str(tmp_path), "PINGAN_DEMO": "1"}).secret_key()
    assert len(key) >= 32
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    assert load_settings({"PINGAN_COOKIE_SECURE": "1"}).cookie_secure


def test_sqlite_connections_are_tuned_and_safe(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert conn.scalar(text("PRAGMA busy_timeout")) >= 10_000
    assert engine.hide_parameters


def test_a_writing_scope_holds_the_write_lock_from_its_start_and_a_reading_one_never(
        sqlite_engine: Engine) -> None:
    """BEGIN IMMEDIATE when a writing transaction begins, before any statement (two writers
    queue on the busy timeout instead of failing on upgrade), plain BEGIN otherwise; and no
    "begin" event on the engine (a connection event sends every statement through the event
    dispatch; other tests' listeners on the Engine class are theirs, so only this one)."""
    assert not sqlite_engine.dispatch.begin
    path = sqlite_engine.url.database
    assert path
    other = sqlite3.connect(path, timeout=0, isolation_level=None)

    def other_can_write() -> bool:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        other.execute("ROLLBACK")
        return True

    with session_scope(sqlite_engine, write=True):
        assert not other_can_write()
    with write_connection(sqlite_engine):
        assert not other_can_write()
    with session_scope(sqlite_engine) as s:
        s.execute(text("SELECT 1"))
        assert other_can_write()
    assert other_can_write()  # and each ended: the lock is gone
    other.close()
