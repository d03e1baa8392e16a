"""audit_log is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)

Revision ID: 0002
Revises: 0001

Hand-written (0001 is regenerated from the models; this one is not). The statements live in
db/ddl.py so that tests building the schema with create_all get the very same triggers.
A later batch migration on SQLite that recreates audit_log drops its triggers: call
db.ddl.install_audit_guard(op.get_bind()) again at its end.

On PostgreSQL, also run the app as a role without the privilege (see docs/SECURITY.md):
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM pingan_app;
"""

from collections.abc import Sequence

from alembic import op

from db.ddl import drop_audit_guard, install_audit_guard

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    install_audit_guard(op.get_bind())


def downgrade() -> None:
    drop_audit_guard(op.get_bind())
