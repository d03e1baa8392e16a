"""The command board's units panel finds claimed tasks by state without reading every task

Revision ID: 0007
Revises: 0006

Hand-written: an index on task (status, team_id).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_task_status_team", "task", ["status", "team_id"])


def downgrade() -> None:
    op.drop_index("ix_task_status_team", table_name="task")
