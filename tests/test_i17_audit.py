"""Issue 17: the audit log speaks people's language. Every action code the code can write has
a label in both languages (found by reading the source), and the audit page shows actions,
records and fields by their labels, before/after as 'field: before → after', ids by name,
personal fields masked as stored."""

from __future__ import annotations

import ast
import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog
from services.admin import audit_query
from services.admin.audit_query import AuditFilter, FieldChange, Named
from services.core import audit
from services.core.actor import Perm
from services.stats.importer import import_incidents
from services.stats.importfile import read_export
from tests import apptest_util
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, new_app, sign_in
from tests.audit_codes import (
    Resolver,
    Unresolved,
    _File,
    action_codes,
    entity_codes,
    field_names,
)
from ui.core.i18n import catalogue

app_env = apptest_util.app_env
PAGE = str(ROOT / "pages/admin_audit.py")
TODAY = date(2026, 3, 10)
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b")  # snake_case or dotted codes


def test_every_action_code_written_anywhere_has_a_label_in_both_languages() -> None:
    codes = action_codes()
    # literal, conditional, f-string, a helper's parameter, a workflow step, a constant
    assert {"auth.sign_in", "user.disable", "roster.unit_edit", "roster.member_join",
            "roster.officer_reactivate", "leads.auto_escalate", "leads.escalate",
            "leads.board_ack", "data.export", "auth.permission_denied"} <= codes
    assert not [c for c in codes if "social_unit_" in c]  # "unit" if entity == "social_unit"
    for lang in ("zh", "en"):
        texts = catalogue(lang)
        assert sorted(c for c in codes if f"audit.act.{c}" not in texts) == [], lang
        areas = {c.split(".")[0] for c in codes}
        assert sorted(a for a in areas if f"audit.area.{a}" not in texts) == [], lang


def test_records_fields_and_permissions_have_labels_in_both_languages() -> None:
    entities, fields = entity_codes() - {""}, field_names()
    assert {"lead", "member", "permission"} <= entities and {"phone", "status"} <= fields
    for lang in ("zh", "en"):
        texts = catalogue(lang)
        assert sorted(e for e in entities if f"audit.entity.{e}" not in texts) == [], lang
        assert sorted(k for k in fields if f"audit.field.{k}" not in texts) == [], lang
        assert sorted(p for p in Perm if f"audit.perm.{p}" not in texts) == [], lang


def _fake(source: str) -> Resolver:
    resolver = Resolver()
    resolver.files.append(_File(ROOT / "services/fake.py", ast.parse(source)))
    return resolver


def test_the_scan_sees_a_new_code_and_refuses_one_it_cannot_follow() -> None:
    head = "from services.core import audit\n"
    new = _fake(head + "def f(s, a):\n    audit.record(s, actor=a, action='leads.teleport')\n")
    assert "leads.teleport" in action_codes(new)  # and the label test above would fail
    blind = _fake(head + "def f(s, a):\n    audit.record(s, actor=a, action=pick())\n")
    with pytest.raises(Unresolved, match="services/fake.py:3"):
        action_codes(blind)


def test_changes_list_the_fields_that_changed_masked_and_named(session: Session) -> None:
    admin = f.actor(session, f.user(session, "admin"))
    c = f.community(session, name="双林社区")
    officer = f.officer(session, c, name="石勇")
    audit.record(session, actor=admin, action="roster.member_edit", entity="member",
                 entity_id=7, before={"name": "张三", "phone": "13812345678", "active": True},
                 after={"name": "张三丰", "phone": "13987654321", "active": True})
    audit.record(session, actor=None, actor_name="system", action="leads.auto_escalate",
                 entity="lead", entity_id=9, before={"status": "dispatched"},
                 after={"status": "escalated", "assigned_officer_id": officer.id,
                        "level": "station", "assigned_user_id": 99999})
    stored = session.scalars(select(AuditLog.after).where(AuditLog.entity == "member")).one()
    assert stored["phone"] == "139****4321"  # masked when written
    rows = audit_query.search(session, actor=admin, filters=AuditFilter()).rows
    escalated, edited = rows[0].changes, rows[1].changes
    assert edited == (FieldChange("name", "张三", "张三丰", True, True),
                      FieldChange("phone", "138****5678", "139****4321", True, True))
    assert escalated[0] == FieldChange("status", "dispatched", "escalated", True, True)
    assert escalated[1].after == Named(officer.id, "石勇") and not escalated[1].had
    assert escalated[3].after == Named(99999, "")  # a record since gone: its id alone


def _trail(env: AppEnv) -> None:
    with env.session() as s:
        f.user(s, "admin", username="chief")
        c = f.community(s, name="双林社区", name_en="Shuanglin")
        officer = f.officer(s, c, name="石勇")
        admin = f.actor(s, f.user(s, "admin", username="deputy"))
        audit.record(s, actor=admin, action="roster.member_edit", entity="member",
                     entity_id=7, before={"phone": "13812345678", "skills": ["first_aid"]},
                     after={"phone": "13987654321", "skills": ["first_aid", "driving"]})
        audit.record(s, actor=None, actor_name="system", action="leads.auto_escalate",
                     entity="lead", entity_id=9, before={"status": "dispatched"},
                     after={"status": "escalated", "assigned_officer_id": officer.id,
                            "community_id": c.id, "deadline": "resolve",
                            "accept_due_at": "2025-11-29T02:00:00+00:00"})


def _cells(at, columns: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    frame = at.dataframe[0].value
    return [str(v) for i in columns for v in frame.iloc[:, i]]


def test_the_audit_page_shows_labels_and_readable_changes(app_env: AppEnv) -> None:
    _trail(app_env)
    at = sign_in(new_app(), "chief", f.PASSWORD)
    at.switch_page(PAGE).run()
    assert not at.exception
    frame = at.dataframe[0].value
    actions, kinds = set(frame.iloc[:, 3]), set(frame.iloc[:, 4])
    assert {"登录", "超时自动升级", "修改队员"} <= actions and {"线索", "队员", "账号"} <= kinds
    changes = " ".join(frame.iloc[:, 6])
    assert "状态：已派单 → 已升级" in changes and "责任民警：石勇" in changes
    assert "社区：双林社区" in changes
    assert "超过的时限：办结时限" in changes and "接单时限：2025-11-29 10:00" in changes
    assert "电话：138****5678 → 139****4321" in changes
    assert "技能：急救 → 急救、驾驶" in changes
    assert "13987654321" not in changes
    shown = _cells(at, [3, 4, 6]) + list(at.selectbox(key="audit_action").options) + list(
        at.selectbox(key="audit_entity").options)
    assert [s for s in shown if CODE.search(s)] == []
    row = list(frame.iloc[:, 3]).index("超时自动升级")
    at.session_state["audit_table"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    listed = " ".join(m.value for m in at.markdown)
    assert "状态：已派单 → 已升级" in listed.replace("\\", "")


def test_the_audit_page_filters_by_labels_and_speaks_english(app_env: AppEnv) -> None:
    _trail(app_env)
    at = sign_in(new_app(), "chief", f.PASSWORD)
    at.switch_page(PAGE).run()
    at.selectbox(key="audit_action").set_value("leads.").run()
    assert set(at.dataframe[0].value.iloc[:, 3]) == {"超时自动升级"}
    at.selectbox(key="audit_entity").set_value("member").run()
    assert at.dataframe[0].value.empty  # leads' entries about a team member: none
    at.selectbox(key="audit_entity").set_value("").run()
    at.session_state["lang"] = "en"  # AppTest formats options in the test's language: zh
    at.run()
    frame = at.dataframe[0].value
    changes = " ".join(frame.iloc[:, 6])
    assert "Status: Dispatched → Escalated" in changes
    assert "Deadline missed: resolve deadline" in changes
    assert "Community: Shuanglin (" in changes and "双林" not in changes  # a place in pinyin
    assert set(frame.iloc[:, 3]) == {"Escalated (overdue)"}
    assert [s for s in _cells(at, [3, 4, 6]) if CODE.search(s)] == []



def test_an_incident_import_reads_in_labels_in_both_languages(app_env: AppEnv) -> None:
    """A real import, twice (the second replaces a count): its mode, its handling of rows seen
    before, its counts by category, the counts it replaced and the name it mapped read as
    labels, not codes, in Chinese and in English."""
    mapping = {"day": "日期", "category": "类别", "community": "社区", "count": "数量"}
    with app_env.session() as s:
        f.user(s, "admin", username="chief")
        f.community(s, name="双林社区", name_en="Shuanglin")
        admin = f.actor(s, f.user(s, "admin", username="deputy"))
        for count, existing in ((3, "skip"), (5, "update")):
            table = read_export(f"日期,类别,社区,数量\n2026-03-01,打架,双林社区,{count}\n"
                                .encode(), "110.csv")
            import_incidents(s, actor=admin, table=table, mapping=mapping, today=TODAY,
                             filename="110.csv", on_existing=existing,
                             decisions={"category": {"打架": "public_order"}})
    at = sign_in(new_app(), "chief", f.PASSWORD)
    at.switch_page(PAGE).run()
    changes = " ".join(at.dataframe[0].value.iloc[:, 6])
    assert "每日合计" in changes and "已有数据的处理：用文件中的数更新" in changes
    assert "治安警情：1" in changes and "2026-03-01,治安警情," in changes
    assert "对应为：治安" in changes and "新增：1" in changes
    assert [s for s in _cells(at, [3, 4, 6]) if CODE.search(s) or re.search("[a-z]{4}", s)] == []
    at.session_state["lang"] = "en"
    at.run()
    changes = " ".join(at.dataframe[0].value.iloc[:, 6])
    assert "Existing rows: Update them with the file's counts" in changes
    assert "Public order: 1" in changes or "public order" in changes.lower()
    assert [s for s in _cells(at, [3, 4, 6]) if CODE.search(s)] == []
