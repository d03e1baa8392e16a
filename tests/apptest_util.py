"""Helpers for AppTest: an app wired to a fresh database, and signing in through the form."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db.engine import make_engine, session_scope
from db.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@dataclass
class AppEnv:
    engine: Engine
    url: str

    def session(self):  # type: ignore[no-untyped-def]
        return session_scope(self.engine, write=True)


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppEnv]:
    """A migrated SQLite database and the environment the app reads its settings from."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("PINGAN_DATABASE_URL", url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PINGAN_DEMO", "1")
    monkeypatch.delenv("PINGAN_SECRET_KEY", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppEnv(engine, url)
    st.cache_resource.clear()
    st.cache_data.clear()
    engine.dispose()


def new_app(script: str = APP) -> AppTest:
    return AppTest.from_file(script, default_timeout=120)  # a busy CI machine is slow


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Fill the sign-in form by widget key and submit; returns the rerun app."""
    at.run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page shows as text, for 'is it on the page' checks."""
    parts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.header, *at.subheader,
                               *at.info, *at.error, *at.warning, *at.success, *at.text)]
    parts += [str(m.value) for m in at.metric] + [m.label for m in at.metric]
    return "\n".join(str(p) for p in parts)
