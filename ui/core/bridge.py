"""The bridge between Streamlit and the database: settings, one engine per URL, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.engine import check_connection, make_engine, session_scope
from db.migrate import is_current, upgrade
from db.settings import ConfigError, Settings, load_settings
from ui.core.i18n import t
from ui.core.markdown import md


@st.cache_resource(show_spinner=False)
def _settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    """The engine for this URL, shared by every session; the schema is upgraded once here."""
    engine = make_engine(url)
    check_connection(engine)
    if not is_current(engine):  # 12 ms to ask; running Alembic at head took 0.3 s each start
        upgrade(engine)
    return engine


def settings() -> Settings:
    return _settings()


def engine() -> Engine:
    return _engine(settings().database_url)


def boot() -> None:
    """Load settings and the engine, or stop the page with a message naming what is wrong."""
    try:
        settings().secret_key()
        engine()
    except ConfigError as exc:
        _settings.clear()
        st.error(t("app.config_error", setting=md(exc.setting), problem=md(exc.problem)))
        st.stop()
    except SQLAlchemyError:
        st.error(t("app.db_error"))
        st.stop()


@contextmanager
def db_session(*, write: bool = False) -> Iterator[Session]:
    """One short transaction for one user action (BEGIN IMMEDIATE on SQLite when writing)."""
    with session_scope(engine(), write=write) as session:
        yield session
