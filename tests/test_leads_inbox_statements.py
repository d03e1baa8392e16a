"""The statements one rerun of the inbox page sends, per role, counted (never timed) on both
databases; a change that adds one fails here until it updates the count in the same commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, text

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from services import leads
from tests import factories as f
from tests.apptest_util import ROOT, new_app, sign_in
from tests.conftest import BACKENDS, PG_URL
from tests.leads_world import World, build
from tests.sqlcount import counting

PAGE = str(ROOT / "pages" / "leads.py")


@pytest.fixture(params=BACKENDS)
def app_db(request: pytest.FixtureRequest, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated database the app runs on: a SQLite file, or a PostgreSQL schema of its own."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
    else:
        assert PG_URL
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with make_engine(PG_URL).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("PINGAN_DATABASE_URL", url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PINGAN_DEMO", "1")
    monkeypatch.delenv("PINGAN_SECRET_KEY", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield engine
    st.cache_resource.clear()
    st.cache_data.clear()
    engine.dispose()
    if schema is not None:
        with make_engine(PG_URL or "").begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _world(engine: Engine) -> World:
    with session_scope(engine, write=True) as s:
        w = build(s)
        for i in range(3):
            leads.report_lead(s, actor=w.grid1, category="fire", urgency="urgent",
                              description=f"线索 {i}")
    return w


# The commander's whole district and an officer's own leads. What a rerun reads: the sign-in
# session and its account (the page's guard, then the live table's own check), the filters'
# choices (commander), the page's count and rows and their last notes, the urgent-lead
# watch's mark and news, the badge of urgent leads nobody accepted (supervisors).
@pytest.mark.parametrize(("who", "expected"), [("district_sup", 11), ("officer1", 12)])
def test_one_inbox_rerun(app_db: Engine, who: str, expected: int) -> None:
    w = _world(app_db)
    at = sign_in(new_app(), getattr(w, who).username, f.PASSWORD)
    at.switch_page(PAGE).run()
    at.run()  # the first reruns set the page's state up; the one counted is a plain rerun
    with counting() as sent:
        at.run()
    assert not at.exception, at.exception
    assert len(sent) == expected, str(sent)
