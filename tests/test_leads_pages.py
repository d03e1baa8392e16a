"""AppTest: the lead pages driven by widget keys, from report to verification, and a lead
recorded as a dispute."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db.models import Dispute, Lead
from services import leads
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.leads_world import build


@pytest.fixture
def env(app_env: AppEnv) -> AppEnv:  # noqa: F811 - the shared fixture, renamed
    return app_env


PAGE = {name: str(ROOT / "pages" / f"{name}.py")
        for name in ("report_lead", "leads", "lead", "admin_rules", "tasks")}


def _world(env: AppEnv) -> dict[str, str]:
    with env.session() as s:
        w = build(s)
    return {k: getattr(w, k).username for k in ("admin", "supervisor", "officer1", "grid1")}


def _leads(env: AppEnv) -> list[tuple[int, str, str]]:
    with env.session() as s:
        return [tuple(r) for r in s.execute(select(Lead.id, Lead.status, Lead.description))]


def _open(username: str, page: str):  # type: ignore[no-untyped-def]
    at = sign_in(new_app(), username, f.PASSWORD)
    assert not at.exception, at.exception
    return at.switch_page(PAGE[page]).run()


def test_grid_worker_reports_and_bad_input_saves_nothing(env: AppEnv) -> None:
    users = _world(env)
    at = _open(users["grid1"], "report_lead")
    at.selectbox(key="lead_form_category").set_value("fire")
    at.button(key="lead_submit").click().run()
    assert not at.exception
    assert "必填" in texts(at) and _leads(env) == []  # description missing
    at.text_area(key="lead_form_description").input("x" * 1999 + "\x00").run()
    at.button(key="lead_submit").click().run()
    assert "控制字符" in texts(at) and _leads(env) == []
    at.text_area(key="lead_form_description").input("楼道里电动车充电").run()
    at.button(key="lead_submit").click().run()
    assert not at.exception
    assert [(s, d) for _, s, d in _leads(env)] == [("dispatched", "楼道里电动车充电")]
    assert "已提交" in texts(at)


def test_officer_accepts_and_resolves_supervisor_verifies(env: AppEnv) -> None:
    users = _world(env)
    at = _open(users["grid1"], "report_lead")
    at.selectbox(key="lead_form_category").set_value("dispute")
    at.text_area(key="lead_form_description").input("邻里噪音").run()
    at.button(key="lead_submit").click().run()
    (lead_id, _, _), = _leads(env)

    at = _open(users["officer1"], "leads")
    assert not at.exception and at.dataframe(key="leads_table").value.iloc[0, 0] == lead_id
    at.session_state["lead_id"] = lead_id
    at.switch_page(PAGE["lead"]).run()
    at.button(key="lead_do_accept").click().run()
    assert not at.exception and _leads(env)[0][1] == "accepted"
    at.text_area(key=f"lead_note_resolve_{lead_id}").input("已调解")  # inside a form
    at.button(key="lead_do_resolve").click().run()
    assert _leads(env)[0][1] == "resolved"

    at = _open(users["supervisor"], "leads")
    at.session_state["lead_id"] = lead_id
    at.switch_page(PAGE["lead"]).run()
    assert "lead_do_accept" not in [b.key for b in at.button]
    at.button(key="lead_do_verify").click().run()
    at.button(key="lead_do_close").click().run()
    assert not at.exception and _leads(env)[0][1] == "closed"

    at = _open(users["grid1"], "leads")  # my reports as cards: status, the reply, when
    assert not at.exception
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges == [":green-badge[已关闭]"]
    assert "已调解" in [t.value for t in at.text]


def test_admin_saves_rules_others_are_refused(env: AppEnv) -> None:
    users = _world(env)
    at = _open(users["admin"], "admin_rules")
    assert not at.exception
    at.button(key="rules_save").click().run()
    at.button(key="deadlines_save").click().run()
    assert not at.exception and "已保存" in texts(at)
    with env.session() as s:
        from db.models import Deadline, DispatchRule

        assert s.scalar(select(func.count()).select_from(DispatchRule)) == 3
        assert s.scalar(select(func.count()).select_from(Deadline)) == 3
    at = sign_in(new_app(PAGE["admin_rules"]), users["officer1"], f.PASSWORD)  # direct URL
    assert not at.exception and "没有权限" in texts(at)
    assert not [b for b in at.button if b.key == "rules_save"]


def test_inbox_filters_survive_a_visit_to_another_page(env: AppEnv) -> None:
    users = _world(env)
    at = _open(users["officer1"], "leads")
    at.toggle(key="leads_f_overdue").set_value(True)
    at.multiselect(key="leads_f_category").set_value(["fire"]).run()
    at.switch_page(str(ROOT / "pages" / "home.py")).run()
    at.switch_page(PAGE["leads"]).run()
    assert not at.exception and not at.warning
    assert at.toggle(key="leads_f_overdue").value is True
    assert at.multiselect(key="leads_f_category").value == ["fire"]


def test_officer_records_a_lead_as_a_dispute_then_finds_the_link(env: AppEnv) -> None:
    with env.session() as s:
        w = build(s)
        lead_id = leads.report_lead(s, actor=w.grid1, category="dispute", urgency="routine",
                                    description="两户因楼道堆物争吵", grid_id=w.g1.id,
                                    address="双林路8号").id
        officer, grid1 = w.officer1.username, w.grid1.username
    form = f"lead_dispute_{lead_id}"
    at = _open(officer, "leads")
    at.session_state["lead_id"] = lead_id
    at.switch_page(PAGE["lead"]).run()
    assert not at.exception
    assert at.text_input(key=f"{form}_address").value == "双林路8号"  # taken from the lead
    assert at.text_area(key=f"{form}_description").value == "两户因楼道堆物争吵"
    at.text_input(key=f"{form}_address").input("双林路8号2单元")
    at.session_state[f"{form}_parties"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"name": "王大明", "phone": "13911112222"}]}
    at.button(key="lead_dispute_submit").click().run()  # no kind chosen
    assert not at.exception and "请从列表中选择纠纷类型" in texts(at)
    assert at.text_input(key=f"{form}_address").value == "双林路8号2单元"  # what was typed
    with env.session() as s:
        assert s.scalar(select(func.count()).select_from(Dispute)) == 0

    at.selectbox(key=f"{form}_kind").set_value("neighbour")
    at.button(key="lead_dispute_submit").click().run()
    assert not at.exception and "已登记为矛盾纠纷" in texts(at)
    with env.session() as s:
        (dispute_id, linked, address, parties), = s.execute(
            select(Dispute.id, Dispute.lead_id, Dispute.address, Dispute.parties)).all()
    assert (linked, address, parties[0]["name"]) == (lead_id, "双林路8号2单元", "王大明")
    assert "lead_dispute_submit" not in [b.key for b in at.button]  # no second one offered
    link, = [p for p in at.page_link if p.value == f"查看矛盾纠纷 #{dispute_id}"]
    assert link.proto.query_string == f"id={dispute_id}"

    at.query_params["id"] = str(dispute_id)  # where the link goes
    at.switch_page(str(ROOT / "pages" / "disputes.py")).run()
    assert not at.exception and f"纠纷 #{dispute_id}：邻里纠纷" in texts(at)
    assert f"来源线索 #{lead_id}" in [p.value for p in at.page_link]

    at = _open(grid1, "leads")  # the reporter: no dispute form, no link
    at.session_state["lead_id"] = lead_id
    at.switch_page(PAGE["lead"]).run()
    assert not at.exception and "lead_dispute_submit" not in [b.key for b in at.button]
    assert not [p for p in at.page_link if "纠纷" in p.value]


def test_the_inbox_marks_overdue_leads_in_red_and_only_those(env: AppEnv) -> None:
    from datetime import timedelta

    from services.core import clock

    with env.session() as s:
        w = build(s)
        late = leads.report_lead(s, actor=w.grid1, category="fire", urgency="urgent",
                                 description="三天前报的", grid_id=w.g1.id,
                                 now=clock.now() - timedelta(days=3)).id
        fresh = leads.report_lead(s, actor=w.grid1, category="fire", urgency="routine",
                                  description="刚报的", grid_id=w.g1.id).id
    at = _open(w.officer1.username, "leads")
    assert not at.exception, at.exception
    table = at.dataframe[0]
    marks = dict(zip(table.value["编号"], table.value["超时"], strict=True))
    assert list(marks[late]) == ["超时"] and list(marks[fresh]) == []
    config = json.loads(table.proto.columns)["超时"]  # as the browser receives it
    assert config["type_config"]["options"] == [{"value": "超时", "color": "#c62828"}]
