"""The one spreadsheet reader: formats, typed cells, where the table is, dates, hostile files."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest

from services import sheets
from tests import sheet_files as sf

HEAD = ["日期", "类别", "社区", "数量"]
BODY = [["2026-11-01", "盗窃", "东城社区", 3], ["2026-11-02", "纠纷", "西城社区", 1]]


def _cells(table: sheets.Table) -> list[list[object]]:
    return [list(r.cells) for r in table.rows]


# ---- formats and typed cells ------------------------------------------------------------

@pytest.mark.parametrize(("name", "data"), [
    ("a.csv", sf.csv_bytes([HEAD, *BODY])),
    ("a.csv", sf.csv_bytes([HEAD, *BODY], encoding="utf-8-sig")),
    ("a.csv", sf.csv_bytes([HEAD, *BODY], encoding="gb18030")),
    ("a.txt", sf.csv_bytes([HEAD, *BODY], encoding="gbk", sep="\t")),
    ("a.txt", sf.csv_bytes([HEAD, *BODY], encoding="utf-16", sep="\t")),
    ("a.tsv", sf.csv_bytes([HEAD, *BODY], sep="\t")),
    ("a.csv", sf.csv_bytes([HEAD, *BODY], sep=";")),
])
def test_text_tables_in_every_encoding_read_the_same(name: str, data: bytes) -> None:
    table = sheets.read_sheet(data, name)
    assert table.headers == tuple(HEAD)
    assert _cells(table) == [[str(v) for v in r] for r in BODY]  # text files hold text
    assert [r.number for r in table.rows] == [2, 3]


def test_excel_cells_keep_their_type() -> None:
    data = sf.xlsx([["身份证号", "数量", "比例", "日期", "时间", "姓名", "空"],
                    [5.0010419551121e17, 3, 2.5, date(2026, 11, 3),
                     datetime(2026, 11, 3, 14, 5), "张三", None]])
    row = sheets.read_sheet(data, "a.xlsx").rows[0]
    id_cell, count, ratio, day, when, name, empty = row.cells
    assert isinstance(id_cell, int) and id_cell == int(5.0010419551121e17)  # 15 digits kept
    assert count == 3 and isinstance(count, int)
    assert ratio == 2.5 and isinstance(ratio, float)
    assert day == date(2026, 11, 3) or day == datetime(2026, 11, 3)
    assert when == datetime(2026, 11, 3, 14, 5)
    assert name == "张三" and empty is None


def test_text_cells_that_look_like_numbers_stay_text() -> None:
    row = sheets.read_sheet(sf.xlsx([["身份证号", "电话"], ["500104195511210109", "013800"]]),
                            "a.xlsx").rows[0]
    assert row.cells == ("500104195511210109", "013800")


def test_xlsm_and_ods_are_read() -> None:
    assert _cells(sheets.read_sheet(sf.xlsx([HEAD, *BODY]), "宏.xlsm")) == BODY
    table = sheets.read_sheet(sf.ods([HEAD, *BODY]), "a.ods")
    assert table.headers == tuple(HEAD) and _cells(table) == BODY


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a", "a.xlsx.exe"])
def test_other_file_names_are_refused_with_the_list_of_kinds(name: str) -> None:
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(b"whatever", name)
    assert exc.value.key == "sheets.bad_type" and exc.value.fields == {"file": "sheets.bad_type"}
    assert ".xls" in exc.value.params["types"]


def test_upload_types_cover_every_extension() -> None:
    assert set(sheets.UPLOAD_TYPES) == {"xlsx", "xlsm", "xls", "et", "ods", "csv", "tsv", "txt"}


def test_empty_files_are_refused_and_a_header_alone_has_no_rows() -> None:
    for data, name in ((b"", "a.csv"), (b"  \r\n", "a.csv"), (b",,\r\n,,", "a.csv")):
        with pytest.raises(sheets.SheetError) as exc:
            sheets.read_sheet(data, name)
        assert exc.value.key == "sheets.empty"
    table = sheets.read_sheet(sf.csv_bytes([HEAD]), "a.csv")
    assert table.headers == tuple(HEAD) and table.rows == ()


# ---- where the table is -----------------------------------------------------------------

def test_title_rows_and_blank_rows_are_skipped_and_rows_keep_their_sheet_number() -> None:
    rows = [["大渡口区 2026 年 11 月警情统计"], [], ["制表单位：某派出所"], HEAD, BODY[0], [],
            [], BODY[1]]
    table = sheets.read_sheet(sf.xlsx(rows, merges=["A1:D1"]), "a.xlsx")
    assert table.header_row == 4 and table.headers == tuple(HEAD)
    assert [r.number for r in table.rows] == [5, 8]
    assert sheets.Note("sheets.note.header_row", {"row": 4}) in table.notes


def test_hints_find_the_header_under_a_full_width_title_row() -> None:
    rows = [["名册", "2026", "第一批", "某社区"], ["队伍", "姓名", "手机号码", "备注"],
            ["巡逻队", "张三", "13800000001", ""]]
    plain = sheets.read_sheet(sf.csv_bytes(rows), "a.csv", hints=("姓名", "手机号码（必填）"))
    assert plain.header_row == 2 and plain.headers[:3] == ("队伍", "姓名", "手机号码")


def test_header_row_can_be_chosen() -> None:
    rows = [["a", "b"], ["日期", "数量"], ["2026-11-01", "1"]]
    assert sheets.read_sheet(sf.csv_bytes(rows), "a.csv", header_row=2).headers == ("日期", "数量")
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(sf.csv_bytes(rows), "a.csv", header_row=9)
    assert exc.value.key == "sheets.no_such_row"


def test_two_row_header_with_merged_groups_becomes_one_row_of_names() -> None:
    rows = [["姓名", "联系方式", None, "身份证号"], [None, "手机", "座机", None],
            ["张三", "13800000001", "68800000", "500104195511210109"]]
    table = sheets.read_sheet(sf.xlsx(rows, merges=["A1:A2", "B1:C1", "D1:D2"]), "a.xlsx")
    assert table.headers == ("姓名", "手机", "座机", "身份证号")
    assert table.header_row == 2 and [r.number for r in table.rows] == [3]
    assert any(n.key == "sheets.note.two_rows" for n in table.notes)


@pytest.mark.parametrize("name", ["旧格式.xls", "金山.et"])
def test_the_old_binary_workbook_is_read_with_its_cover_hidden_sheet_and_hidden_column(
        name: str) -> None:
    """.xls as old Excel and WPS save it (an .et is read by its content): the data sheet is
    chosen over a cover, a hidden sheet is neither offered nor read, a hidden column is
    marked (so never pre-selected), dates and numbers keep their type."""
    rows = [["姓名", "手机号码", "联系电话", "日期", "人数"],
            *[[f"队员{i}", "13000000000", f"138000000{i:02d}", date(2026, 11, 3), i]
              for i in range(1, 21)]]
    data = sf.xls(rows, title="名册", hidden_columns=[1],
                  first=("封面", [["某派出所"], ["2026年11月"]], "visible"),
                  extra_sheets=[("旧表", [["old"]], "hidden")])
    table = sheets.read_sheet(data, name)
    assert table.sheet == "名册" and table.sheets == ("封面", "名册")
    assert table.hidden_sheets == ("旧表",)
    assert [c.hidden for c in table.columns] == [False, True, False, False, False]
    assert any(n.key == "sheets.note.hidden_columns" for n in table.notes)
    assert table.rows[0].cells == ("队员1", "13000000000", "13800000001", date(2026, 11, 3), 1)
    assert [r.number for r in table.rows[:2]] == [2, 3] and len(table.rows) == 20
    assert sheets.read_sheet(data, name, sheet="封面").sheet == "封面"


def test_a_merged_title_in_an_old_binary_workbook_is_skipped() -> None:
    rows = [["东城社区巡逻队名册", None, None], HEAD[:3], *[r[:3] for r in BODY]]
    table = sheets.read_sheet(sf.xls(rows, merges=[(0, 0, 0, 2)]), "a.xls")
    assert table.headers == tuple(HEAD[:3]) and _cells(table) == [r[:3] for r in BODY]
    assert [r.number for r in table.rows] == [3, 4]


def test_cover_sheet_and_hidden_sheet_the_data_sheet_is_chosen_and_others_offered() -> None:
    data = sf.xlsx([HEAD, *BODY * 20], title="明细",
                   first=("封面", [["某派出所"], ["2026年11月"]], "visible"),
                   extra_sheets=[("旧表", [["old"]], "hidden")])
    table = sheets.read_sheet(data, "a.xlsx")
    assert table.sheet == "明细" and table.sheets == ("封面", "明细")
    assert table.hidden_sheets == ("旧表",)
    keys = {n.key for n in table.notes}
    assert {"sheets.note.hidden_sheets", "sheets.note.sheet_chosen"} <= keys
    cover = sheets.read_sheet(data, "a.xlsx", sheet="封面")
    assert cover.sheet == "封面"
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(data, "a.xlsx", sheet="旧表")  # hidden: not offered, not read
    assert exc.value.key == "sheets.no_such_sheet"


def test_hidden_columns_are_marked() -> None:
    rows = [["姓名", "手机号码", "联系电话"], ["张三", "13000000000", "13800000001"]]
    table = sheets.read_sheet(sf.xlsx(rows, hidden_columns="B"), "a.xlsx")
    assert [(c.name, c.hidden) for c in table.columns] == [
        ("姓名", False), ("手机号码", True), ("联系电话", False)]
    assert any(n.key == "sheets.note.hidden_columns" for n in table.notes)


def test_merged_group_cells_are_filled_down_with_a_note() -> None:
    rows = [["队伍", "姓名"], ["巡逻队", "张三"], [None, "李四"], [None, "王五"],
            ["调解队", "赵六"]]
    table = sheets.read_sheet(sf.xlsx(rows, merges=["A2:A4"]), "a.xlsx")
    assert [r.cells[0] for r in table.rows] == ["巡逻队"] * 3 + ["调解队"]
    assert sheets.Note("sheets.note.filled_down", {"columns": "队伍", "n": 2}) in table.notes


def test_empty_group_cells_without_a_merge_are_not_guessed() -> None:
    rows = [["队伍", "姓名"], ["巡逻队", "张三"], [None, "李四"]]
    table = sheets.read_sheet(sf.xlsx(rows), "a.xlsx")
    assert table.rows[1].cells == (None, "李四")


def test_totals_footers_and_repeated_headers_are_skipped_with_notes() -> None:
    rows = [HEAD, BODY[0], HEAD, BODY[1], ["合计", None, None, 4], ["总 计", None, None, 4],
            ["填表人：张三", None, "审核人：李四"], [None, "制表人：王五"]]
    table = sheets.read_sheet(sf.csv_bytes(rows), "a.csv")
    assert [r.number for r in table.rows] == [2, 4]
    assert sheets.Note("sheets.note.footer_rows", {"rows": "5, 6, 7, 8"}) in table.notes
    assert sheets.Note("sheets.note.repeated_header", {"rows": "3"}) in table.notes


def test_unnamed_and_repeated_header_names_are_made_unique() -> None:
    table = sheets.read_sheet(sf.csv_bytes([["数量", "", "数量"], ["1", "2", "3"]]), "a.csv")
    assert table.headers == ("数量", "#B", "数量 (2)")
    assert [c.letter for c in table.columns] == ["A", "B", "C"]


# ---- limits -----------------------------------------------------------------------------

def test_row_limit_is_the_callers() -> None:
    rows = [["日期"], *[["2026-11-01"]] * 60]
    assert len(sheets.read_sheet(sf.csv_bytes(rows), "a.csv", max_rows=60).rows) == 60
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(sf.csv_bytes(rows), "a.csv", max_rows=59)
    assert exc.value.key == "sheets.too_many_rows" and exc.value.params["max"] == 59
    big = sf.xlsx([["日期"], *[["2026-11-01"]] * 500])
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(big, "a.xlsx", max_rows=300)  # refused by the scan, before parsing
    assert exc.value.key == "sheets.too_many_rows"


def test_file_size_limit() -> None:
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(b"a" * 2048, "a.csv", limits=sheets.Limits(max_bytes=1024))
    assert exc.value.key == "sheets.too_big" and exc.value.params == {"max": 0}


def test_zip_bomb_is_refused_before_unpacking() -> None:
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(sf.zip_bomb(8), "a.xlsx",
                          limits=sheets.Limits(max_unzipped=4 * 1024 * 1024))
    assert exc.value.key == "sheets.too_big_unzipped"


def test_long_cells_in_workbooks_are_refused_naming_the_cell() -> None:
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(sf.xlsx([["说明"], ["长" * 50]]), "a.xlsx",
                          limits=sheets.Limits(max_cell_chars=40))
    assert exc.value.key == "sheets.cell_too_long"
    assert exc.value.params == {"max": 40, "row": 2, "column": "A"}


@pytest.mark.parametrize("name", sorted(sf.HOSTILE))
def test_hostile_files_get_a_message_and_the_process_lives(name: str) -> None:
    filename, data, key = sf.hostile(name)
    pid = os.getpid()
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(data, filename)
    assert exc.value.key == key
    assert exc.value.fields == {"file": key}
    assert os.getpid() == pid


def test_a_file_past_the_scan_is_stopped_by_the_memory_cap() -> None:
    """With the scan's limits lifted, the dimension bomb reaches the parser, which tries to
    allocate 512 GB: the capped child dies, the caller gets a message."""
    lifted = sheets.Limits(max_columns=20_000, max_rows=2_000_000, max_cells=10**12)
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(sf.dimension_bomb(), "bomb.xlsx", limits=lifted, max_rows=2_000_000)
    assert exc.value.key == "sheets.too_heavy"


def test_a_parse_that_runs_too_long_is_stopped() -> None:
    data = sf.xlsx([["日期"], *[["2026-11-01"]] * 2000])
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(data, "a.xlsx", limits=sheets.Limits(seconds=0.001))
    assert exc.value.key == "sheets.too_slow"


# ---- dates ------------------------------------------------------------------------------

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(("value", "day"), [
    ("2026-11-03", date(2026, 11, 3)), ("2026/11/3", date(2026, 11, 3)),
    ("2026.11.3", date(2026, 11, 3)), ("20261103", date(2026, 11, 3)),
    ("2026年11月3日", date(2026, 11, 3)), ("２０２６年１１月３日", date(2026, 11, 3)),
    ("2026/11/15 星期日", date(2026, 11, 15)), ("2026-11-15（周日）", date(2026, 11, 15)),
    ("2026-11-03 14:23:05", date(2026, 11, 3)), ("2026-11-03T14:23", date(2026, 11, 3)),
    ("2026年11月3日 14时23分", date(2026, 11, 3)), ("2026/11/3 8:05", date(2026, 11, 3)),
    (46329, date(2026, 11, 3)), (46329.6, date(2026, 11, 3)), ("46329", date(2026, 11, 3)),
    (20261103, date(2026, 11, 3)), (date(2026, 11, 3), date(2026, 11, 3)),
    (datetime(2026, 11, 3, 23, 59), date(2026, 11, 3)),
])
def test_dates_in_every_year_first_spelling(value: object, day: date) -> None:
    assert sheets.parse_date(value, today=TODAY) == day
    assert not sheets.read_date(value, today=TODAY).year_assumed


def test_month_and_day_only_take_this_year_and_say_so() -> None:
    parsed = sheets.read_date("11月3日", today=TODAY)
    assert parsed == sheets.ParsedDate(date(2026, 11, 3), year_assumed=True)


@pytest.mark.parametrize(("value", "key"), [
    ("08/11/2026", "sheets.date.day_first"), ("11-08-2026", "sheets.date.day_first"),
    ("26/11/12", "sheets.date.short_year"), ("26-11-12", "sheets.date.short_year"),
    ("2026-02-30", "sheets.date.no_such_day"), ("2026/13/1", "sheets.date.no_such_day"),
    ("昨天", "sheets.date.bad"), ("", "sheets.date.empty"), (None, "sheets.date.empty"),
    (3, "sheets.date.bad"), (True, "sheets.date.bad"), ("11/3", "sheets.date.bad"),
])
def test_dates_that_would_need_a_guess_are_refused(value: object, key: str) -> None:
    with pytest.raises(sheets.BadDate) as exc:
        sheets.parse_date(value, today=TODAY)
    assert exc.value.key == key


def test_every_message_key_is_in_both_catalogues() -> None:
    import json
    from pathlib import Path

    top = Path(__file__).resolve().parents[1]
    root = top / "ui" / "core" / "locales"
    text = "".join(p.read_text(encoding="utf-8")
                   for p in (top / "services" / "sheets").glob("*.py"))
    import re
    keys = set(re.findall(r'"(sheets\.[a-z_.]+)"', text)) - {"sheets.child"}
    keys |= {k for _, _, k in sf.HOSTILE.values()}
    for lang in ("zh", "en"):
        catalogue = json.loads((root / lang / "sheets.json").read_text(encoding="utf-8"))
        assert keys <= set(catalogue), keys - set(catalogue)
