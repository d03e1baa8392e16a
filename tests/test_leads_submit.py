"""leads.submit_lead, what the report page calls: the usual report from a phone (the
reporter's own grid, no photo) runs on a plain connection, the others in a session; each
stores what report_lead stores, audits a refusal, and stores nothing when refused or wrong.
Both databases."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from db.engine import session_scope
from db.models import AuditLog, Lead, LeadEvent, LeadPhoto
from services import leads
from services.core.actor import Actor, Role
from services.core.errors import Invalid, PermissionDenied
from tests.images import PNG
from tests.leads_world import World, build
from tests.sqlcount import counting

ARGS = {"category": "fire", "urgency": "urgent", "description": "楼道里电动车充电 13912345678"}


@pytest.fixture
def w(engine: Engine) -> World:
    with session_scope(engine, write=True) as s:
        return build(s)


def _stored(engine: Engine, lead_id: int) -> tuple[Any, ...]:
    """The lead's columns (no id, no times), its events and its audit entry."""
    with session_scope(engine) as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        skip = {"id", "created_at", "dispatched_at", "accept_due_at", "resolve_due_at"}
        columns = {c.key: getattr(lead, c.key) for c in Lead.__table__.columns
                   if c.key not in skip}
        due = (lead.accept_due_at - lead.dispatched_at, lead.resolve_due_at - lead.created_at
               ) if lead.dispatched_at and lead.accept_due_at and lead.resolve_due_at else None
        events = s.execute(select(LeadEvent.action, LeadEvent.from_status, LeadEvent.to_status,
                                  LeadEvent.actor_user_id, LeadEvent.data)
                           .where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id)).all()
        entries = s.execute(select(AuditLog.action, AuditLog.actor_user_id, AuditLog.after)
                            .where(AuditLog.entity == "lead",
                                   AuditLog.entity_id == str(lead_id))).all()
        return columns, due, [tuple(e) for e in events], [tuple(e) for e in entries]


def _reported(engine: Engine, actor: Actor, **kw: Any) -> int:
    with session_scope(engine, write=True) as s:
        return leads.report_lead(s, actor=actor, **{**ARGS, **kw}).id


def test_a_report_from_the_own_grid_stores_what_report_lead_stores(
        engine: Engine, w: World) -> None:
    with counting(engine) as sent:
        view = leads.submit_lead(engine, actor=w.grid1, **ARGS)
    # dispatch's read, the lead, its events, the audit hash and entry (+ PostgreSQL's lock)
    assert len(sent) == 5 + (engine.dialect.name == "postgresql"), str(sent)
    assert (view.status, view.assigned_officer_id) == ("dispatched", w.o1.id)
    assert _stored(engine, view.id) == _stored(engine, _reported(engine, w.grid1))
    with session_scope(engine) as s:  # the chain still verifies
        hashes = s.execute(select(AuditLog.prev_hash, AuditLog.hash).order_by(AuditLog.id)).all()
    assert all(prev == hashes[i][1] for i, (prev, _h) in enumerate(hashes[1:]))


def test_a_report_with_a_place_or_photos_stores_what_report_lead_stores(
        engine: Engine, w: World, tmp_path: Path) -> None:
    elsewhere = {"community_id": w.c2.id}
    view = leads.submit_lead(engine, actor=w.grid1, **ARGS, **elsewhere)
    assert view.community_id == w.c2.id
    assert _stored(engine, view.id) == _stored(engine, _reported(engine, w.grid1, **elsewhere))
    shot = leads.submit_lead(engine, actor=w.grid1, **ARGS, photos=[PNG], photo_dir=tmp_path)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(LeadPhoto)
                        .where(LeadPhoto.lead_id == shot.id)) == 1
        assert s.scalar(select(AuditLog.after).where(
            AuditLog.entity_id == str(shot.id)))["photos"] == 1  # type: ignore[index]


def test_wrong_input_stores_nothing_and_says_which_field(engine: Engine, w: World) -> None:
    with pytest.raises(Invalid) as wrong:
        leads.submit_lead(engine, actor=w.grid1, category="fire", urgency="whenever",
                          description=" ")
    assert set(wrong.value.fields) == {"urgency", "description"}
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == 0
        assert s.scalar(select(func.count()).select_from(AuditLog)
                        .where(AuditLog.action == "leads.report")) == 0


@pytest.mark.parametrize("place", [{}, {"grid_id": "g1"}])
def test_a_refused_report_is_audited_and_stores_nothing(engine: Engine, w: World,
                                                        place: dict[str, str]) -> None:
    """A wall screen's account with a member's grid: refused on either path."""
    screen = replace(w.grid1, role=Role.DISPLAY)
    with pytest.raises(PermissionDenied):
        leads.submit_lead(engine, actor=screen, **ARGS,
                          **{k: getattr(w, v).id for k, v in place.items()})
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == 0
        refusals = s.execute(select(AuditLog.actor_user_id, AuditLog.after)
                             .where(AuditLog.action == "auth.permission_denied")).all()
    assert refusals == [(screen.user_id, {"perm": "report_lead"})]
