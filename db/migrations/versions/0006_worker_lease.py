"""The worker that owns time: its lease row, overdue measures flagged, alerts expired

Revision ID: 0006
Revises: 0005

Hand-written. worker_lease holds which process sweeps deadlines and what its last sweep did;
the "sweep" row is created here so every server finds it. assistance_measure.overdue_since
and alert.expired_at are set once by the worker (NULL for existing rows: the first sweep
flags what is already late).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lease = op.create_table(
        "worker_lease",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sweep_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_holder", sa.String(length=128), nullable=False),
        sa.Column("last_seconds", sa.Float(), nullable=False),
        sa.Column("last_counts", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_lease")),
    )
    op.bulk_insert(lease, [{"name": "sweep", "holder": "", "last_holder": "",
                            "last_seconds": 0.0, "last_counts": {}, "last_error": ""}])
    with op.batch_alter_table("assistance_measure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_since", sa.Date(), nullable=True))
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expired_at", db.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("expired_at")
    with op.batch_alter_table("assistance_measure", schema=None) as batch_op:
        batch_op.drop_column("overdue_since")
    op.drop_table("worker_lease")
