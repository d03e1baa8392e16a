"""People, not rows: a person may serve in several teams (membership replaces member.team_id)

Revision ID: 0008
Revises: 0007

Hand-written. Every existing member keeps their team: one membership per member row, made
from member.team_id before the column goes. Downgrading keeps each person's first team.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_membership_member_id_member")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_membership_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("member_id", "team_id", name="uq_membership_person_team"),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_team_id"), ["team_id"], unique=False)
    op.execute("INSERT INTO membership (member_id, team_id, created_at) "
               "SELECT id, team_id, created_at FROM member WHERE team_id IS NOT NULL "
               "ORDER BY id")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_team_id"))
        batch_op.drop_constraint(batch_op.f("fk_member_team_id_team"), type_="foreignkey")
        batch_op.drop_column("team_id")


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
    op.execute("UPDATE member SET team_id = (SELECT min(team_id) FROM membership "
               "WHERE membership.member_id = member.id)")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.alter_column("team_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_member_team_id_team"), "team", ["team_id"],
                                    ["id"])
        batch_op.create_index(batch_op.f("ix_member_team_id"), ["team_id"], unique=False)
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_team_id"))
        batch_op.drop_index(batch_op.f("ix_membership_member_id"))
    op.drop_table("membership")
