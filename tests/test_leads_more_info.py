"""Returned for more information (退回补充): the holder asks, the reporter answers, it goes back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Lead, LeadEvent, LeadPhoto
from services import leads
from services.core.errors import Invalid, NotFound, PermissionDenied
from tests.images import PNG
from tests.leads_world import World, build


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _lead(s: Session, w: World) -> leads.LeadView:
    return leads.report_lead(s, actor=w.grid1, category="suspicious", urgency="routine",
                             description="楼道里有陌生人反复敲门")


def _ask(s: Session, w: World, view: leads.LeadView, note: str = "是几号楼？大概几点？"
         ) -> leads.LeadView:
    return leads.act(s, actor=w.officer1, lead_id=view.id, action="ask_info",
                     shown_version=view.version, note=note)


def test_asked_answered_and_back_to_the_officer_with_the_status_it_had(
        session: Session, w: World, tmp_path: Path) -> None:
    view = leads.act(session, actor=w.officer1, lead_id=_lead(session, w).id, action="accept",
                     shown_version=1, note="")
    asked = _ask(session, w, view)
    assert asked.status == "needs_info" and asked.assigned_officer_id == w.o1.id
    answered = leads.answer_info(session, actor=w.grid1, lead_id=view.id,
                                 shown_version=asked.version, note="3栋，晚上九点左右",
                                 photos=[PNG], photo_dir=tmp_path / "photos")
    assert answered.status == "accepted" and answered.assigned_officer_id == w.o1.id
    lead = session.get(Lead, view.id)
    assert lead is not None and lead.status == "accepted" and lead.version == asked.version + 1
    events = session.execute(select(LeadEvent.action, LeadEvent.from_status, LeadEvent.to_status,
                                    LeadEvent.note).where(LeadEvent.lead_id == view.id)
                             .order_by(LeadEvent.id)).all()
    assert [tuple(e) for e in events[-2:]] == [
        ("ask_info", "accepted", "needs_info", "是几号楼？大概几点？"),
        ("answer_info", "needs_info", "accepted", "3栋，晚上九点左右")]
    assert session.scalar(select(LeadPhoto.lead_id).where(LeadPhoto.lead_id == view.id)) == view.id
    assert len(list((tmp_path / "photos").iterdir())) == 1
    audited = list(session.scalars(select(AuditLog.action).where(
        AuditLog.entity == "lead", AuditLog.entity_id == str(view.id)).order_by(AuditLog.id)))
    assert audited[-2:] == ["leads.ask_info", "leads.answer_info"]
    answer = session.scalars(select(AuditLog.after).where(
        AuditLog.action == "leads.answer_info", AuditLog.entity_id == str(view.id))).one()
    assert answer["photos"] == 1  # the photos it brought are in the trail too
    timeline = leads.get_lead(session, actor=w.officer1, lead_id=view.id).events
    assert [e.action for e in timeline][-2:] == ["ask_info", "answer_info"]


def test_asked_before_acceptance_goes_back_waiting_to_be_accepted(
        session: Session, w: World) -> None:
    view = _lead(session, w)
    asked = _ask(session, w, view)
    back = leads.answer_info(session, actor=w.grid1, lead_id=view.id,
                             shown_version=asked.version, note="在2单元")
    assert back.status == "dispatched"
    assert "accept" in leads.get_lead(session, actor=w.officer1, lead_id=view.id).actions


def test_only_the_holder_asks_and_only_the_reporter_answers(session: Session, w: World) -> None:
    view = _lead(session, w)
    with pytest.raises(PermissionDenied):
        leads.act(session, actor=w.grid1, lead_id=view.id, action="ask_info",
                  shown_version=view.version, note="?")
    with pytest.raises(Invalid) as err:
        leads.act(session, actor=w.backup_officer, lead_id=view.id, action="ask_info",
                  shown_version=view.version, note="?")
    assert err.value.key == "leads.not_holder"
    with pytest.raises(Invalid) as err:
        _ask(session, w, view, note="   ")
    assert err.value.fields == {"note": "error.required"}  # the question is required
    asked = _ask(session, w, view)
    assert "answer_info" in leads.get_lead(session, actor=w.grid1, lead_id=view.id).actions
    assert "answer_info" not in leads.get_lead(session, actor=w.officer1, lead_id=view.id).actions
    with pytest.raises(NotFound):  # another grid worker does not even see the lead
        leads.answer_info(session, actor=w.grid2, lead_id=view.id,
                          shown_version=asked.version, note="x")
    with pytest.raises(Invalid) as err:
        leads.answer_info(session, actor=w.officer1, lead_id=view.id,
                          shown_version=asked.version, note="x")
    assert err.value.key == "leads.not_reporter"
    with pytest.raises(Invalid) as err:
        leads.answer_info(session, actor=w.grid1, lead_id=view.id,
                          shown_version=asked.version, note="\x00")
    assert err.value.fields == {"note": "error.nul"}
    with pytest.raises(Invalid) as err:
        leads.answer_info(session, actor=w.grid1, lead_id=view.id,
                          shown_version=asked.version, note="照片", photos=[b"not an image"])
    assert err.value.fields == {"photos": "leads.photo_not_image"}
    assert session.get(Lead, view.id).status == "needs_info"  # type: ignore[union-attr]
    leads.answer_info(session, actor=w.grid1, lead_id=view.id, shown_version=asked.version,
                      note="好的")
    with pytest.raises(Invalid) as err:  # answered already: the step is gone
        leads.answer_info(session, actor=w.grid1, lead_id=view.id,
                          shown_version=asked.version + 1, note="再补充")
    assert err.value.key == "leads.refused.answer_info"


def test_a_lead_waiting_for_the_reporter_is_not_escalated_when_overdue(
        session: Session, w: World) -> None:
    from datetime import timedelta

    from services.core import clock

    view = _lead(session, w)
    _ask(session, w, view)
    assert leads.escalate_overdue(session, now=clock.now() + timedelta(days=30)) == 0
    assert session.get(Lead, view.id).status == "needs_info"  # type: ignore[union-attr]
