"""Social units take shared tasks: task.social_unit_id

Revision ID: 0010
Revises: 0009

Hand-written. A task given to a social unit (a bank branch, a property company, a school)
names it; the officer records the unit's report-back. On SQLite the batch copies the task
table (a few rows per lead: quick).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("social_unit_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_task_social_unit_id"), ["social_unit_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_task_social_unit_id_social_unit"),
                                    "social_unit", ["social_unit_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_task_social_unit_id_social_unit"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_task_social_unit_id"))
        batch_op.drop_column("social_unit_id")
