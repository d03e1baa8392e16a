"""AppTest: on a lead's page the officer gives a task to a social unit of the lead's community
and records the unit's report-back; messages sit under their fields and nothing typed is
lost; a report saved on a stale page says who recorded it first and keeps the text. Each
test reads what the database holds afterwards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from db.engine import session_scope
from db.models import AuditLog, LeadEvent, SocialUnit, Task
from services import leads
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.test_leads_tasks_cancel import Setup, _setup
from tests.test_leads_tasks_pages import _after, _table

LEAD_PAGE = str(ROOT / "pages" / "lead.py")
BANK = "农商行双林支行"


def _units(s: Any, x: Setup) -> tuple[int, int, int]:
    """An active unit of the lead's community, a closed one there, and one elsewhere."""
    rows = [SocialUnit(community_id=x.w.c1.id, name=BANK, kind="company"),
            SocialUnit(community_id=x.w.c1.id, name="已撤场的物业", kind="property",
                       active=False),
            SocialUnit(community_id=x.w.c2.id, name="别处的学校", kind="school")]
    s.add_all(rows)
    s.flush()
    return rows[0].id, rows[1].id, rows[2].id


def _given(s: Any) -> tuple[Setup, int]:
    """The lead of community 1 and a task its officer gave to the community's bank branch."""
    x = _setup(s)
    task_id = leads.give_task_to_unit(s, actor=x.w.officer1, lead_id=x.lead_id,
                                      social_unit_id=_units(s, x)[0], title="网点劝阻可疑转账")
    return x, task_id


def _lead_page(username: str, lead_id: int) -> AppTest:
    at = sign_in(new_app(), username, f.PASSWORD)
    assert not at.exception, at.exception
    at.session_state["lead_id"] = lead_id
    return at.switch_page(LEAD_PAGE).run()


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_the_officer_gives_a_unit_a_task_and_records_its_report(app_env: AppEnv) -> None:
    with app_env.session() as s:
        x = _setup(s)
        bank, closed, elsewhere = _units(s, x)
        officer, lead_id = x.w.officer1.username, x.lead_id
    at = _lead_page(officer, lead_id)
    unit_key, title_key, body_key = (f"unit_task_{k}_{lead_id}" for k in ("unit", "title", "body"))
    assert at.selectbox(key=unit_key).options == [BANK]  # active, of the lead's community only
    assert "尚未交给社会单元任务。" in texts(at)

    at.text_area(key=body_key).input("请网点留意老人大额转账")  # no unit, no title
    at.button(key="unit_task_submit").click().run()
    assert not at.exception, at.exception
    assert _after(at, unit_key).value == "请选择接受任务的社会单元。"
    assert _after(at, title_key).value == "此项必填。"
    assert at.text_area(key=body_key).value == "请网点留意老人大额转账"  # nothing typed lost
    assert _count(app_env.engine, Task) == 0

    at.selectbox(key=unit_key).set_value(bank)
    at.text_input(key=title_key).input("网点劝阻可疑转账")
    at.button(key="unit_task_submit").click().run()
    assert not at.exception, at.exception
    assert f"已交给 {BANK}" in texts(at).replace("\\", "")
    assert at.text_input(key=title_key).value == ""  # given: the form starts empty again
    with session_scope(app_env.engine) as s:
        task = s.scalars(select(Task)).one()
        assert (task.lead_id, task.social_unit_id, task.status, task.title, task.description) \
            == (lead_id, bank, "claimed", "网点劝阻可疑转账", "请网点留意老人大额转账")
        assert task.claimed_by_member_id is None and task.team_id is None
        given = s.scalars(select(AuditLog).where(AuditLog.action == "leads.task_unit")).one()
        assert given.entity_id == str(task.id) and given.after["social_unit_id"] == bank
        event = s.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead_id,
                                                  LeadEvent.action == "task")).one()
        assert event.data == {"task_id": task.id, "social_unit_id": bank}
        task_id = task.id
    units = _table(at, "社会单元")
    assert list(units.iloc[0, :4]) == [task_id, BANK, "网点劝阻可疑转账", "待反馈"]

    report = f"unit_report_{task_id}"
    at.text_area(key=report).input("   ")
    at.button(key=f"unit_report_submit_{task_id}").click().run()
    assert not at.exception, at.exception
    assert _after(at, report).value == "此项必填。"
    assert at.text_area(key=report).value == "   "
    assert _count(app_env.engine, Task, Task.status == "done") == 0

    at.text_area(key=report).input("网点已劝阻一笔 5 万元转账，老人已由家属接回。")
    at.button(key=f"unit_report_submit_{task_id}").click().run()
    assert not at.exception, at.exception
    assert f"任务 #{task_id} 的反馈已登记。" in texts(at)
    assert report not in [a.key for a in at.text_area]  # nothing more to record
    with session_scope(app_env.engine) as s:
        task = s.get(Task, task_id)
        assert task is not None and task.status == "done" and task.done_at is not None
        assert task.report == "网点已劝阻一笔 5 万元转账，老人已由家属接回。"
        done = s.scalars(select(AuditLog).where(AuditLog.action == "leads.task_unit_done")).one()
        assert done.entity_id == str(task_id) and done.after == {"status": "done"}
        events = s.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead_id,
                                                   LeadEvent.action == "task_done")).all()
        assert [(e.note, e.data) for e in events] == [
            (task.report, {"task_id": task_id, "social_unit_id": bank})]
    assert list(_table(at, "社会单元").iloc[0, 3:6:2]) == ["已反馈", task.report]
    timeline = _table(at, "环节")
    assert list(timeline.iloc[-2:, 4]) == ["网点劝阻可疑转账", task.report]
    assert closed and elsewhere  # offered nowhere above


def test_a_stale_report_names_who_recorded_first_and_keeps_the_text(
        app_env: AppEnv) -> None:  # noqa: F811
    with app_env.session() as s:
        x, task_id = _given(s)
        officer, backup = x.w.officer1.username, x.w.backup_officer
    at = _lead_page(officer, x.lead_id)
    with app_env.session() as s:  # the backup officer, in another browser, records it first
        leads.record_unit_report(s, actor=backup, task_id=task_id, shown_version=1,
                                 report="支行电话反馈：已劝阻。")
    at.text_area(key=f"unit_report_{task_id}").input("网点已劝阻转账，留存记录。")
    at.button(key=f"unit_report_submit_{task_id}").click().run()
    assert not at.exception, at.exception
    shown = texts(at).replace("\\", "")
    assert backup.username in shown and "未保存" in shown  # who, and that nothing was saved
    assert any(a.value == "网点已劝阻转账，留存记录。" for a in at.text_area)  # kept, to copy
    with session_scope(app_env.engine) as s:
        task = s.get(Task, task_id)
        assert task is not None and task.report == "支行电话反馈：已劝阻。"
    assert _count(app_env.engine, LeadEvent, LeadEvent.action == "task_done") == 1
    assert _count(app_env.engine, AuditLog, AuditLog.action == "leads.task_unit_done") == 1


def test_only_an_officer_who_handles_leads_sees_the_units_forms(
        app_env: AppEnv) -> None:  # noqa: F811
    with app_env.session() as s:
        x, task_id = _given(s)
    for username in (x.w.grid1.username, x.w.supervisor.username):
        at = _lead_page(username, x.lead_id)
        assert not at.exception, at.exception
        keys = [w.key for w in (*at.button, *at.text_area, *at.selectbox)]
        assert f"unit_report_submit_{task_id}" not in keys, username
        assert "unit_task_submit" not in keys and "社会单元协同" not in texts(at), username
