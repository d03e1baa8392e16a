"""The audit trail: append-only on both databases, chained, refusals kept, searchable."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from db.ddl import audit_guard_installed, drop_audit_guard
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import AuditLog
from services.accounts import users
from services.admin import audit_query
from services.admin.audit_query import AuditFilter
from services.cli import main
from services.core import audit
from services.core.errors import PermissionDenied
from tests import factories as f
from tests.concurrently import run_concurrently
from tests.conftest import BACKENDS, PG_URL, _drop_pg, _pg_engine


def _entries(engine: Engine, n: int) -> None:
    with session_scope(engine, write=True) as s:
        for i in range(n):
            audit.record(s, actor=None, actor_name="tester", action="test.entry",
                         entity="thing", entity_id=i, after={"i": i})


def test_update_delete_and_truncate_are_refused(engine: Engine) -> None:
    _entries(engine, 3)
    with engine.connect() as conn:
        assert audit_guard_installed(conn)
    statements = [update(AuditLog).values(actor_name="mallory"), delete(AuditLog)]
    if engine.dialect.name == "postgresql":
        statements.append(text("TRUNCATE audit_log"))
    for stmt in statements:
        with pytest.raises(DBAPIError, match="append-only"), session_scope(engine, write=True) as s:
            s.execute(stmt)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 3
        assert audit.verify_chain(s) == audit.ChainReport(3, None)


@pytest.fixture(params=BACKENDS)
def migrated(request, tmp_path):  # type: ignore[no-untyped-def]
    """A database built by the migrations (upgrade head), not by create_all."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    eng, schema = _pg_engine(PG_URL)  # type: ignore[arg-type]
    upgrade(eng)
    yield eng
    eng.dispose()
    _drop_pg(PG_URL, schema)  # type: ignore[arg-type]


def test_the_migration_installs_the_same_guard(migrated: Engine) -> None:
    with migrated.connect() as conn:
        assert audit_guard_installed(conn)
    _entries(migrated, 2)
    with pytest.raises(DBAPIError, match="append-only"), session_scope(migrated, write=True) as s:
        s.execute(delete(AuditLog).where(AuditLog.id == 1))


def test_a_removed_or_altered_entry_is_found_by_verify(engine: Engine) -> None:
    _entries(engine, 6)
    with session_scope(engine, write=True) as s:
        drop_audit_guard(s.connection())  # an attacker with the owner's rights
        s.execute(delete(AuditLog).where(AuditLog.id == 3))
    with session_scope(engine) as s:
        assert audit.verify_chain(s) == audit.ChainReport(2, 4)
    with session_scope(engine, write=True) as s:
        s.execute(update(AuditLog).where(AuditLog.id == 2).values(after={"i": 99}))
    with session_scope(engine) as s:
        assert audit.verify_chain(s) == audit.ChainReport(1, 2)


def test_cli_audit_verify_reports_the_first_broken_link(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PINGAN_DATABASE_URL", url)
    monkeypatch.setenv("PINGAN_DEMO", "1")
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    engine = make_engine(url)
    upgrade(engine)
    _entries(engine, 5)
    ok = CliRunner().invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 5 entries" in ok.output
    with session_scope(engine, write=True) as s:
        drop_audit_guard(s.connection())
        s.execute(update(AuditLog).where(AuditLog.id == 4).values(action="test.other"))
    broken = CliRunner().invoke(main, ["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN at entry id 4" in broken.output
    engine.dispose()


def test_a_refusal_is_audited_although_its_transaction_rolls_back(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        c = f.community(s)
        officer = f.actor(s, f.user(s, "officer", communities=[c], username="li"))
    with pytest.raises(PermissionDenied), session_scope(engine, write=True) as s:
        users.list_users(s, actor=officer)  # refused before touching the database
    with pytest.raises(PermissionDenied), session_scope(engine, write=True) as s:
        audit.record(s, actor=officer, action="test.half_done")  # written, then rolled back
        users.unlock(s, actor=officer, username="li")
    with session_scope(engine) as s:
        rows = s.execute(select(AuditLog.action, AuditLog.actor_name, AuditLog.after)
                         .order_by(AuditLog.id)).all()
        assert audit.verify_chain(s).first_broken_id is None
    assert [tuple(r) for r in rows] == [
        ("auth.permission_denied", "li", {"perm": "manage_users"}),
        ("auth.permission_denied", "li", {"perm": "manage_users"}),
    ]


def test_personal_data_is_masked_in_the_trail(session) -> None:  # type: ignore[no-untyped-def]
    audit.record(session, actor=None, action="test.personal", before={"phone": "13812345678"},
                 after={"id_number": "110101199003071234", "password": "secret words"})
    row = session.scalars(select(AuditLog)).one()
    assert row.before == {"phone": "138****5678"}
    assert row.after == {"id_number": "110101********1234", "password": "***"}


def test_concurrent_writers_keep_one_unbroken_chain(engine: Engine) -> None:
    def writer(n: int) -> None:
        for i in range(40):
            with session_scope(engine, write=True) as s:
                audit.record(s, actor=None, actor_name=f"w{n}", action="test.concurrent",
                             entity_id=i)

    errors = run_concurrently(writer, 8)
    assert errors == []
    with session_scope(engine) as s:
        assert audit.verify_chain(s) == audit.ChainReport(320, None)


def test_batches_and_single_entries_from_many_writers_keep_one_chain(engine: Engine) -> None:
    """Imports write their entries in batches; the chain holds in order, batch by batch,
    while other writers append one at a time."""
    def batcher(n: int) -> None:
        for i in range(5):
            with session_scope(engine, write=True) as s:
                audit.record(s, actor=None, actor_name=f"b{n}", action="test.single",
                             entity_id=i)
                audit.record_many(s, actor=None, actor_name=f"b{n}", entries=[
                    audit.Entry("test.batch", "member", f"{n}-{i}-{k}",
                                after={"phone": "13812345678", "k": k})
                    for k in range(30)])

    errors = run_concurrently(batcher, 4)
    assert errors == []
    with session_scope(engine) as s:
        assert audit.verify_chain(s) == audit.ChainReport(4 * 5 * 31, None)
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "test.batch")
                         .order_by(AuditLog.id)).all()
        assert len(rows) == 600 and rows[0].after == {"phone": "138****5678", "k": 0}
        # each batch lies together and in the order given
        first = [r for r in rows if r.entity_id.startswith("0-0-")]
        assert [r.entity_id for r in first] == [f"0-0-{k}" for k in range(30)]
        assert first[-1].id - first[0].id == 29
    with session_scope(engine, write=True) as s:
        audit.record_many(s, actor=None, entries=[])  # nothing to write is not an error
    with session_scope(engine) as s:
        assert audit.verify_chain(s).checked == 620


def test_search_filters_and_pages_in_sql(session) -> None:  # type: ignore[no-untyped-def]
    admin = f.actor(session, f.user(session, "admin", username="chief"))
    for i in range(120):
        audit.record(session, actor=admin if i % 2 else None, actor_name="x",
                     action="user.unlock" if i % 3 else "auth.sign_in", entity="user",
                     entity_id=i % 7)
    page = audit_query.search(session, actor=admin, filters=AuditFilter(), page=2, per_page=50)
    assert (page.total, page.pages, page.page, len(page.rows)) == (120, 3, 2, 50)
    assert page.rows[0].id == 70
    mine = audit_query.search(session, actor=admin, filters=AuditFilter(actor="CHIEF"))
    assert mine.total == 60
    area = audit_query.search(session, actor=admin, filters=AuditFilter(action="auth."))
    assert area.total == 40
    one = audit_query.search(session, actor=admin,
                             filters=AuditFilter(action="user.unlock", entity_id="3"))
    assert one.total == len([i for i in range(120) if i % 3 and i % 7 == 3])
    assert audit_query.search(session, actor=admin, filters=AuditFilter(action="%.")).total == 0
    grid = f.actor(session, f.user(session, "grid_worker", username="g"))
    with pytest.raises(PermissionDenied):
        audit_query.search(session, actor=grid, filters=AuditFilter())


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: PINGAN_TEST_DATABASE_URL not set")
def test_postgres_app_role_without_update_delete_privilege(pg_engine: Engine) -> None:
    """The REVOKE in docs/SECURITY.md: a dedicated app role can insert and read, no more."""
    engine = pg_engine
    role = f"pingan_app_{uuid.uuid4().hex[:8]}"
    _entries(engine, 1)
    with engine.begin() as conn:
        schema = conn.scalar(text("SELECT current_schema()"))
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}'))
        conn.execute(text("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                          f'"{schema}" TO {role}'))
        conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role}'))
        conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"))
    try:
        with engine.connect() as conn:
            conn.execute(text(f"SET ROLE {role}"))
            assert conn.scalar(text("SELECT count(*) FROM audit_log")) == 1
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text("DELETE FROM audit_log"))
            conn.rollback()
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {role}'))
            conn.execute(text(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {role}'))
            conn.execute(text(f'REVOKE ALL ON SCHEMA "{schema}" FROM {role}'))
            conn.execute(text(f"DROP ROLE {role}"))


@pytest.mark.parametrize(("typed", "shown"), [
    ("网格员吕红 13812341234", "网格员吕红 138****1234"),
    ("13812341234", "138****1234"),
    ("电话023-68812345，找王姐", "电话023*****2345，找王姐"),
    ("身份证 11010119900307123X 住3栋", "身份证 110101********123X 住3栋"),
    ("3栋2单元 502室", "3栋2单元 502室"),
    ("138.1234.5678", "138******5678"),
    ("138　1234　5678", "138******5678"),  # full-width spaces
    ("138－1234－5678", "138******5678"),
    ("１３８１２３４５６７８ 李姐", "１３８****５６７８ 李姐"),  # full-width digits
    ("(023) 6881-2345", "(023*******2345"),
    ("＋86 138 1234 5678", "＋86**********5678"),
    ("", ""),
])
def test_free_text_masking_touches_only_the_numbers(typed: str, shown: str) -> None:
    from services.core.masking import mask_text

    assert mask_text(typed) == shown


@pytest.mark.parametrize("step", ["do_begin", "do_commit"])
def test_a_refusal_that_cannot_be_written_is_logged_kept_and_holds_no_connection(
        engine: Engine, caplog: pytest.LogCaptureFixture, step: str) -> None:
    """The database fails the refusal's own transaction (at its BEGIN, at its COMMIT): the
    user still gets their refusal, a warning is logged, no connection is left checked out,
    and the next transaction writes it."""
    from services.core.actor import Perm, require
    from tests.leads_world import build

    with session_scope(engine, write=True) as s:
        grid = build(s).grid1
    dbapi = engine.dialect.loaded_dbapi

    def broken(_dbapi_conn: object) -> None:
        raise dbapi.OperationalError("disk I/O error")

    real = getattr(engine.dialect, step)
    setattr(engine.dialect, step, broken)
    try:
        with pytest.raises(PermissionDenied), session_scope(engine):
            require(grid, Perm.MANAGE_USERS)
    finally:
        setattr(engine.dialect, step, real)
    assert "could not write a permission refusal" in caplog.text
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with session_scope(engine):
        pass
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "auth.permission_denied")) == 1
