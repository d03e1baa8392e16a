"""Incident import: bad rows are listed and nothing is written unless asked; skip or update."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Community, IncidentCount
from services.errors import Invalid, PermissionDenied
from services.stats.importer import import_incidents, plan_import
from services.stats.importfile import guess_mapping, read_table
from tests import factories as f

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
    return read_table(text.encode("utf-8"), "export.csv")


def _stored(session: Session) -> set[tuple[date, str, str, int]]:
    rows = session.execute(select(IncidentCount.day, IncidentCount.category, Community.name,
                                  IncidentCount.count).join(Community)).all()
    return {tuple(r) for r in rows}  # type: ignore[misc]


def test_a_clean_file_is_mapped_checked_and_written(session: Session, places: dict) -> None:
    table = _table(GOOD)
    mapping = guess_mapping(table.columns)
    assert mapping == {"day": "日期", "category": "警情类别", "community": "社区", "count": "起数"}
    plan = plan_import(session, actor=places["admin"], table=table, mapping=mapping, today=TODAY)
    assert (plan.rows, plan.valid, plan.new, plan.existing, plan.rejected) == (4, 4, 4, 0, 0)
    seen: list[tuple[int, int]] = []
    summary = import_incidents(session, actor=places["admin"], table=table, mapping=mapping,
                               today=TODAY, progress=lambda d, t: seen.append((d, t)))
    assert (summary.inserted, summary.updated, summary.skipped, summary.rejected) == (4, 0, 0, 0)
    assert seen[-1] == (4, 4)
    assert _stored(session) == {(date(2026, 3, 1), "criminal", "双林社区", 3),
                                (date(2026, 3, 2), "public_order", "双林社区", 1),
                                (date(2026, 3, 2), "other", "建胜社区", 0),
                                (date(2024, 2, 29), "criminal", "建胜社区", 2)}


def test_bad_rows_are_listed_and_nothing_is_written(session: Session, places: dict) -> None:
    table = _table(BAD)
    mapping = guess_mapping(table.columns)
    plan = plan_import(session, actor=places["admin"], table=table, mapping=mapping, today=TODAY)
    problems = {(int(r.row), r.problem) for r in plan.errors.itertuples()}
    assert problems == {
        (6, "stats.import.unknown_community"), (7, "stats.import.negative_count"),
        (8, "stats.import.future_date"), (2, "stats.import.duplicate_row"),
        (9, "stats.import.duplicate_row"), (10, "stats.import.bad_category"),
        (11, "stats.import.bad_date"), (12, "stats.import.bad_count")}
    assert plan.valid == 3 and plan.rejected == 8
    with pytest.raises(Invalid) as exc:
        import_incidents(session, actor=places["admin"], table=table, mapping=mapping,
                         today=TODAY)
    assert exc.value.key == "stats.import.has_errors" and exc.value.params["count"] == 8
    assert _stored(session) == set()
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_valid_rows_only_when_told(session: Session, places: dict) -> None:
    table = _table(BAD)
    summary = import_incidents(session, actor=places["admin"], table=table,
                               mapping=guess_mapping(table.columns), today=TODAY,
                               take_valid=True)
    assert (summary.inserted, summary.rejected) == (3, 8)
    assert len(_stored(session)) == 3


def test_rows_already_imported_are_skipped_or_updated(session: Session, places: dict) -> None:
    mapping = {"day": "日期", "category": "警情类别", "community": "社区", "count": "起数"}
    import_incidents(session, actor=places["admin"], table=_table(GOOD), mapping=mapping,
                     today=TODAY)
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
    mapping = guess_mapping(table.columns)
    plan = plan_import(session, actor=places["sup"], table=table, mapping=mapping, today=TODAY)
    assert [(int(r.row), r.problem) for r in plan.errors.itertuples()] == [
        (2, "stats.import.unknown_community")]  # another station's village: not theirs
    with pytest.raises(PermissionDenied):
        plan_import(session, actor=places["officer"], table=table, mapping=mapping, today=TODAY)


def test_excel_and_gb18030_files_read(session: Session, places: dict) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Category", "Community", "Count", None, "Count"])
    sheet.append([date(2026, 3, 1), "public order", "shuanglin", 4, "note", 9])
    sheet.append([None] * 6)  # an empty row, as exports often end
    buf = io.BytesIO()
    book.save(buf)
    table = read_table(buf.getvalue(), "export.xlsx")
    assert list(table.columns) == ["Date", "Category", "Community", "Count", "#5", "Count (6)"]
    assert len(table) == 1
    assert table.iloc[0]["Count"] == "4"  # not "4.0"
    plan = plan_import(session, actor=places["admin"], table=table,
                       mapping=guess_mapping(table.columns), today=TODAY)
    assert plan.valid == 1 and plan.rejected == 0
    gbk = read_table(GOOD.encode("gb18030"), "导出.csv")
    assert list(gbk.columns) == ["日期", "警情类别", "社区", "起数"]


@pytest.mark.parametrize(("data", "name", "key"), [
    (b"", "x.csv", "stats.import.empty"), (b"a,b\n", "x.csv", "stats.import.empty"),
    (b"PK\x03\x04broken", "x.xlsx", "stats.import.unreadable"),
    (b"x", "x.pdf", "stats.import.bad_type")])
def test_unreadable_files_say_why(data: bytes, name: str, key: str) -> None:
    with pytest.raises(Invalid) as exc:
        read_table(data, name)
    assert exc.value.fields["file"] == key


def test_a_mapping_must_name_four_different_columns(session: Session, places: dict) -> None:
    table = _table(GOOD)
    with pytest.raises(Invalid) as exc:
        plan_import(session, actor=places["admin"], table=table, today=TODAY,
                    mapping={"day": "日期", "category": None, "community": "社区", "count": "起数"})
    assert exc.value.fields == {"category": "stats.import.map_missing"}
    with pytest.raises(Invalid):
        twice = {"day": "日期", "category": "日期", "community": "社区", "count": "起数"}
        plan_import(session, actor=places["admin"], table=table, today=TODAY, mapping=twice)
