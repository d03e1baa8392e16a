"""AppTest: the alert, file, dispute and presence pages boot for every role; key flows by key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import (
    Alert,
    AlertRecipient,
    AssistanceMeasure,
    CaseAccess,
    Dispute,
    Lead,
    Presence,
    User,
)
from services import alerts
from services.cases import files as cases
from services.cases import measures as case_measures
from services.core import clock
from tests import apptest_util
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, new_app, sign_in, texts

app_env = apptest_util.app_env  # the fixture

PAGES = ("alerts", "alert", "cases", "disputes", "presence")
PAGE = {name: str(ROOT / f"pages/{name}.py") for name in (*PAGES, "home")}


def _world(env: AppEnv) -> dict[str, int]:
    with env.session() as s:
        st = f.station(s)
        c = f.community(s, station_=st, name="双林社区")
        g = f.grid(s, c)
        o = f.officer(s, c)
        team = f.team(s, c, "volunteer")
        m = f.member(s, team, grid_id=g.id)
        f.member(s, team)  # no account: relayed by the officer
        f.user(s, "admin", username="chief")
        boss = f.user(s, "supervisor", username="commander")
        f.user(s, "officer", communities=[c], username="li", officer_id=o.id)
        f.user(s, "grid_worker", communities=[c], username="wang", member_id=m.id)
        actor = f.actor(s, boss)
        now = clock.now()
        draft = alerts.save_draft(s, actor=actor, origin_region="浙江", title="协查嫌疑人",
                                  subject="男，约35岁", valid_from=now - timedelta(hours=1),
                                  valid_to=now + timedelta(days=2),
                                  target=alerts.Target(community_ids=(c.id,)))
        alerts.publish(s, actor=actor, alert_id=draft.id, shown_version=draft.version)
        officer = f.actor(s, s.scalar(select(User).where(User.username == "li")))
        case_id = cases.open_case(s, actor=officer, community_id=c.id, household="周家",
                                  needs="无稳定收入")
        return {"community": c.id, "alert": draft.id, "case": case_id}


@pytest.mark.parametrize("username", ["chief", "commander", "li", "wang"])
def test_every_page_boots_for_every_role(app_env, username) -> None:  # type: ignore[no-untyped-def]
    ids = _world(app_env)
    at = sign_in(new_app(), username, f.PASSWORD)
    for page in PAGES:
        at.switch_page(PAGE[page])
        if page == "alert":
            at.query_params["id"] = str(ids["alert"])
        at.run()
        assert not at.exception, (username, page, at.exception)


def test_recipient_acknowledges_from_home_and_reports_a_sighting(app_env) -> None:  # type: ignore[no-untyped-def]
    ids = _world(app_env)
    at = sign_in(new_app(), "wang", f.PASSWORD)
    assert "协查嫌疑人" in texts(at)
    at.button(key=f"alerts_panel_ack_{ids['alert']}").click().run()
    assert not at.exception
    at.switch_page(PAGE["alert"])
    at.query_params["id"] = str(ids["alert"])
    at.run()
    at.text_area(key="alert_sighting_text").input("三单元出租屋住进两名外地男子")
    at.button(key="alert_sighting_submit").click().run()
    assert not at.exception
    with app_env.session() as s:
        lead = s.scalar(select(Lead).where(Lead.alert_id == ids["alert"]))
        assert lead is not None and (lead.urgency, lead.status) == ("urgent", "dispatched")
        acked = s.scalar(select(func.count()).select_from(AlertRecipient).where(
            AlertRecipient.acknowledged_at.is_not(None)))
        assert acked == 1
    assert "紧急线索" in texts(at)


def test_commander_publishes_from_the_form_and_closes(app_env) -> None:  # type: ignore[no-untyped-def]
    ids = _world(app_env)
    at = sign_in(new_app(), "commander", f.PASSWORD)
    at.switch_page(PAGE["alerts"]).run()
    at.button(key="alert_form_publish").click().run()  # nothing filled: messages, no alert
    shown = " ".join(e.value for e in at.error)
    assert "请至少选择一个目标社区或网格" in shown and "此项必填" in shown
    at.text_input(key="alert_form_origin_region").input("四川省某市公安局")
    at.text_input(key="alert_form_title").input("协查走失老人")
    at.text_area(key="alert_form_subject").input("男，78岁，穿蓝色外套")
    at.multiselect(key="alert_form_communities").select(ids["community"])
    at.button(key="alert_form_publish").click().run()
    assert not at.exception
    with app_env.session() as s:
        new = s.scalar(select(Alert).where(Alert.title == "协查走失老人"))
        assert new is not None and new.status == "published"
        assert s.scalar(select(func.count()).select_from(AlertRecipient)
                        .where(AlertRecipient.alert_id == new.id)) == 3
    at.switch_page(PAGE["alert"])
    at.query_params["id"] = str(new.id)
    at.run()
    at.selectbox(key="alert_close_outcome").set_value("found")
    at.text_area(key="alert_close_note").input("已在江边找到，平安送回家")
    at.button(key="alert_close_submit").click().run()
    assert not at.exception
    with app_env.session() as s:
        assert s.get(Alert, new.id).outcome == "found"  # type: ignore[union-attr]


def test_opening_a_file_is_logged_once_per_opening_not_per_rerun(app_env) -> None:  # type: ignore[no-untyped-def]
    ids = _world(app_env)
    at = sign_in(new_app(), "li", f.PASSWORD)
    at.switch_page(PAGE["cases"]).run()
    at.dataframe(key="cases_table")  # the list is there
    at.session_state["cases_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.run()  # a rerun of the same opening (e.g. after a click elsewhere on the page)
    assert not at.exception
    assert "周家" in texts(at)
    with app_env.session() as s:
        assert s.scalar(select(func.count()).select_from(CaseAccess)
                        .where(CaseAccess.case_id == ids["case"])) == 1


def test_a_grid_worker_finds_and_progresses_only_their_own_measure(app_env) -> None:  # type: ignore[no-untyped-def]
    ids = _world(app_env)
    with app_env.session() as s:
        li = f.actor(s, s.scalar(select(User).where(User.username == "li")))
        wang = s.scalar(select(User).where(User.username == "wang"))
        assert wang is not None
        theirs = case_measures.add_measure(
            s, actor=li, case_id=ids["case"], department="community_workers",
            kind="counselling", responsible="王网格", due_date=None, responsible_user_id=wang.id)
        case_measures.add_measure(s, actor=li, case_id=ids["case"], department="civil_affairs",
                                  kind="temporary_relief", responsible="民政科", due_date=None)
        cases.open_case(s, actor=li, community_id=ids["community"], household="李家",
                        needs="独居老人")  # no measure of wang's: not listed for wang
    at = sign_in(new_app(), "wang", f.PASSWORD)
    at.switch_page(PAGE["cases"]).run()  # AppTest switches only to pages in the menu
    assert not at.exception
    listed = at.dataframe(key="cases_table").value
    assert list(listed.iloc[:, 0]) == ["周家"]
    at.session_state["cases_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    progress = at.selectbox(key="case_progress_measure")
    assert progress.options == ["心理疏导 · 王网格"]  # only their own measure
    assert not [b for b in at.button if b.key == "case_measure_submit"]  # no new measures
    at.selectbox(key="case_progress_status").set_value("in_progress")
    at.text_input(key="case_progress_note").input("已上门谈心一次")
    at.button(key="case_progress_submit").click().run()
    assert not at.exception
    with app_env.session() as s:
        row = s.get(AssistanceMeasure, theirs)
        assert row is not None and (row.status, row.note) == ("in_progress", "已上门谈心一次")


def test_officer_checks_in_and_out_and_records_a_dispute(app_env) -> None:  # type: ignore[no-untyped-def]
    _world(app_env)
    at = sign_in(new_app(), "li", f.PASSWORD)
    at.switch_page(PAGE["presence"]).run()
    at.button(key="presence_check_in").click().run()
    at.button(key="presence_check_out").click().run()
    assert not at.exception
    at.switch_page(PAGE["disputes"]).run()
    at.text_input(key="dispute_new_address").input("双林路12号")
    at.text_area(key="dispute_new_description").input("楼上漏水")
    at.session_state["dispute_new_parties"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"name": "王大明", "phone": "13911112222"}]}
    at.button(key="dispute_new_submit").click().run()
    assert not at.exception
    with app_env.session() as s:
        assert s.scalar(select(func.count()).select_from(Presence)
                        .where(Presence.ended_at.is_not(None))) == 1
        party = s.scalar(select(Dispute.parties))
        assert party == [{"name": "王大明", "relation": "", "id_number": "",
                          "phone": "13911112222"}]
