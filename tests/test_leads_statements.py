"""The statements one submission, one dispatch of a waiting lead, one escalation and one
inbox rerun send, counted (never timed) on both databases.

A change that adds a statement to these paths fails here until it updates the expected
count in the same commit, so a slowdown is seen in the change that causes it. PostgreSQL
sends one more wherever the audit trail is extended: the advisory lock that keeps its
chain in order (SQLite's write transaction holds the whole database instead).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from db.engine import session_scope
from db.models import AuditLog, Lead, LeadEvent
from services import leads
from tests.leads_world import World, build
from tests.sqlcount import counting

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _expected(engine: Engine, sqlite: int) -> int:
    return sqlite + (engine.dialect.name == "postgresql")  # the audit chain's lock


def _world(engine: Engine) -> World:
    with session_scope(engine, write=True) as s:
        return build(s)


def test_one_submission(engine: Engine) -> None:
    """Reporter's grid, chain, accounts, rules and deadlines in one read; the last audit
    hash; the lead, its two events, the audit entry: one statement each."""
    w = _world(engine)
    with counting(engine) as sent, session_scope(engine, write=True) as s:
        view = leads.report_lead(s, actor=w.grid1, category="fire", urgency="urgent",
                                 description="楼道里电动车充电")
    assert len(sent) == _expected(engine, 5), str(sent)
    with session_scope(engine) as s:  # and nothing was given up for it
        lead = s.get(Lead, view.id)
        assert lead is not None and (lead.status, lead.assigned_officer_id) == (
            "dispatched", w.o1.id)
        assert s.scalars(select(LeadEvent.action).where(LeadEvent.lead_id == view.id)
                         .order_by(LeadEvent.id)).all() == ["report", "dispatch"]
        assert s.scalars(select(AuditLog.action)
                         .where(AuditLog.entity_id == str(view.id))).all() == ["leads.report"]


def test_one_submission_at_a_chosen_community(engine: Engine) -> None:
    """A community picked on the form: its centre is read first, then dispatch's one read."""
    w = _world(engine)
    with counting(engine) as sent, session_scope(engine, write=True) as s:
        leads.report_lead(s, actor=w.grid1, category="help", urgency="routine",
                          description="老人走失", community_id=w.c2.id)
    assert len(sent) == _expected(engine, 6), str(sent)


def test_one_dispatch_of_a_waiting_lead(engine: Engine) -> None:
    w = _world(engine)
    with session_scope(engine, write=True) as s:
        for model_id in (w.o1.id, w.backup.id):
            s.get(type(w.o1), model_id).on_duty = False  # type: ignore[union-attr]
        s.get(type(w.station), w.station.id).duty_supervisor_id = None  # type: ignore[union-attr]
    with session_scope(engine, write=True) as s:
        view = leads.report_lead(s, actor=w.grid1, category="fire", urgency="urgent",
                                 description="没人值班")
        assert view.status == "new"
    with session_scope(engine, write=True) as s:
        s.get(type(w.o1), w.o1.id).on_duty = True  # type: ignore[union-attr]
    with counting(engine) as sent, session_scope(engine, write=True) as s:
        assert leads.dispatch_waiting(s) == 1
    # communities waiting; their chain (rules in it); the leads with their deadlines; the
    # claim; the event; the audit hash and entry
    assert len(sent) == _expected(engine, 7), str(sent)
    with session_scope(engine) as s:
        lead = s.get(Lead, view.id)
        assert lead is not None and (lead.status, lead.assigned_officer_id) == (
            "dispatched", w.o1.id)
        assert lead.accept_due_at == lead.dispatched_at + timedelta(minutes=30)  # type: ignore[operator]
        assert s.scalar(select(AuditLog.action).order_by(AuditLog.id.desc())
                        .limit(1)) == "leads.dispatch"


def test_one_escalation(engine: Engine) -> None:
    w = _world(engine)
    with session_scope(engine, write=True) as s:
        view = leads.report_lead(s, actor=w.grid1, category="fire", urgency="urgent",
                                 description="无人接单", now=T0)
    with counting(engine) as sent, session_scope(engine, write=True) as s:
        assert leads.escalate_overdue(s, now=T0 + timedelta(minutes=31)) == 1
    # the overdue leads with whom each goes to; the update; the event; the audit hash, entry
    assert len(sent) == _expected(engine, 5), str(sent)
    with session_scope(engine) as s:
        lead = s.get(Lead, view.id)
        assert lead is not None and (lead.status, lead.level, lead.overdue_step) == (
            "escalated", "station", 1)
        assert s.scalars(select(LeadEvent.action).where(LeadEvent.lead_id == view.id)
                         .order_by(LeadEvent.id)).all() == ["report", "dispatch",
                                                            "auto_escalate"]


@pytest.mark.parametrize("leads_waiting", [3])
def test_escalating_many_costs_one_statement_per_lead(engine: Engine,
                                                      leads_waiting: int) -> None:
    w = _world(engine)
    with session_scope(engine, write=True) as s:
        for _ in range(leads_waiting):
            leads.report_lead(s, actor=w.grid1, category="fire", urgency="urgent",
                              description="无人接单", now=T0)
    with counting(engine) as sent, session_scope(engine, write=True) as s:
        assert leads.escalate_overdue(s, now=T0 + timedelta(minutes=31)) == leads_waiting
    assert len(sent) == _expected(engine, 4 + leads_waiting), str(sent)
