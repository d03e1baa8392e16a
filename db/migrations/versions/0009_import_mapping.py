"""Per-incident imports: remembered name mappings per source, incident numbers counted

Revision ID: 0009
Revises: 0008

Hand-written. Two new tables: import_mapping (what a dispatch category or community name
means, per source) and imported_incident (one row per counted incident number, so that a
re-import adds nothing twice).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("updated_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"],
                                name=op.f("fk_import_mapping_updated_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mapping")),
        sa.UniqueConstraint("source", "kind", "name", name="uq_import_mapping_name"),
    )
    op.create_table(
        "imported_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_imported_incident_community_id_community")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_incident")),
        sa.UniqueConstraint("source", "number", name="uq_imported_incident_number"),
    )
    with op.batch_alter_table("imported_incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imported_incident_community_id"), ["community_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("imported_incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imported_incident_community_id"))
    op.drop_table("imported_incident")
    op.drop_table("import_mapping")
