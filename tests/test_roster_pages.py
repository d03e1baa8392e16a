"""AppTest: the roster pages driven by widget keys (add with a bad ID, bulk edit, roles)."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from db.models import AuditLog, Member, User
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.roster_world import build, id_number

PAGE = {n: str(ROOT / "pages" / f"{n}.py") for n in ("roster", "community", "roster_import")}


@pytest.fixture
def env(app_env: AppEnv) -> dict[str, str]:  # noqa: F811 - the shared fixture, renamed
    with app_env.session() as s:
        w = build(s)
        names = {k: s.get(User, getattr(w, k).user_id).username  # type: ignore[union-attr]
                 for k in ("admin", "supervisor", "officer", "grid_worker")}
    return {**names, "response": str(w.response.id), "a": str(w.a.id),
            "b": str(w.b.id)}


def _open(username: str, page: str):  # type: ignore[no-untyped-def]
    at = sign_in(new_app(), username, f.PASSWORD)
    assert not at.exception, at.exception
    return at.switch_page(PAGE[page]).run()


def _members(env: AppEnv) -> dict[str, Member]:
    with env.session() as s:
        return {m.name: m for m in s.scalars(select(Member))}


def test_officer_adds_a_member_fixing_a_bad_id_number(env: dict[str, str],
                                                      app_env: AppEnv) -> None:  # noqa: F811
    at = _open(env["officer"], "community")
    assert "双林社区" in at.title[0].value
    at.segmented_control(key="community_section").set_value("members").run()
    at.selectbox(key="community_team").set_value(int(env["response"])).run()
    assert at.metric[0].value == "3"  # the response unit's active members
    at.text_input(key="member_add_name").input("孙十一")
    at.text_input(key="member_add_phone").input("139 0000 0011")
    good = id_number(11)
    at.text_input(key="member_add_id").input(good[:-1] + ("1" if good[-1] != "1" else "2"))
    at.multiselect(key="member_add_skills").select("first_aid")
    at.multiselect(key="member_add_days").select(5)
    at.time_input(key="member_add_from").set_value(time(22, 0))
    at.time_input(key="member_add_to").set_value(time(6, 0))
    at.button(key="member_add_submit").click().run()
    assert not at.exception
    assert "校验位" in texts(at) and "孙十一" not in _members(app_env)
    assert at.text_input(key="member_add_name").value == "孙十一"  # what was typed is kept
    at.text_input(key="member_add_id").input(good)
    at.button(key="member_add_submit").click().run()
    assert not at.exception
    added = _members(app_env)["孙十一"]
    assert added.phone == "13900000011" and added.id_number == good
    assert added.availability == {"days": [5], "from": "22:00", "to": "06:00"}
    assert "已添加队员" in texts(at) and at.metric[0].value == "4"
    assert at.text_input(key="member_add_name").value == ""  # the form starts afresh


def test_bulk_edit_in_the_table_saves_all_or_nothing(env: dict[str, str],
                                                     app_env: AppEnv) -> None:  # noqa: F811
    at = _open(env["officer"], "community")
    at.segmented_control(key="community_section").set_value("members").run()
    key = f"bulk_{env['response']}_0"
    at.selectbox(key="community_team").set_value(int(env["response"])).run()
    at.session_state[key] = {"edited_rows": {0: {"phone": "12"}, 1: {"name": "李四四"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="bulk_save").click().run()
    assert not at.exception and "所有修改均未保存" in texts(at)
    assert "李四四" not in _members(app_env)
    at.session_state[key] = {"edited_rows": {1: {"name": "李四四"}},
                             "added_rows": [{"name": "新队员", "phone": "13900000012"}],
                             "deleted_rows": []}
    at.run()
    at.button(key="bulk_save").click().run()
    assert not at.exception, at.exception
    members = _members(app_env)
    assert "李四四" in members and members["新队员"].phone == "13900000012"
    assert "表格已保存" in texts(at)


def test_supervisor_sees_masked_and_cannot_edit_grid_worker_is_refused(
        env: dict[str, str]) -> None:
    at = _open(env["supervisor"], "roster")
    assert not at.exception
    frame = at.dataframe(key="roster_table").value
    assert set(frame.iloc[:, 0]) == {"双林社区", "临江社区"}
    at.switch_page(PAGE["community"])  # as from a row of the district view
    at.query_params["id"] = env["b"]
    at.run()
    assert not at.exception and "临江社区" in at.title[0].value
    at = _open(env["supervisor"], "community")
    at.segmented_control(key="community_section").set_value("members").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "bulk_save"]
    assert not [t for t in at.text_input if t.key == "member_add_name"]
    for page in ("roster", "community", "roster_import"):  # direct URLs: the guard refuses
        grid = sign_in(new_app(PAGE[page]), env["grid_worker"], f.PASSWORD)
        assert not grid.exception
        assert any("没有权限" in e.value for e in grid.error) and not grid.dataframe


def test_admin_reveals_a_phone_and_it_is_audited(env: dict[str, str],
                                                 app_env: AppEnv) -> None:  # noqa: F811
    at = _open(env["admin"], "community")
    at.selectbox(key="community_pick").set_value(int(env["a"])).run()
    at.segmented_control(key="community_section").set_value("members").run()
    zhang = _members(app_env)["张三"]
    with app_env.session() as s:
        team_id = f.team_of(s, zhang)
    at.selectbox(key="community_team").set_value(team_id).run()
    at.selectbox(key=f"member_pick_{team_id}").set_value(zhang.id).run()
    at.button(key=f"reveal_member_{zhang.id}_phone").click().run()
    assert not at.exception
    assert any(c.value == "13800000001" for c in at.code)
    at.run()
    assert not any(c.value == "13800000001" for c in at.code)  # shown once, not kept
    with app_env.session() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "roster.reveal")).one()
    assert entry.actor_name == env["admin"] and entry.entity_id == str(zhang.id)
    assert entry.after == {"field": "phone"}
