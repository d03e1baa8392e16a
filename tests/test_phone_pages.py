"""AppTest: the grid worker's phone pages: home first of all for reporting, the report form's
point and its grid, the confirmation after submitting, and the form cleared for the next."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Lead
from services import leads
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.leads_world import World, build

REPORT = str(ROOT / "pages" / "report_lead.py")


@pytest.fixture
def env(app_env: AppEnv) -> AppEnv:  # noqa: F811 - the shared fixture, renamed
    return app_env


def _world(env: AppEnv) -> World:
    with env.session() as s:
        return build(s)


def test_home_opens_on_the_report_button_then_my_reports_and_team_tasks(env: AppEnv) -> None:
    w = _world(env)
    with env.session() as s:
        mine = leads.report_lead(s, actor=w.grid1, category="fire", urgency="urgent",
                                 description="楼道堆放杂物", reporter_contact="13812341234")
        leads.act(s, actor=w.officer1, lead_id=mine.id, action="accept", shown_version=1)
        leads.act(s, actor=w.officer1, lead_id=mine.id, action="comment", shown_version=2,
                  note="明天上午到场")
        leads.create_task(s, actor=w.officer1, lead_id=mine.id, title="清理楼道杂物",
                          team_id=w.team1.id)
    at = sign_in(new_app(), w.grid1.username, f.PASSWORD).run()  # past the sign-in's run
    assert not at.exception, at.exception
    shown = [c for c in at.main.children.values()
             if not (type(c).__name__ == "Block" and not c.children)]  # an empty notice slot
    assert getattr(shown[0], "key", None) == "home_report"  # the big button comes first
    assert at.metric.len == 0  # no statistics tiles for a grid worker
    assert [m.value for m in at.markdown if "-badge[" in m.value][0] == ":orange-badge[已接单]"
    shown = [t.value for t in at.text]
    assert "明天上午到场" in shown and "清理楼道杂物" in shown
    at.button(key="home_report").click().run()
    assert not at.exception
    assert at.selectbox(key="lead_form_category") is not None  # on the report form now


def test_report_confirms_clears_and_offers_another(env: AppEnv) -> None:
    w = _world(env)
    at = sign_in(new_app(), w.grid1.username, f.PASSWORD)
    at.switch_page(REPORT).run()
    at.session_state["lead_form_point"] = (w.g1.lat + 0.0005, w.g1.lon, 12.0, "gps")
    at.run()  # as the component does after a position: the point, its grid and community
    assert not at.exception, at.exception
    assert any(w.g1.name in s.value and w.c1.name in s.value for s in at.success)
    at.selectbox(key="lead_form_category").set_value("suspicious")
    at.text_area(key="lead_form_description").input("陌生人在小区里挨家敲门")
    at.text_input(key="lead_form_contact").input("网格员吕红 13812341234")
    at.button(key="lead_submit").click().run()
    assert not at.exception, at.exception
    with env.session() as s:
        lead = s.scalars(select(Lead)).one()
        assert (lead.grid_id, lead.lat, lead.reporter_contact) == (
            w.g1.id, pytest.approx(w.g1.lat + 0.0005), "网格员吕红 13812341234")
    done = texts(at)
    assert f"线索 #{lead.id} 已提交" in done and "社区民警" in done  # its number, who has it
    assert "lead_submit" not in [b.key for b in at.button]
    assert [p.proto.label for p in at.main.get("page_link")][:1] == [f"查看线索 #{lead.id}"]
    at.button(key="lead_report_another").click().run()
    assert not at.exception
    assert at.selectbox(key="lead_form_category").value is None  # the form is empty again
    assert at.text_area(key="lead_form_description").value == ""
    assert at.text_input(key="lead_form_contact").value == ""
    assert "lead_form_point" not in at.session_state
    assert not any(w.g1.name in s.value for s in at.success)

    at.session_state["lead_form_point"] = (30.5, 106.48, 8.0, "tap")  # outside the district
    at.run()
    assert "该位置不在本区范围内" in texts(at)  # said before submitting
    at.selectbox(key="lead_form_category").set_value("help")
    at.text_area(key="lead_form_description").input("外面")
    at.button(key="lead_submit").click().run()
    with env.session() as s:
        assert len(s.scalars(select(Lead)).all()) == 1  # refused: nothing stored

    at.session_state["lead_form_point"] = (w.g1.lat, w.g1.lon, 850.0, "gps")
    at.run()
    assert "850" in texts(at)  # an inaccurate position is said to be so
