"""From bytes to a grid of typed cells for one sheet (runs inside the parsing child)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from services.sheets import xlsxscan
from services.sheets.model import EXCEL, ODS, Cell, Limits, SheetError, letter

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


@dataclass
class RawSheet:
    """Row i of `grid` is sheet row i + 1; column j is sheet column j (A = 0)."""

    name: str
    sheets: tuple[str, ...]
    hidden_sheets: tuple[str, ...]
    grid: list[list[Cell]]
    hidden_columns: frozenset[int] = frozenset()
    merges: list[Merge] = field(default_factory=list)
    long_text: bool = True  # False: no cell can pass the length limit (checked while scanning)


def read_raw(data: bytes, filename: str, sheet: str | None, limits: Limits) -> RawSheet:
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return _zipped(data, sheet, limits, ods=name.endswith(ODS))
    if data[:8] == _CFB:
        if _ENCRYPTED in data[:1 << 20] or _ENCRYPTED in data[-(1 << 20):]:
            raise SheetError("sheets.encrypted")
        return _workbook(data, sheet, limits, None)
    if name.endswith((*EXCEL, ".xls", ".et", *ODS)):
        head = data[:2048].lstrip().lower()
        if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
            raise SheetError("sheets.html")
        raise SheetError("sheets.not_spreadsheet")
    return RawSheet("", (), (), _csv_grid(data, name, limits), long_text=False)


def _zipped(data: bytes, sheet: str | None, limits: Limits, ods: bool) -> RawSheet:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        xlsxscan.check_zip(zf, limits)
        names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise SheetError("sheets.unreadable") from None
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise SheetError("sheets.not_spreadsheet")
    return _workbook(data, sheet, limits, zf if "xl/workbook.xml" in names else None)


def _workbook(data: bytes, sheet: str | None, limits: Limits,
              zf: zipfile.ZipFile | None) -> RawSheet:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        meta = [m for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    except CalamineError as exc:
        raise _calamine_error(exc) from None
    if len(meta) > limits.max_sheets:
        raise SheetError("sheets.too_many_sheets", max=limits.max_sheets)
    visible = tuple(m.name for m in meta if m.visible == SheetVisibleEnum.Visible)
    hidden = tuple(m.name for m in meta if m.visible != SheetVisibleEnum.Visible)
    if not visible:
        raise SheetError("sheets.empty")
    parts = xlsxscan.sheet_parts(zf) if zf else {}
    if sheet is not None and sheet not in visible:
        raise SheetError("sheets.no_such_sheet", sheet=sheet)
    try:
        loaded = None
        if sheet is None and zf is None and data[:8] == _CFB:  # .xls/.et: no part sizes
            chosen, loaded = _biggest_loaded(book, visible, limits)
        else:
            chosen = sheet or _biggest(zf, parts, visible)
        # an .xlsx sheet is scanned before any library loads it (dimension and row bombs)
        scan = (xlsxscan.scan_sheet(zf, parts[chosen], limits) if zf and chosen in parts
                else xlsxscan.SheetScan(0, 0, frozenset()))
        if loaded is None:
            loaded = _loaded(book, chosen, limits)
        grid = _grid(loaded.to_python(skip_empty_area=False))
        merges = [(a[0], a[1], b[0], b[1]) for a, b in (loaded.merged_cell_ranges or [])]
    except CalamineError as exc:
        raise _calamine_error(exc) from None
    hidden_columns = scan.hidden_columns if zf else _xls_hidden_columns(data, chosen)
    return RawSheet(chosen, visible, hidden, grid, hidden_columns, merges, scan.long_text)


def _biggest(zf: zipfile.ZipFile | None, parts: dict[str, str], visible: tuple[str, ...]) -> str:
    """The visible sheet with the most data (a cover or notes sheet is small): by part size."""
    if not zf or len(visible) == 1:
        return visible[0]
    sizes = {n: zf.getinfo(parts[n]).file_size for n in visible if parts.get(n) in zf.namelist()}
    return max(visible, key=lambda n: sizes.get(n, 0))


def _loaded(book: CalamineWorkbook, name: str, limits: Limits) -> Any:
    """One sheet of the workbook, refused when it passes the limits."""
    loaded = book.get_sheet_by_name(name)
    _check_size(loaded.total_height, loaded.total_width, limits)
    return loaded


def _biggest_loaded(book: CalamineWorkbook, visible: tuple[str, ...], limits: Limits
                    ) -> tuple[str, Any]:
    """An .xls/.et has no part sizes to compare: the visible sheet with the most cells, each
    checked against the limits before it is compared; returned with the sheet loaded."""
    sheets = {name: _loaded(book, name, limits) for name in visible}
    name = max(visible, key=lambda n: sheets[n].total_height * sheets[n].total_width)
    return name, sheets[name]


def _xls_hidden_columns(data: bytes, sheet: str) -> frozenset[int]:
    """The hidden columns of an .xls/.et sheet (its COLINFO records, read by xlrd: calamine
    does not report them); none when xlrd cannot read the file (calamine could)."""
    if data[:8] != _CFB:
        return frozenset()
    import xlrd  # only for these files

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=io.StringIO())
        info = book.sheet_by_name(sheet).colinfo_map
    except Exception:  # noqa: BLE001 - a format xlrd does not know: read as shown
        return frozenset()
    return frozenset(c for c, col in info.items() if col.hidden)


def _check_size(height: int, width: int, limits: Limits) -> None:
    if width > limits.max_columns:
        raise SheetError("sheets.too_many_columns", max=limits.max_columns,
                         column=letter(width - 1))
    if height > limits.max_rows + 100:
        raise SheetError("sheets.too_many_rows", max=limits.max_rows, row=height)
    if height * width > limits.max_cells:
        raise SheetError("sheets.too_many_cells", max=limits.max_cells)


def _calamine_error(exc: Exception) -> SheetError:
    text = f"{type(exc).__name__} {exc}".lower()
    if "password" in text or "encrypt" in text:
        return SheetError("sheets.encrypted")
    return SheetError("sheets.unreadable")


_STRINGS: dict[str, str] = {}


def _grid(rows: list[list[Any]]) -> list[list[Cell]]:
    """Every cell typed; text, the common case, on a fast path that also shares repeated
    texts (one object for every '盗窃': a smaller table to send and to keep)."""
    share = _STRINGS.setdefault
    return [[(share(v, v) if v else None) if type(v) is str else _typed(v) for v in row]
            for row in rows]


def _typed(value: object) -> Cell:
    """Calamine's value as the cell typed it; repeated short texts share one object."""
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        if len(value) <= 40:
            return _STRINGS.setdefault(value, value) if len(_STRINGS) < 200_000 else value
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if isinstance(value, datetime | date | int):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)  # durations and anything new: as the text it shows


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        head = data[:4096]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > len(head) // 4:
            encodings = ("utf-16-le",)
        elif even > len(head) // 4:
            encodings = ("utf-16-be",)
        else:
            encodings = ("utf-8", "gb18030")  # Excel in China saves CSV as GBK
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("sheets.encoding")


def _delimiter(text: str, name: str) -> str:
    if name.endswith(".tsv"):
        return "\t"
    lines = [ln for ln in text[:16_384].splitlines()[:20] if ln.strip()]
    best, score = ",", 0
    for cand in (",", "\t", ";", "|"):
        counts = [ln.count(cand) for ln in lines]
        top = max(counts, default=0)
        if top > score:
            best, score = cand, top
    return best


def _csv_grid(data: bytes, name: str, limits: Limits) -> list[list[Cell]]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:4096]
        if head[1::2].count(0) + head[0::2].count(0) < len(head) // 4:
            raise SheetError("sheets.not_spreadsheet")  # binary, not text
    text = _decode(data)
    csv.field_size_limit(limits.max_cell_chars)
    grid: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, name)):
            if len(row) > limits.max_columns and any(c.strip() for c in row[limits.max_columns:]):
                raise SheetError("sheets.too_many_columns", max=limits.max_columns,
                                 column=letter(len(row) - 1))
            grid.append([_typed(c.strip()) for c in row[:limits.max_columns]])
            if len(grid) > limits.max_rows + 100:
                raise SheetError("sheets.too_many_rows", max=limits.max_rows, row=len(grid))
    except csv.Error as exc:
        if "larger than field limit" in str(exc):
            raise SheetError("sheets.cell_too_long", max=limits.max_cell_chars,
                             row=len(grid) + 1) from None
        raise SheetError("sheets.unreadable") from None
    if "\x00" in text:
        raise SheetError("sheets.not_spreadsheet")
    return grid
