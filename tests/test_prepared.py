"""db.prepared: a statement run on the driver's cursor stores what SQLAlchemy's own execute
stores, in the caller's transaction, seen by the engine's listeners, and fails as
SQLAlchemy's errors do (parameters hidden, PostgreSQL's message redacted). Both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import Engine, Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from db.engine import session_scope, write_connection
from db.models import AuditLog, Lead, LeadEvent
from db.prepared import Prepared
from tests.leads_world import build
from tests.sqlcount import counting

LEAD = cast(Table, Lead.__table__)
EVENT = cast(Table, LeadEvent.__table__)
AUDIT = cast(Table, AuditLog.__table__)
T0 = datetime(2026, 11, 2, 1, 0, 0, 123456, tzinfo=UTC)
SECRET = "110101199003077777"


def _lead(community_id: int, description: str) -> dict[str, Any]:
    """A lead's values without the columns that have defaults (resolution, version...)."""
    return {"created_at": T0, "reporter_user_id": None, "reporter_member_id": None,
            "reporter_contact": "", "community_id": community_id, "grid_id": None,
            "lat": 39.9, "lon": 116.4, "address": "", "category": "fire",
            "urgency": "urgent", "description": description, "status": "new",
            "level": "community", "assigned_officer_id": None, "assigned_user_id": None,
            "dispatch_rule": None, "dispatched_at": T0 + timedelta(seconds=1),
            "accept_due_at": None, "resolve_due_at": T0 + timedelta(hours=2),
            "alert_id": None}


def _stored(engine: Engine, table: Table, ids: list[int]) -> list[tuple[Any, ...]]:
    """The rows as the database holds them (no result processing), without their ids."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT * FROM {table.name} WHERE id IN ({','.join(map(str, ids))}) ORDER BY id"
        ).all()
    return [tuple(r)[1:] for r in rows]


def test_rows_stored_are_those_of_a_core_insert(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        community = build(s).c1.id
    prepared = Prepared(insert(LEAD).returning(LEAD.c.id), keys=list(_lead(0, "")))
    events = Prepared(insert(EVENT), keys=("lead_id", "at", "actor_user_id", "action",
                                            "from_status", "to_status", "note", "data"))
    with write_connection(engine) as conn:
        ours = prepared.execute(conn, _lead(community, "楼道 'quoted' %s %(x)s"))[0][0]
        theirs = conn.execute(insert(LEAD).returning(LEAD.c.id),
                              _lead(community, "楼道 'quoted' %s %(x)s")).scalar_one()
        rows = [{"lead_id": ours, "at": T0, "actor_user_id": None, "action": "report",
                 "from_status": None, "to_status": "new", "note": "",
                 "data": {"rule": "community_officer", "名": [1, None]}},
                {"lead_id": ours, "at": T0, "actor_user_id": None, "action": "dispatch",
                 "from_status": "new", "to_status": "dispatched", "note": "n", "data": {}}]
        assert events.execute(conn, rows) == []  # two rows, one executemany
        conn.execute(insert(EVENT), [r | {"lead_id": theirs} for r in rows])
    mine, core = _stored(engine, LEAD, [ours, theirs])
    assert mine == core
    with engine.connect() as conn:  # as stored, without their ids and lead ids
        by_lead = {lead: [tuple(r)[2:] for r in conn.exec_driver_sql(
            f"SELECT * FROM lead_event WHERE lead_id = {lead} ORDER BY id")]
            for lead in (ours, theirs)}
    assert by_lead[ours] == by_lead[theirs] and len(by_lead[ours]) == 2
    with session_scope(engine) as s:  # and read back through the ORM as any lead
        lead = s.get(Lead, ours)
        assert lead is not None
        assert (lead.created_at, lead.resolution, lead.version, lead.overdue_step) == (
            T0, "", 1, 0)


def test_a_select_with_literals_and_repeated_binds(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        community = build(s).c1.id
    count = Prepared(select(func.count()).select_from(LEAD).where(
        LEAD.c.community_id == bindparam("c"), LEAD.c.category == "fire",
        (LEAD.c.urgency == bindparam("u")) | (LEAD.c.level == bindparam("u"))))
    lead = Prepared(insert(LEAD), keys=list(_lead(0, "")))
    with write_connection(engine) as conn:
        lead.execute(conn, [_lead(community, "a"), _lead(community, "b")])
        assert count.execute(conn, {"c": community, "u": "urgent"}) == [(2,)]
        assert count.execute(conn, {"c": community, "u": "routine"}) == [(0,)]
        with pytest.raises(KeyError, match="'u'"):
            count.execute(conn, {"c": community})


def test_the_callers_transaction_holds_the_rows(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        community = build(s).c1.id
    lead = Prepared(insert(LEAD).returning(LEAD.c.id), keys=list(_lead(0, "")))
    with pytest.raises(RuntimeError), write_connection(engine) as conn:
        lead.execute(conn, _lead(community, "rolled back"))
        raise RuntimeError("the caller fails after the insert")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(LEAD)) == 0


def test_a_column_whose_default_is_computed_must_be_given(engine: Engine) -> None:
    audit = Prepared(insert(AUDIT), keys=("action",))  # `at` defaults to utcnow()
    with engine.connect() as conn, pytest.raises(ValueError, match="'at'"):
        audit.execute(conn, {"action": "x"})


def test_listeners_see_the_statement_and_errors_are_sqlalchemys(engine: Engine) -> None:
    lead = Prepared(insert(LEAD).returning(LEAD.c.id), keys=list(_lead(0, "")))
    with counting(engine) as sent, pytest.raises(IntegrityError) as failed, \
            write_connection(engine) as conn:
        lead.execute(conn, _lead(999_999, SECRET))  # no such community
    assert len(sent) == 1 and sent[0].startswith("INSERT INTO lead")
    shown = str(failed.value)
    assert SECRET not in shown and "parameters hidden" in shown
    if engine.dialect.name == "postgresql":  # the driver's own message is redacted too
        assert SECRET not in str(failed.value.orig)
        assert "SQLSTATE 23503" in str(failed.value.orig)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(LEAD)) == 0


def test_in_lists_are_refused() -> None:
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    with engine.connect() as conn, pytest.raises(ValueError, match="IN lists"):
        Prepared(select(LEAD.c.id).where(LEAD.c.id.in_(bindparam("ids", expanding=True)))
                 ).execute(conn, {"ids": [1, 2]})
