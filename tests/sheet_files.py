"""Spreadsheet files made by code for the reader's tests and the bench: the shapes real
stations send (title rows, merged groups, hidden columns, cover sheets, GBK CSV, ...) and
hostile ones (dimension, entity and zip bombs, malformed XML, encrypted, not a spreadsheet)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook

Rows = Sequence[Sequence[Any]]


def xlsx(rows: Rows, *, title: str = "Sheet1", hidden_columns: str = "",
         merges: Sequence[str] = (), extra_sheets: Sequence[tuple[str, Rows, str]] = (),
         first: tuple[str, Rows, str] | None = None) -> bytes:
    """An .xlsx whose main sheet holds `rows` from A1 (None = empty cell).

    `extra_sheets`/`first`: (name, rows, state) added after / before it ("visible", "hidden").
    """
    wb = Workbook()
    main = wb.active
    assert main is not None
    if first:
        main.title, state = first[0], first[2]
        _fill(main, first[1])
        main.sheet_state = state
        main = wb.create_sheet(title)
    else:
        main.title = title
    _fill(main, rows)
    for col in hidden_columns:
        main.column_dimensions[col].hidden = True
    for ref in merges:
        main.merge_cells(ref)
    for name, extra, state in extra_sheets:
        ws = wb.create_sheet(name)
        _fill(ws, extra)
        ws.sheet_state = state
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xls(rows: Rows, *, title: str = "Sheet1", hidden_columns: Sequence[int] = (),
        merges: Sequence[tuple[int, int, int, int]] = (),
        first: tuple[str, Rows, str] | None = None,
        extra_sheets: Sequence[tuple[str, Rows, str]] = ()) -> bytes:
    """The same shapes in the old binary workbook (.xls; WPS saves the same as .et).

    `hidden_columns`: 0-based; `merges`: (first row, last row, first column, last column),
    0-based; `first`/`extra_sheets` as in `xlsx`. Dates and times are date-formatted numbers,
    as Excel stores them.
    """
    import xlwt  # a test-only dependency: the app reads .xls, it never writes one

    wb = xlwt.Workbook(encoding="utf-8")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")

    def sheet(name: str, content: Rows, state: str) -> Any:
        ws = wb.add_sheet(name)
        ws.visibility = 0 if state == "visible" else 1
        for r, row in enumerate(content):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value, dated) if isinstance(value, date) else ws.write(
                        r, c, value)
        return ws

    if first:
        sheet(*first)
    main = sheet(title, rows, "visible")
    for col in hidden_columns:
        main.col(col).hidden = True
    for r1, r2, c1, c2 in merges:
        main.merge(r1, r2, c1, c2)
    for name, extra, state in extra_sheets:
        sheet(name, extra, state)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fill(ws: Any, rows: Rows) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)


def csv_bytes(rows: Rows, *, encoding: str = "utf-8", sep: str = ",") -> bytes:
    lines = [sep.join("" if v is None else _quoted(str(v), sep) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _quoted(text: str, sep: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if sep in text or '"' in text else text


def ods(rows: Rows, *, sheet: str = "Sheet1") -> bytes:
    """A minimal OpenDocument spreadsheet (numbers as floats, the rest as text)."""
    def cell(v: Any) -> str:
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{v}">'
                    f"<text:p>{v}</text:p></table:table-cell>")
        return (f'<table:table-cell office:value-type="string"><text:p>{v}</text:p>'
                "</table:table-cell>")
    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
                   for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The same zip with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, part in (extra or {}).items():
            dst.writestr(name, part)
    return out.getvalue()


# ---- hostile files ---------------------------------------------------------------------

def _far_cell(cell: str) -> bytes:
    """A header in A1 and one number far away: the sheet declares everything between."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "日期"
    ws[cell] = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def dimension_bomb() -> bytes:
    """About 5 KB: cells A1 and XFD1048576, i.e. a declared 17 billion cells."""
    return _far_cell("XFD1048576")


def row_bomb() -> bytes:
    """Cells A1 and A1048576: a million rows declared in a few KB."""
    return _far_cell("A1048576")


_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                     for i in range(1, 10))
           + ']>')


def entity_bomb() -> bytes:
    """The 'billion laughs' in the shared strings of a real workbook."""
    base = xlsx([["日期", "数量"], ["2026-11-01", 1]])
    sst = (_LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>').encode()
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        has_sst = "xl/sharedStrings.xml" in zf.namelist()
    if has_sst:
        return _rezip(base, {"xl/sharedStrings.xml": sst})
    return _rezip(base, {}, {"xl/sharedStrings.xml": sst})


def malformed_xml() -> bytes:
    """A workbook whose sheet XML stops in the middle of a tag."""
    base = xlsx([["日期", "数量"], ["2026-11-01", 1]])
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    return _rezip(base, {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})


def zip_bomb(megabytes: int = 64) -> bytes:
    """A workbook with an extra part of `megabytes` of zeros (a few hundred KB packed)."""
    return _rezip(xlsx([["日期"], ["2026-11-01"]]), {},
                  {"xl/media/zeros.bin": bytes(megabytes * 1024 * 1024)})


def encrypted() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file holding
    the streams EncryptionInfo and EncryptedPackage (both empty here)."""
    end, free, fat_sect, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    fat = struct.pack("<II", fat_sect, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, left: int, right: int, child: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", left, right, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<III", end, 0, 0))
    directory = (entry("Root Entry", 5, no_stream, no_stream, 1)
                 + entry("EncryptionInfo", 2, no_stream, 2, no_stream)
                 + entry("EncryptedPackage", 2, no_stream, no_stream, no_stream)
                 + bytes(128))
    return header + fat + directory


def wide_csv(columns: int = 100_000) -> bytes:
    return (",".join(f"c{i}" for i in range(columns)) + "\r\n"
            + ",".join("1" for _ in range(columns)) + "\r\n").encode()


def long_field_csv(chars: int = 200_000) -> bytes:
    return ("日期,说明\r\n2026-11-01," + "长" * chars + "\r\n").encode()


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(64)


def html_as_xls() -> bytes:
    return "<html><body><table><tr><td>日期</td></tr></table></body></html>".encode()


HOSTILE: dict[str, tuple[str, Any, str]] = {
    # name: (file name, maker, the key of the message)
    "dimension_bomb": ("bomb.xlsx", dimension_bomb, "sheets.too_many_columns"),
    "row_bomb": ("rows.xlsx", row_bomb, "sheets.too_many_rows"),
    "entity_bomb": ("laughs.xlsx", entity_bomb, "sheets.entities"),
    "malformed_xml": ("broken.xlsx", malformed_xml, "sheets.unreadable"),
    "encrypted": ("secret.xlsx", encrypted, "sheets.encrypted"),
    "wide_csv": ("wide.csv", wide_csv, "sheets.too_many_columns"),
    "long_field": ("long.csv", long_field_csv, "sheets.cell_too_long"),
    "png_as_xlsx": ("photo.xlsx", png, "sheets.not_spreadsheet"),
    "html_as_xls": ("export.xls", html_as_xls, "sheets.html"),
    "binary_csv": ("data.csv", png, "sheets.not_spreadsheet"),
}


def hostile(name: str) -> tuple[str, bytes, str]:
    """(file name, bytes, expected message key) of one hostile file."""
    filename, maker, key = HOSTILE[name]
    return filename, maker(), key


# ---- the 110 dispatch system's export ---------------------------------------------------

DISPATCH_HEAD = ["序号", "接警时间", "警情编号", "报警人", "警情类型", "警情类别", "发生地点",
                 "所属派出所", "所属社区", "处警结果"]
DISPATCH_KINDS = ("盗窃", "诈骗", "纠纷", "交通事故", "打架斗殴", "噪音扰民", "重复报警")


def dispatch_rows(places: Sequence[tuple[str, str]], n: int, *, start: int = 0,
                  first_day: Any = None) -> list[list[Any]]:
    """n incidents, one a row, as the dispatch system exports them: `places` are
    (station, community) pairs; times as datetime cells over 28 days from `first_day`."""
    from datetime import datetime, timedelta

    base = first_day or datetime(2026, 11, 1)
    rows: list[list[Any]] = []
    for i in range(start, start + n):
        station, community = places[i % len(places)]
        when = base + timedelta(days=i % 28, minutes=(i * 37) % 1440)
        rows.append([i + 1, when, f"J5001042026{i:08d}", "报警人", ("一般", "紧急")[i % 2],
                     DISPATCH_KINDS[(i * 5 + i // 7) % len(DISPATCH_KINDS)], f"某路{i % 97}号",
                     station, community, "已处理"])
    return rows


def dispatch_export(rows: Sequence[Sequence[Any]], *, fmt: str = "xlsx") -> bytes:
    """The export with its title row (merged), header, rows and the footer it prints."""
    title = ["大渡口区110接处警警情明细（2026年11月）"]
    footer = [["合计", f"{len(rows)} 起"], ["制表人：值班员", None, None, "审核人：所长"]]
    table = [title, [], DISPATCH_HEAD, *rows, *footer]
    if fmt == "xlsx":
        return xlsx(table, merges=["A1:J1"])
    return csv_bytes([[v.strftime("%Y-%m-%d %H:%M:%S") if hasattr(v, "strftime") else v
                       for v in row] for row in table], encoding="gb18030")


def dispatch_totals(rows: Sequence[Sequence[Any]], meaning: dict[str, str]
                    ) -> dict[tuple[Any, str, str], int]:
    """What the import must store: incidents by (day, Pingan category, community name)."""
    out: dict[tuple[Any, str, str], int] = {}
    for row in rows:
        category = meaning[row[5]]
        if category == "skip":
            continue
        key = (row[1].date(), category, row[8])
        out[key] = out.get(key, 0) + 1
    return out
