"""Indexes for statistics and the audit search at a million leads

Revision ID: 0003
Revises: 0002

Hand-written. Leads closed (else resolved) in a period were found by reading every lead;
"was this lead ever escalated" read its events one by one; one record's audit history read
the whole trail. Creating them on a large PostgreSQL table takes a while and locks writes to
it: run the upgrade in a quiet hour (`pingan db upgrade`).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_lead_closed", "lead", ["closed_at"]),
    ("ix_lead_resolved", "lead", ["resolved_at"]),
    ("ix_lead_event_lead_status", "lead_event", ["lead_id", "to_status"]),
    ("ix_audit_entity", "audit_log", ["entity", "entity_id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
