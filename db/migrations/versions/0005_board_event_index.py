"""The command board reads one shift's steps of a kind (escalations, acknowledgements)

Revision ID: 0005
Revises: 0004

Hand-written: an index on lead_event (action, at), so the board's shift figures count a
shift's escalations without scanning every lead event.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_lead_event_action_at", "lead_event", ["action", "at"])


def downgrade() -> None:
    op.drop_index("ix_lead_event_action_at", table_name="lead_event")
