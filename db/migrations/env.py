"""Alembic environment: runs against the engine the caller hands over (or PINGAN_DATABASE_URL)."""

from __future__ import annotations

from alembic import context

import db.models  # noqa: F401 - registers every table on the metadata
from db.base import Base
from db.engine import make_engine
from db.settings import load_settings

config = context.config
engine = config.attributes.get("engine") or make_engine(load_settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
