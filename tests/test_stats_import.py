"""Incident import: bad rows are listed and nothing is written unless asked; skip or update."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Community, IncidentCount
from services.core.errors import Invalid, PermissionDenied
from services.stats.importer import import_incidents, plan_import
from services.stats.importfile import guess_mapping as guess
from services.stats.importfile import read_export
from tests import factories as f
from tests import sheet_files as sf

TODAY = date(2026, 3, 10)


@pytest.fixture
def places(session: Session) -> dict[str, object]:
    st1, st2 = f.station(session), f.station(session)
    a = f.community(session, station_=st1, name="双林社区", name_en="Shuanglin")
    b = f.community(session, station_=st1, name="建胜社区", name_en="Jiansheng")
    c = f.community(session, station_=st2, name="跳磴村", name_en="Tiaodeng")
    admin = f.actor(session, f.user(session, "admin"))
    sup = f.actor(session, f.user(session, "supervisor", station_=st1))
    officer = f.actor(session, f.user(session, "officer", communities=[a]))
    return {"a": a, "b": b, "c": c, "admin": admin, "sup": sup, "officer": officer}


GOOD = """日期,警情类别,社区,起数
2026-03-01,刑事,双林社区,3
2026/3/2,治安,Shuanglin,1
2026-03-02,其他,建胜社区,0
2024-02-29,criminal,建胜社区,2
"""
BAD = GOOD + """2026-03-01,刑事,不存在社区,1
2026-03-03,治安,双林社区,-2
2026-04-01,刑事,双林社区,1
2026-03-01,刑事,双林社区,5
2026-03-04,盗窃,双林社区,1
2026-13-45,刑事,双林社区,1
2026-03-05,治安,双林社区,1.5
"""


def _table(text: str):  # type: ignore[no-untyped-def]
    return read_export(text.encode("utf-8"), "export.csv")


def guess_mapping(table):  # type: ignore[no-untyped-def]
    return guess(table, "daily")


def _stored(session: Session) -> set[tuple[date, str, str, int]]:
    rows = session.execute(select(IncidentCount.day, IncidentCount.category, Community.name,
                                  IncidentCount.count).join(Community)).all()
    return {tuple(r) for r in rows}  # type: ignore[misc]


def test_a_clean_file_is_mapped_checked_and_written(session: Session, places: dict) -> None:
    table = _table(GOOD)
    mapping = guess_mapping(table)
    assert mapping == {"day": "日期", "category": "警情类别", "community": "社区", "count": "起数"}
    plan = plan_import(session, actor=places["admin"], table=table, mapping=mapping, today=TODAY)
    assert (plan.rows, plan.valid, plan.new, plan.existing, plan.rejected) == (4, 4, 4, 0, 0)
    seen: list[tuple[int, int]] = []
    summary = import_incidents(session, actor=places["admin"], table=table, mapping=mapping,
                               today=TODAY, progress=lambda p, d, t: seen.append((p, d, t)))
    assert (summary.inserted, summary.updated, summary.skipped, summary.rejected) == (4, 0, 0, 0)
    assert ("check", 4, 4) in seen and seen[-1] == ("write", 4, 4)
    assert _stored(session) == {(date(2026, 3, 1), "criminal", "双林社区", 3),
                                (date(2026, 3, 2), "public_order", "双林社区", 1),
                                (date(2026, 3, 2), "other", "建胜社区", 0),
                                (date(2024, 2, 29), "criminal", "建胜社区", 2)}


def test_bad_rows_are_listed_and_nothing_is_written(session: Session, places: dict) -> None:
    table = _table(BAD)
    mapping = guess_mapping(table)
    plan = plan_import(session, actor=places["admin"], table=table, mapping=mapping, today=TODAY)
    problems = {(int(r.row), r.problem) for r in plan.errors.itertuples()}
    assert problems == {
        (6, "stats.import.unknown_community"), (7, "stats.import.negative_count"),
        (8, "stats.import.future_date"), (2, "stats.import.duplicate_row"),
        (9, "stats.import.duplicate_row"),
        (11, "sheets.date.no_such_day"), (12, "stats.import.bad_count")}
    assert plan.valid == 3 and plan.rejected == 7
    assert [(u.name, u.rows, u.suggestion) for u in plan.categories] == [("盗窃", 1, "criminal")]
    with pytest.raises(Invalid) as exc:
        import_incidents(session, actor=places["admin"], table=table, mapping=mapping,
                         today=TODAY, decisions={"category": {"盗窃": "criminal"}})
    assert exc.value.key == "stats.import.has_errors" and exc.value.params["count"] == 7
    with pytest.raises(Invalid) as exc:
        import_incidents(session, actor=places["admin"], table=table, mapping=mapping,
                         today=TODAY, take_valid=True)
    assert exc.value.key == "stats.import.undecided"
    assert _stored(session) == set()
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_valid_rows_only_when_told(session: Session, places: dict) -> None:
    table = _table(BAD)
    summary = import_incidents(session, actor=places["admin"], table=table,
                               mapping=guess_mapping(table), today=TODAY,
                               take_valid=True, decisions={"category": {"盗窃": "skip"}})
    assert (summary.inserted, summary.rejected) == (3, 7)
    assert len(_stored(session)) == 3


def test_rows_already_imported_are_skipped_or_updated(session: Session, places: dict) -> None:
    mapping = {"day": "日期", "category": "警情类别", "community": "社区", "count": "起数"}
    import_incidents(session, actor=places["admin"], table=_table(GOOD), mapping=mapping,
                     today=TODAY, filename="export.csv")
    again = _table(GOOD.replace("双林社区,3", "双林社区,7") + "2026-03-05,刑事,双林社区,2\n")
    plan = plan_import(session, actor=places["admin"], table=again, mapping=mapping, today=TODAY)
    assert (plan.new, plan.existing, plan.changed) == (1, 4, 1)
    skip = import_incidents(session, actor=places["admin"], table=again, mapping=mapping,
                            today=TODAY)
    assert (skip.inserted, skip.updated, skip.skipped) == (1, 0, 4)
    assert (date(2026, 3, 1), "criminal", "双林社区", 3) in _stored(session)
    upd = import_incidents(session, actor=places["admin"], table=again, mapping=mapping,
                           today=TODAY, on_existing="update")
    assert (upd.inserted, upd.updated, upd.skipped) == (0, 1, 4)
    assert (date(2026, 3, 1), "criminal", "双林社区", 7) in _stored(session)
    last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.action == "stats.import_incidents"
    assert last.after["changes"] == f"2026-03-01,criminal,{places['a'].id},3,7"


def test_scope_and_permission(session: Session, places: dict) -> None:
    table = _table("日期,类别,社区,数量\n2026-03-01,刑事,跳磴村,1\n2026-03-01,刑事,建胜社区,1\n")
    mapping = guess_mapping(table)
    plan = plan_import(session, actor=places["sup"], table=table, mapping=mapping, today=TODAY)
    assert [(int(r.row), r.problem) for r in plan.errors.itertuples()] == [
        (2, "stats.import.unknown_community")]  # another station's village: not theirs
    with pytest.raises(PermissionDenied):
        plan_import(session, actor=places["officer"], table=table, mapping=mapping, today=TODAY)


def test_excel_and_gb18030_files_read(session: Session, places: dict) -> None:
    data = sf.xlsx([["Date", "Category", "Community", "Count", None, "Count"],
                    [date(2026, 3, 1), "public order", "shuanglin", 4, "note", 9],
                    [None] * 6])
    table = read_export(data, "export.xlsx")
    assert table.headers == ("Date", "Category", "Community", "Count", "#E", "Count (2)")
    assert len(table.rows) == 1 and table.rows[0].cells[3] == 4
    plan = plan_import(session, actor=places["admin"], table=table,
                       mapping=guess_mapping(table), today=TODAY)
    assert plan.valid == 1 and plan.rejected == 0
    gbk = read_export(GOOD.encode("gb18030"), "导出.csv")
    assert gbk.headers == ("日期", "警情类别", "社区", "起数")


@pytest.mark.parametrize(("data", "name", "key"), [
    (b"", "x.csv", "sheets.empty"),
    (b"PK\x03\x04broken", "x.xlsx", "sheets.unreadable"),
    (b"x", "x.pdf", "sheets.bad_type")])
def test_unreadable_files_say_why(data: bytes, name: str, key: str) -> None:
    with pytest.raises(Invalid) as exc:
        read_export(data, name)
    assert exc.value.fields["file"] == key


def test_a_bare_number_is_never_a_community_id(session: Session, places: dict) -> None:
    cid = places["a"].id
    table = _table(f"日期,类别,社区,数量\n2026-03-01,刑事,{cid},1\n")
    plan = plan_import(session, actor=places["admin"], table=table,
                       mapping=guess_mapping(table), today=TODAY)
    assert [(int(r.row), r.problem) for r in plan.errors.itertuples()] == [
        (2, "stats.import.unknown_community")]


def test_a_mapping_must_name_four_different_columns(session: Session, places: dict) -> None:
    table = _table(GOOD)
    with pytest.raises(Invalid) as exc:
        plan_import(session, actor=places["admin"], table=table, today=TODAY,
                    mapping={"day": "日期", "category": None, "community": "社区", "count": "起数"})
    assert exc.value.fields == {"category": "stats.import.map_missing"}
    with pytest.raises(Invalid):
        twice = {"day": "日期", "category": "日期", "community": "社区", "count": "起数"}
        plan_import(session, actor=places["admin"], table=table, today=TODAY, mapping=twice)
