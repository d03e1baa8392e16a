"""Rewrite db/migrations/versions/0001_initial_schema.py from the models.

Until the first release nothing is deployed, so the initial migration is regenerated from
the models instead of stacking migrations; hand-written ones (0002+) are left alone. After
the first release, use `uv run alembic revision --autogenerate` like everyone else.
"""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

import db.models  # noqa: F401
from db.base import Base

TARGET = Path(__file__).resolve().parent.parent / "db/migrations/versions/0001_initial_schema.py"
HEADER = '''"""initial schema (generated from the models by tools/regen_initial_migration.py)

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


'''


def _late_foreign_keys() -> str:
    """Foreign keys in a cycle (use_alter): SQLite keeps them inline, others add them last."""
    lines = []
    for table in Base.metadata.sorted_tables:
        for fk in sorted(table.foreign_key_constraints, key=lambda c: str(c.name)):
            if not fk.use_alter:
                continue
            cols = [c.name for c in fk.columns]
            ref = fk.elements[0].column.table.name
            refcols = [e.column.name for e in fk.elements]
            lines.append(f"        op.create_foreign_key({str(fk.name)!r}, {table.name!r}, "
                         f"{ref!r}, {cols!r}, {refcols!r})")
    if not lines:
        return ""
    return ("\n    if op.get_bind().dialect.name != 'sqlite':\n"
            "        # A cycle of references: created inline on SQLite, added here elsewhere.\n"
            + "\n".join(lines) + "\n")


def main() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"render_as_batch": True})
        script = produce_migrations(ctx, Base.metadata)
    opts = {"render_as_batch": True, "alembic_module_prefix": "op.",
            "sqlalchemy_module_prefix": "sa.", "user_module_prefix": None}
    up = render_python_code(script.upgrade_ops, **opts) + _late_foreign_keys()
    down = render_python_code(script.downgrade_ops, **opts)
    body = HEADER + "def upgrade() -> None:\n" + up + "\n\ndef downgrade() -> None:\n" + down + "\n"
    TARGET.write_text(body)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
