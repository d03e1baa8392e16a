"""AppTest: an officer returns a lead for more information, the reporter answers on the lead."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Lead, LeadEvent
from services import leads
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.leads_world import build

LEAD = str(ROOT / "pages" / "lead.py")


@pytest.fixture
def env(app_env: AppEnv) -> AppEnv:  # noqa: F811 - the shared fixture, renamed
    return app_env


def _on_lead(username: str, lead_id: int):  # type: ignore[no-untyped-def]
    at = sign_in(new_app(), username, f.PASSWORD)
    assert not at.exception, at.exception
    at.session_state["lead_id"] = lead_id
    return at.switch_page(LEAD).run()


def test_officer_asks_and_the_reporter_answers_on_the_lead(env: AppEnv) -> None:
    with env.session() as s:
        w = build(s)
        lead_id = leads.report_lead(s, actor=w.grid1, category="suspicious", urgency="routine",
                                    description="有人在车库徘徊").id
        officer, grid = w.officer1.username, w.grid1.username
    at = _on_lead(officer, lead_id)
    at.button(key="lead_do_ask_info").click().run()  # no question: refused, nothing changes
    with env.session() as s:
        assert s.scalar(select(Lead.status).where(Lead.id == lead_id)) == "dispatched"
    at.text_area(key=f"lead_note_ask_info_{lead_id}").input("车库哪个出入口？")
    at.button(key="lead_do_ask_info").click().run()
    assert not at.exception
    with env.session() as s:
        assert s.scalar(select(Lead.status).where(Lead.id == lead_id)) == "needs_info"

    at = _on_lead(grid, lead_id)
    assert "车库哪个出入口？" in texts(at) and "民警请您补充信息" in texts(at)
    at.button(key="lead_do_answer_info").click().run()  # empty answer: message by the field
    assert not at.exception and "必填" in texts(at)
    at.text_area(key=f"lead_answer_note_{lead_id}").input("B2 东侧出入口")
    at.button(key="lead_do_answer_info").click().run()
    assert not at.exception, at.exception
    with env.session() as s:
        assert s.scalar(select(Lead.status).where(Lead.id == lead_id)) == "dispatched"
        assert s.scalar(select(LeadEvent.note).where(LeadEvent.lead_id == lead_id)
                        .order_by(LeadEvent.id.desc()).limit(1)) == "B2 东侧出入口"
    assert "lead_do_answer_info" not in [b.key for b in at.button]
    assert "已补充" in texts(at)
