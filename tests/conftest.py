"""Fixtures: a fresh database per test (SQLite file, or a PostgreSQL schema when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import db.models  # noqa: F401
from db.base import Base
from db.engine import make_engine, session_scope

# The browser fixtures (demo_dir, server, browser) for every test module.
pytest_plugins = ["tests.browser_util"]

PG_URL = os.environ.get("PINGAN_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _pg_engine(url: str) -> tuple[Engine, str]:
    """An engine whose connections live in a schema of their own, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    return engine, schema


def _drop_pg(url: str, schema: str) -> None:
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """An empty schema created from the models, on SQLite and (in CI) on PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        Base.metadata.create_all(eng)
        yield eng
        eng.dispose()
        return
    assert PG_URL
    eng, schema = _pg_engine(PG_URL)
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()
    _drop_pg(PG_URL, schema)


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """For tests about SQLite itself (pragmas): runs on every machine."""
    eng = make_engine(f"sqlite:///{tmp_path / 'sqlite-only.db'}")
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """For tests about PostgreSQL itself (roles, privileges): needs PINGAN_TEST_DATABASE_URL."""
    if not PG_URL:
        pytest.skip("PostgreSQL only: PINGAN_TEST_DATABASE_URL not set")
    eng, schema = _pg_engine(PG_URL)
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()
    _drop_pg(PG_URL, schema)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for arranging data and calling services; commits at the end of the test."""
    with session_scope(engine, write=True) as s:
        yield s


def work_unit(nodeid: str) -> str:
    """What one xdist worker runs whole: every browser test (they share one demo server and
    one Chromium, and two of each would load a busy two-core machine twice), and each other
    module (its module-scoped fixtures, a loaded demo, are built once)."""
    module = nodeid.split("::")[0]
    return "browser" if module.rsplit("/", 1)[-1].startswith("test_browser_") else module


def scheduler_class() -> Any:
    """xdist's scope scheduling, by work_unit. Not by xdist_group marks: pytest-xdist 3.8
    groups them by renaming the item's `_nodeid`, which pytest 9.2 no longer reads, so the
    browser tests were spread over both workers."""
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return ByWorkUnit


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`pytest -n 2 --dist loadgroup`, what `make test` runs."""
    return scheduler_class()(config, log)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the shared demo server and Chromium of the browser tests."""
    from tests import browser_util

    browser_util.shutdown()
