"""DDL the models cannot express: the audit log refuses UPDATE, DELETE (and TRUNCATE).

Installed by migration 0002 on real databases and by an `after_create` event when tests
build the schema with `Base.metadata.create_all`, so both paths give the same triggers.
On PostgreSQL a trigger refuses the change even for a superuser; a dedicated app role
should also lose the privilege (docs/SECURITY.md shows the REVOKE).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

MESSAGE = "audit_log is append-only"
SQLITE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
_PG_INSTALL = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; "
    "END $$",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
]


def _run(conn: Connection, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(conn.dialect.name, []):
        conn.execute(text(sql))


def install_audit_guard(conn: Connection) -> None:
    """Create the triggers that make audit_log append-only (idempotent)."""
    _run(conn, {"sqlite": _SQLITE_INSTALL, "postgresql": _PG_INSTALL})


def drop_audit_guard(conn: Connection) -> None:
    """Remove the triggers: only for the migration's downgrade and tamper tests."""
    _run(conn, {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP})


def audit_guard_installed(conn: Connection) -> bool:
    """True when every append-only trigger is present on audit_log."""
    if conn.dialect.name == "sqlite":
        names = set(conn.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        )))
        return set(SQLITE_TRIGGERS) <= names
    names = set(conn.scalars(text(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('audit_log') "
        "AND NOT tgisinternal"
    )))
    return {"audit_log_no_change", "audit_log_no_truncate"} <= names


def after_create(_target: Any, connection: Connection, **_kw: Any) -> None:
    """The `after_create` listener of audit_log's table (db.models.activity registers it)."""
    install_audit_guard(connection)
