"""Import: 2,000 rows with 5 % bad, every bad row listed, all or nothing, idempotent."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Member, Membership, SocialUnit
from services import roster
from services.core.errors import Invalid, PermissionDenied
from tests import roster_files as rf
from tests.roster_world import RosterWorld, build
from ui.roster.common import import_aliases

ALIASES = import_aliases()


def _teams_grids(w: RosterWorld) -> tuple[list[str], list[str]]:
    # by team name, and by kind label for the one active team of that kind
    return ["双林最小处置单元", "义务巡逻队", "双林巡逻队", "Patrol"], [
        g.name for g in w.grids_a] + [w.grids_a[0].code]


def _members(session: Session) -> list[tuple]:
    session.expire_all()
    return [tuple(r) for r in session.execute(
        select(Member.id, Member.name, Member.phone, Member.id_number,
               select(func.min(Membership.team_id)).where(Membership.member_id == Member.id)
               .scalar_subquery(),
               Member.grid_id, Member.skills, Member.version).order_by(Member.id))]


def _import(session: Session, w: RosterWorld, table: roster.Table, **kw):  # type: ignore[no-untyped-def]
    mapping = roster.guess_mapping("members", table.headers)
    return roster.run_import(session, actor=w.officer, kind="members", table=table,
                             mapping=mapping, aliases=ALIASES, **kw)


def test_2000_rows_with_5_percent_bad(session: Session) -> None:
    w = build(session)
    teams, grids = _teams_grids(w)
    rows, bad_lines = rf.member_rows("双林社区", teams, grids, 2000)
    table = roster.read_table(rf.to_csv(rf.HEADERS_ZH, rows), "名册.csv")
    mapping = roster.guess_mapping("members", table.headers)
    assert all(mapping[k] is not None for k in ("community", "team", "name", "phone",
                                                "id_number", "grid", "skills"))
    plan = roster.preview_import(session, actor=w.officer, kind="members", table=table,
                                 mapping=mapping, aliases=ALIASES)
    assert len(bad_lines) == 100
    assert {r.line for r in plan.bad} == bad_lines  # every bad row, and only those
    assert all(r.problems for r in plan.bad) and plan.count("add") == 1900
    reasons = {key for r in plan.bad for _, key in r.problems}
    assert reasons == {"roster.v.id_check_digit", "roster.v.id_birth_date", "roster.v.mobile",
                       "error.required", "roster.imp.no_team", "roster.imp.no_grid",
                       "roster.v.landline_area"}
    before = _members(session)
    with pytest.raises(Invalid) as caught:
        _import(session, w, table)
    assert caught.value.params == {"bad": 100} and _members(session) == before

    progress: list[tuple[int, int]] = []
    started = time.perf_counter()
    summary = _import(session, w, table, valid_only=True,
                      progress=lambda done, total: progress.append((done, total)))
    print(f"2,000-row import: {time.perf_counter() - started:.2f} s")
    assert (summary.added, summary.updated, summary.unchanged, len(summary.refused)) == (
        1900, 0, 0, 100)
    assert progress[-1] == (1900, 1900) and len(progress) > 10
    after = _members(session)
    assert len(after) == len(before) + 1900
    skilled = [m for m in after if m[1] == "队员00000"][0]
    assert skilled[6] == ["first_aid", "driving"] and skilled[5] == w.grids_a[0].id

    again = _import(session, w, table, valid_only=True)
    assert (again.added, again.updated, again.unchanged, len(again.refused)) == (0, 0, 1900, 100)
    assert _members(session) == after  # not even a version changed
    imports = session.scalars(select(AuditLog.after).where(AuditLog.action == "roster.import")
                              .order_by(AuditLog.id)).all()
    assert [(e["added"], e["unchanged"], e["refused"]) for e in imports] == [
        (1900, 0, 100), (0, 1900, 100)]


def test_a_clean_file_commits_whole_and_matches_by_id_then_phone(session: Session) -> None:
    w = build(session)
    teams, grids = _teams_grids(w)
    rows, _ = rf.member_rows("双林社区", teams, grids, 30, bad_every=0)
    table = roster.read_table(rf.to_xlsx(rf.HEADERS_EN, rows), "roster.xlsx")
    assert _import(session, w, table).added == 30
    # The next file: a new phone for one (matched by ID number), an ID number added to a
    # member known only by phone (matched by phone), a member made inactive comes back.
    rows[0][3] = "13712345678"
    rows[1][4] = ""
    session.execute(select(Member))
    known = session.scalar(select(Member).where(Member.phone == rows[2][3]))
    assert known is not None
    known.id_number, known.active = None, False
    session.flush()
    table = roster.read_table(rf.to_csv(rf.HEADERS_EN, rows, encoding="gb18030"), "r.csv")
    summary = _import(session, w, table)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 2, 28)
    session.refresh(known)
    assert known.id_number == rows[2][4] and known.active
    assert session.scalar(select(func.count()).select_from(Member)
                          .where(Member.phone == "13712345678")) == 1


def test_duplicates_scope_and_other_communities(session: Session) -> None:
    w = build(session)
    teams, grids = _teams_grids(w)
    rows, _ = rf.member_rows("双林社区", teams, grids, 3, bad_every=0)
    rows.append(list(rows[0]))  # the same person twice
    rows.append(["临江社区", "临江最小处置单元", "外人", "13900099999", "", "", ""])
    rows.append(["双林社区", "双林巡逻队", "重名", "13800000005", "", "", ""])  # 钱七's phone
    table = roster.read_table(rf.to_csv(rf.HEADERS_ZH, rows), "r.csv")
    plan = roster.preview_import(session, actor=w.officer, kind="members", table=table,
                                 mapping=roster.guess_mapping("members", table.headers),
                                 aliases=ALIASES)
    assert [(r.line, dict(r.problems)) for r in plan.bad] == [
        (5, {"name": "roster.imp.duplicate"}), (6, {"community": "roster.imp.no_community"})]
    assert dict(plan.bad[0].params) == {"first": "2"}
    assert plan.rows[5].action == "add"  # a phone known only in a community out of scope
    with pytest.raises(PermissionDenied):
        roster.preview_import(session, actor=w.supervisor, kind="members", table=table,
                              mapping=roster.guess_mapping("members", table.headers))


def test_social_units_and_templates(session: Session) -> None:
    w = build(session)
    for lang in ("zh", "en"):
        template = roster.read_table(roster.template("units", lang=lang), "t.xlsx")
        mapping = roster.guess_mapping("units", template.headers)
        assert all(v is not None for v in mapping.values()), (lang, template.headers)
        members = roster.read_table(roster.template("members", lang=lang, fmt="csv"), "t.csv")
        assert all(v is not None for v in roster.guess_mapping("members", members.headers)
                   .values())
    data = rf.to_csv(["单位名称", "类型", "联系人", "联系电话", "服务内容"], [
        ["双林物业", "物业", "孙经理", "023-68812345", "监控共享、夜间巡查、应急物资存放"],
        ["双林小学", "School", "陈老师", "023 6881 0000", "场地借用"],
        ["无名单位", "马戏团", "", "", ""]])
    table = roster.read_table(data, "units.csv")
    summary = roster.run_import(session, actor=w.officer, kind="units", table=table,
                                mapping=roster.guess_mapping("units", table.headers),
                                default_community=w.a.id, aliases=ALIASES, valid_only=True)
    assert (summary.added, summary.updated, summary.unchanged) == (1, 1, 0)
    assert [dict(r.problems) for r in summary.refused] == [{"kind": "roster.v.choice"}]
    unit = session.scalar(select(SocialUnit).where(SocialUnit.name == "双林物业"))
    assert unit is not None and unit.services == ["监控共享", "夜间巡查", "应急物资存放"]
    again = roster.run_import(session, actor=w.officer, kind="units", table=table,
                              mapping=roster.guess_mapping("units", table.headers),
                              default_community=w.a.id, aliases=ALIASES, valid_only=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(("data", "name", "key"), [
    (b"", "x.csv", "sheets.empty"),
    (b"PK\x03\x04 not really", "x.xlsx", "sheets.unreadable"),
    (b"a,b", "x.pdf", "sheets.bad_type"),
])
def test_unreadable_files_say_what_to_do(data: bytes, name: str, key: str) -> None:
    with pytest.raises(Invalid) as caught:
        roster.read_table(data, name)
    assert caught.value.fields == {"file": key}


def test_a_required_column_left_unmapped(session: Session) -> None:
    w = build(session)
    table = roster.read_table(rf.to_csv(["姓名", "电话"], [["张三", "13800000001"]]), "x.csv")
    with pytest.raises(Invalid) as caught:
        roster.preview_import(session, actor=w.officer, kind="members", table=table,
                              mapping=roster.guess_mapping("members", table.headers))
    assert caught.value.fields == {"map_team": "roster.imp.unmapped",
                                   "map_community": "roster.imp.unmapped"}
