"""Every download's spreadsheet (CSV or .xlsx) is written here, with formulas neutralised."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# A text cell starting with one of these is run as a formula by Excel, WPS or LibreOffice
# (tab and carriage return too: some strip them first). OWASP's list.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

Rows = Iterable[Sequence[object]]


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run is prefixed with an apostrophe (shown as text);
    numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(head: Sequence[str], rows: Rows) -> bytes:
    """CSV in UTF-8 with BOM (Excel then opens Chinese intact), every cell made safe."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell(h) for h in head])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def _text_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    """Text goes in as text, exactly as typed: openpyxl would store a string starting with =
    as a formula. The cell is marked "quote prefix", as Excel marks '=x typed by hand, so
    that editing it later does not turn it into a formula either."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Rows]]) -> bytes:
    """One sheet per (name → head, rows), names fitted to Excel's rules; no cell a formula."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for name, (head, rows) in sheets.items():
        ws = wb.create_sheet(sheet_name(name, taken))
        ws.append([_text_cell(ws, h) for h in head])
        for row in rows:
            ws.append([_text_cell(ws, v) for v in row])
    if not sheets:
        wb.create_sheet("sheet")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's 31-character limit and forbidden marks; a number added to repeat a name."""
    base = _SHEET_BAD.sub("_", name).strip("'")[:31] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    """A frame's rows as plain values (missing values as empty cells)."""
    plain = frame.astype(object).where(frame.notna(), None)
    return plain.to_numpy().tolist()


def frame_csv(frame: pd.DataFrame) -> bytes:
    return csv_bytes([str(c) for c in frame.columns], _cells(frame))


def frames_xlsx(frames: Mapping[str, pd.DataFrame]) -> bytes:
    return xlsx_bytes({name: ([str(c) for c in f.columns], _cells(f))
                       for name, f in frames.items()})
