"""An assistance file's details edited from its page: who may, the version shown, the audit,
and a conflict that names who saved in between while keeping what was typed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AssistanceCase, AuditLog, User
from services.cases import files as cases
from services.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in  # noqa: F401
from tests.test_alerts_pages import _world as page_world
from tests.test_cases import _world

PAGE = str(ROOT / "pages/cases.py")


def _edit(s, actor, case_id, version, **kw):  # type: ignore[no-untyped-def]
    return cases.update_case(s, actor=actor, case_id=case_id, shown_version=version,
                             household=kw.get("household", "陈婆婆"),
                             needs=kw.get("needs", "独居，需定期探访"),
                             address=kw.get("address", "双林路 12 号"))


def test_who_may_edit_a_file(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    with pytest.raises(PermissionDenied):  # a grid worker never edits a file
        _edit(session, a["worker"], case_id, 1)
    for outsider in ("other_officer", "far_supervisor"):
        with pytest.raises((NotFound, PermissionDenied)):
            _edit(session, a[outsider], case_id, 1)
    version = 1
    for editor in ("officer", "supervisor", "admin"):  # the community's officer, its station
        version = _edit(session, a[editor], case_id, version, needs=f"{editor} 更新")
    row = session.get(AssistanceCase, case_id)
    assert (row.needs, row.version) == ("admin 更新", 4)


def test_an_edit_is_audited_with_before_and_after(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    _edit(session, a["officer"], case_id, 1, household="陈婆婆", address="双林路 12 号")
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "cases.update")).one()
    assert entry.entity_id == str(case_id)
    assert entry.before["household"] == "周桂兰一家" and entry.after["household"] == "陈婆婆"
    assert entry.after["address"] == "双林路 12 号"


def test_messy_input_and_a_closed_file_are_refused(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    with pytest.raises(Invalid) as bad:
        _edit(session, a["officer"], case_id, 1, household="  \x00 ", needs="x" * 5000)
    assert set(bad.value.fields) == {"household", "needs"}
    assert session.get(AssistanceCase, case_id).version == 1  # nothing written
    cases.close_case(session, actor=a["officer"], case_id=case_id, shown_version=1,
                     outcome="已纳入低保")
    with pytest.raises(Invalid) as closed:
        _edit(session, a["officer"], case_id, 2)
    assert closed.value.key == "cases.closed_no_change"


def test_two_editors_get_a_conflict_naming_who(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    _edit(session, a["supervisor"], case_id, 1, needs="先到")
    with pytest.raises(Conflict) as late:
        _edit(session, a["officer"], case_id, 1, needs="后到")
    assert late.value.params["who"] and late.value.params["when"]
    assert session.get(AssistanceCase, case_id).needs == "先到"


def _open(at):  # type: ignore[no-untyped-def]
    at.switch_page(PAGE).run()
    at.session_state["cases_table"] = {"selection": {"rows": [0], "columns": []}}
    return at.run()


def test_the_page_edits_the_file_and_a_conflict_keeps_what_was_typed(app_env: AppEnv) -> None:
    ids = page_world(app_env)
    at = _open(sign_in(new_app(), "li", f.PASSWORD))
    assert not at.exception
    key = f"case_edit_{ids['case']}"
    assert at.text_input(key=f"{key}_household").value == "周家"
    at.text_area(key=f"{key}_needs").input("独居老人，需每周探访")
    at.button(key="case_edit_submit").click().run()
    assert not at.exception
    with app_env.session() as s:
        row = s.get(AssistanceCase, ids["case"])
        assert row is not None and (row.needs, row.version) == ("独居老人，需每周探访", 2)
        # Meanwhile the commander saves the file: li's form still carries version 2.
        boss = f.actor(s, s.scalar(select(User).where(User.username == "commander")))
        cases.update_case(s, actor=boss, case_id=ids["case"], shown_version=2,
                          household="周家", needs="指挥中心补充：有慢性病")
    at.text_input(key=f"{key}_address").input("双林路 8 号")
    at.button(key="case_edit_submit").click().run()
    assert not at.exception
    assert any("修改" in e.value and "commander" in e.value for e in at.error)
    assert at.text_input(key=f"{key}_address").value == "双林路 8 号"  # kept
    with app_env.session() as s:
        row = s.get(AssistanceCase, ids["case"])
        assert row is not None and (row.address, row.version) == ("", 3)  # not overwritten
    at.button(key="case_edit_reload").click().run()
    assert at.text_area(key=f"{key}_needs").value == "指挥中心补充：有慢性病"
    assert at.text_input(key=f"{key}_address").value == ""


def test_no_edit_form_for_a_grid_worker(app_env: AppEnv) -> None:
    ids = page_world(app_env)
    with app_env.session() as s:
        from services.cases import measures as case_measures

        li = f.actor(s, s.scalar(select(User).where(User.username == "li")))
        wang = s.scalar(select(User).where(User.username == "wang"))
        case_measures.add_measure(s, actor=li, case_id=ids["case"], department="civil_affairs",
                                  kind="temporary_relief", responsible="王网格", due_date=None,
                                  responsible_user_id=wang.id)  # type: ignore[union-attr]
    at = _open(sign_in(new_app(), "wang", f.PASSWORD))
    assert not at.exception
    assert not [b for b in at.button if b.key == "case_edit_submit"]
