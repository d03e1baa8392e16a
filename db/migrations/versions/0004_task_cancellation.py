"""Shared tasks can be cancelled: when, by whom, why (typed, or because the lead closed)

Revision ID: 0004
Revises: 0003

Hand-written. cancel_reason is NOT NULL like the other texts of a task: existing rows get ''
through a temporary server default, dropped again so the schema matches the models. On
SQLite each batch copies the task table (a few rows per lead: quick).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", db.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("cancelled_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancel_cause", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=False,
                                      server_default=sa.text("''")))
        batch_op.create_foreign_key(batch_op.f("fk_task_cancelled_by_app_user"), "app_user",
                                    ["cancelled_by"], ["id"])
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.alter_column("cancel_reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_task_cancelled_by_app_user"), type_="foreignkey")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancel_cause")
        batch_op.drop_column("cancelled_by")
        batch_op.drop_column("cancelled_at")
