"""Roster import of real station files: no wrong ID stored, no duplicate person, no rename
without the user's word, memberships, and no ID oracle (issues 12 and 14.6)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Member, Membership, Team
from services import roster
from services.core.errors import Invalid
from services.core.masking import mask_id
from services.roster.importmembers import CHECK_LIMIT, ELSEWHERE, ELSEWHERE_PER_DAY
from tests import factories as f
from tests import roster_corpus as rc
from tests import sheet_files as sf
from tests.roster_world import RosterWorld, build
from ui.roster.common import import_aliases

ALIASES = import_aliases()
EXCEL = "roster_imp.id_excel_number"


def _table(data: bytes, name: str = "名册.xlsx", sheet: str | None = None) -> roster.Table:
    return roster.read_table(data, name, sheet=sheet)


def _plan(session: Session, w: RosterWorld, table: roster.Table, actor=None, **kw):  # type: ignore[no-untyped-def]
    return roster.preview_import(session, actor=actor or w.officer, kind="members",
                                 table=table, aliases=ALIASES,
                                 mapping=roster.guess_mapping("members", table.headers,
                                                              table.hidden), **kw)


def _run(session: Session, w: RosterWorld, table: roster.Table, actor=None, **kw):  # type: ignore[no-untyped-def]
    return roster.run_import(session, actor=actor or w.officer, kind="members", table=table,
                             aliases=ALIASES,
                             mapping=roster.guess_mapping("members", table.headers,
                                                          table.hidden), **kw)


def _people(session: Session) -> list[tuple]:
    session.expire_all()
    return [tuple(r) for r in session.execute(
        select(Member.id, Member.name, Member.phone, Member.id_number, Member.version)
        .order_by(Member.id))]


def _teams(session: Session, member_id: int) -> set[int]:
    return set(session.scalars(select(Membership.team_id)
                               .where(Membership.member_id == member_id)))


def test_excel_number_ids_are_never_stored_even_when_the_check_digit_passes(
        session: Session) -> None:
    w = build(session)
    true, damaged = rc.damaged_but_valid()
    other = next(i for i in map(rc.make_id, range(70, 90)) if i[-1] != "X")
    rows: list[list[object]] = [
        ["双林社区", "双林巡逻队", "孙八", "13900000008", rc.excel_float(true)],
        ["双林社区", "双林巡逻队", "周九", "13900000009", rc.excel_float(other)]]
    table = _table(rc.xlsx(rows))
    plan = _plan(session, w, table)
    assert [(r.line, r.action, r.problems) for r in plan.rows] == [
        (2, "bad", (("id_number", EXCEL),)), (3, "bad", (("id_number", EXCEL),))]
    before = _people(session)
    summary = _run(session, w, table, valid_only=True)
    assert summary.added == 0 and _people(session) == before
    assert not session.scalar(select(Member.id).where(Member.id_number.in_([damaged, true])))
    # the file exported again with the column as text: each person once, with the true ID
    fixed = _table(rc.xlsx([[*r[:4], n] for r, n in zip(rows, (true, other), strict=True)]))
    assert _run(session, w, fixed).added == 2
    assert _run(session, w, fixed).unchanged == 2
    stored = session.execute(select(Member.name, Member.id_number)
                             .where(Member.name.in_(["孙八", "周九"]))).all()
    assert sorted(stored) == sorted([("孙八", true), ("周九", other)])


@pytest.mark.parametrize("name", ["名册.xls", "名册.et"])
def test_an_old_binary_workbook_stores_the_visible_phones_and_no_excel_damaged_id(
        session: Session, name: str) -> None:
    """A station's .xls (or WPS .et): a cover sheet, a merged title, a hidden last-year phone
    column left of the current one, and one ID column cell Excel stored as a number."""
    w = build(session)
    true, damaged = rc.damaged_but_valid()
    heads = ["社区", "队伍", "姓名", "手机号码", "联系电话", "身份证号码"]
    rows = [["双林社区名册（2026年）"], [], heads,
            ["双林社区", "双林巡逻队", "旧格式甲", "13700000001", "13811110001", rc.make_id(411)],
            ["双林社区", "双林巡逻队", "旧格式乙", "13700000002", "13811110002",
             rc.excel_float(true)]]
    data = sf.xls(rows, title="名册", hidden_columns=[3], merges=[(0, 0, 0, 5)],
                  first=("封面", [["双林社区群防群治力量名册"]], "visible"))
    table = _table(data, name)
    assert table.sheet == "名册" and table.headers == tuple(heads)
    plan = _plan(session, w, table)
    assert [(r.line, r.action) for r in plan.rows] == [(4, "add"), (5, "bad")]
    assert plan.rows[1].problems == (("id_number", EXCEL),)
    assert _run(session, w, table, valid_only=True).added == 1
    stored = session.execute(select(Member.name, Member.phone, Member.id_number)
                             .where(Member.name.like("旧格式%"))).all()
    assert stored == [("旧格式甲", "13811110001", rc.make_id(411))]
    assert not session.scalar(select(Member.id).where(Member.id_number.in_([damaged, true])))


@pytest.mark.parametrize("cell", ["5.00104E+17", "5.00104195511210E+17",
                                  "500104195511210000.0", "500104195511210109.00"])
def test_scientific_and_float_shaped_id_text_is_refused_as_excel_damage(
        session: Session, cell: str) -> None:
    w = build(session)
    table = _table(rc.csv_bytes([["双林社区", "双林巡逻队", "孙八", "13900000008", cell]]),
                   "名册.csv")
    plan = _plan(session, w, table)
    assert plan.rows[0].problems == (("id_number", EXCEL),)
    before = _people(session)
    with pytest.raises(Invalid):
        _run(session, w, table)
    assert _people(session) == before


def test_full_width_digits_and_15_digit_ids_are_normalised(session: Session) -> None:
    w = build(session)
    good = rc.make_id(5)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in good)
    wide = wide[:6] + "\u3000" + wide[6:14] + " " + wide[14:]
    old = "500104551121012"  # 1955-11-21, sequence 012, first generation
    table = _table(rc.csv_bytes([["双林社区", "双林巡逻队", "孙八", "13900000008", wide],
                                 ["双林社区", "双林巡逻队", "周九", "13900000009", old]]),
                   "名册.csv")
    plan = _plan(session, w, table)
    assert [r.action for r in plan.rows] == ["add", "add"]
    assert plan.rows[1].notes == (("id_number", "roster_imp.id_15_converted"),)
    _run(session, w, table)
    ids = dict(session.execute(select(Member.name, Member.id_number)
                               .where(Member.name.in_(["孙八", "周九"]))).all())
    first17 = "50010419551121012"
    assert ids == {"孙八": good, "周九": first17 + rc.id_check_character(first17)}


def test_a_shared_phone_with_another_name_is_decided_never_a_rename(session: Session) -> None:
    w = build(session)
    zhao = w.members[3]  # 赵六, 13800000004, no ID number, in the patrol team
    table = _table(rc.csv_bytes([["双林社区", "双林巡逻队", "王八", "13800000004", ""]]),
                   "名册.csv")
    plan = _plan(session, w, table)
    row, = plan.rows
    assert row.action == "decide" and row.candidate == "赵六 138****0004"
    assert plan.counts() == {"added": 0, "updated": 0, "unchanged": 0, "refused": 0,
                             "decide": 1}
    before = _people(session)
    with pytest.raises(Invalid) as caught:
        _run(session, w, table)
    assert caught.value.fields == {"file": "roster_imp.undecided"}
    assert _people(session) == before
    summary = _run(session, w, table, decisions={2: "different"})
    assert summary.added == 1
    session.refresh(zhao)
    assert zhao.name == "赵六"  # not renamed
    assert session.scalar(select(func.count()).select_from(Member)
                          .where(Member.phone == "13800000004")) == 2
    # the same file again: the name + phone match the new person, nothing to decide
    assert _plan(session, w, table).rows[0].action == "same"


def test_same_person_decision_updates_them_with_every_field_shown(session: Session) -> None:
    w = build(session)
    zhao = w.members[3]
    table = _table(rc.csv_bytes([["双林社区", "双林巡逻队", "赵六六", "13800000004",
                                  rc.make_id(9)]]), "名册.csv")
    plan = _plan(session, w, table, decisions={2: "same"})
    row, = plan.rows
    assert row.action == "update"
    assert {f: (b, a) for f, b, a in row.changes} == {
        "name": ("赵六", "赵六六"), "id_number": ("", mask_id(rc.make_id(9)))}
    _run(session, w, table, decisions={2: "same"})
    session.refresh(zhao)
    assert (zhao.name, zhao.id_number) == ("赵六六", rc.make_id(9))
    edits = session.scalars(select(AuditLog).where(
        AuditLog.action == "roster.member_import_update", AuditLog.entity_id == str(zhao.id)))
    assert [e.before["name"] for e in edits] == ["赵六"]


def test_a_second_teams_file_adds_a_membership(session: Session) -> None:
    w = build(session)
    zhang = w.members[0]  # 张三, in the response unit, with an ID number
    table = _table(rc.csv_bytes([["双林社区", "双林巡逻队", "张三", "13800000001",
                                  zhang.id_number or ""]]), "名册.csv")
    plan = _plan(session, w, table)
    assert plan.rows[0].action == "update"
    assert plan.rows[0].changes == (("team", "", "双林巡逻队"),)
    people = len(_people(session))
    _run(session, w, table)
    assert _teams(session, zhang.id) == {w.response.id, w.patrol.id}
    assert len(_people(session)) == people  # no second person
    assert _plan(session, w, table).rows[0].action == "same"
    # the response unit's own file without 张三 takes nobody out of it
    other = _table(rc.csv_bytes([["双林社区", "双林最小处置单元", "李四", "13800000002",
                                  w.members[1].id_number or ""]]), "名册.csv")
    _run(session, w, other)
    assert _teams(session, zhang.id) == {w.response.id, w.patrol.id}


def _far_people(session: Session, w: RosterWorld, n: int) -> list[Member]:
    team = f.team(session, w.far, name="远山志愿队")
    return [f.member(session, team, name=f"远方{i}", phone=f"137{i:08d}",
                     id_number=rc.make_id(100 + i, "19700101")) for i in range(n)]


def test_an_id_on_another_communitys_roster_is_no_oracle(session: Session) -> None:
    w = build(session)
    far = _far_people(session, w, ELSEWHERE_PER_DAY + 5)
    new_ids = [rc.make_id(600 + i, "19800101") for i in range(5)]
    rows = [["双林社区", "双林巡逻队", f"查询{i}", f"1360000{i:04d}", p.id_number or ""]
            for i, p in enumerate(far)]
    rows += [["双林社区", "双林巡逻队", f"新人{i}", f"1350000{i:04d}", n]
             for i, n in enumerate(new_ids)]
    table = _table(rc.csv_bytes(rows), "名册.csv")
    plan = _plan(session, w, table)
    keys = [dict(r.problems).get("id_number") for r in plan.rows]
    assert keys == [ELSEWHERE] * ELSEWHERE_PER_DAY + [CHECK_LIMIT] * 10
    shown = repr(plan)
    assert "远方" not in shown and "137" not in shown  # nothing of their roster
    audits = session.scalars(select(AuditLog).where(
        AuditLog.action == "roster.import_elsewhere")).all()
    assert len(audits) == 1 and len(audits[0].after["ids"]) == ELSEWHERE_PER_DAY
    assert audits[0].actor_user_id == w.officer.user_id
    assert all(p.id_number not in repr(audits[0].after) for p in far)
    # checking again the same day spends nothing new and answers the same way
    again = [dict(r.problems).get("id_number") for r in _plan(session, w, table).rows]
    assert again == keys
    used = {d for a in session.scalars(select(AuditLog.after).where(
        AuditLog.action == "roster.import_elsewhere")) for d in a["ids"]}
    assert len(used) == ELSEWHERE_PER_DAY
    before = _people(session)
    _run(session, w, table, valid_only=True)
    assert _people(session) == before  # nothing stored, nobody moved or renamed
    assert all(_teams(session, p.id) == {p_team} for p, p_team in
               ((p, session.scalar(select(Team.id).where(Team.community_id == w.far.id)))
                for p in far))


def test_the_admin_imports_a_person_from_another_community_as_a_membership(
        session: Session) -> None:
    w = build(session)
    far, = _far_people(session, w, 1)
    table = _table(rc.csv_bytes([["双林社区", "双林巡逻队", far.name, far.phone,
                                  far.id_number or ""]]), "名册.csv")
    plan = _plan(session, w, table, actor=w.admin)
    assert plan.rows[0].action == "update"
    _run(session, w, table, actor=w.admin)
    assert w.patrol.id in _teams(session, far.id) and len(_teams(session, far.id)) == 2
    assert not session.scalar(select(AuditLog.id).where(
        AuditLog.action == "roster.import_elsewhere"))


def test_title_rows_cover_sheet_and_hidden_old_phone_column(session: Session) -> None:
    w = build(session)
    headers = ["社区", "队伍", "姓名", "手机号码", "联系电话", "身份证号码"]
    rows = [["双林社区", "双林巡逻队", "孙八", "13900000000", "13911112222", rc.make_id(31)],
            ["双林社区", "双林巡逻队", "周九", "13900000001", "13933334444", rc.make_id(32)]]
    data = rc.xlsx(rows, headers, title="双林社区义务巡逻队名册（2026年）",
                   hidden=("手机号码",), cover=True)
    table = _table(data)
    assert table.sheet == "名册" and "封面" in table.sheets
    mapping = roster.guess_mapping("members", table.headers, table.hidden)
    assert table.headers[mapping["phone"]] == "联系电话"  # type: ignore[index]
    plan = _plan(session, w, table)
    assert [r.line for r in plan.rows] == [4, 5]  # as the sheet numbers them
    _run(session, w, table)
    phones = dict(session.execute(select(Member.name, Member.phone)
                                  .where(Member.name.in_(["孙八", "周九"]))).all())
    assert phones == {"孙八": "13911112222", "周九": "13933334444"}
