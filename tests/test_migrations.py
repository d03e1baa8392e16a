"""`alembic upgrade head` gives exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import db.models  # noqa: F401
from db.base import Base
from db.migrate import is_current, upgrade
from tests.conftest import BACKENDS, PG_URL, _drop_pg, _pg_engine


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):  # type: ignore[no-untyped-def]
    from db.engine import make_engine

    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield eng
        eng.dispose()
        return
    eng, schema = _pg_engine(PG_URL)  # type: ignore[arg-type]
    yield eng
    eng.dispose()
    _drop_pg(PG_URL, schema)  # type: ignore[arg-type]


def test_upgrade_head_matches_the_models(empty_engine) -> None:  # type: ignore[no-untyped-def]
    upgrade(empty_engine)
    assert is_current(empty_engine)
    with empty_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_upgrade_is_idempotent(empty_engine) -> None:  # type: ignore[no-untyped-def]
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert is_current(empty_engine)
