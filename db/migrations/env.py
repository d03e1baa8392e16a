"""Alembic environment: runs against the engine the caller hands over (or PINGAN_DATABASE_URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

import db.models  # noqa: F401 - registers every table on the metadata
from db.base import Base
from db.engine import make_engine
from db.settings import load_settings

config = context.config
engine = config.attributes.get("engine") or make_engine(load_settings().database_url)

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration copies a table and drops the old one: with foreign keys on, SQLite
        # refuses to drop a table others refer to (member). Off outside the transaction (the
        # pragma is ignored inside one), checked after, and on again for the pooled connection.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several app servers may start at once: one upgrades, the others wait for it.
            connection.execute(text("SELECT pg_advisory_xact_lock(7411000)"))
        context.run_migrations()
        if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
            raise RuntimeError("a migration left rows whose foreign keys point nowhere")
    connection.commit()
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
