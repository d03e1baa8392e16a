"""One spreadsheet reader for every import (incidents, rosters).

    from services import sheets
    table = sheets.read_sheet(data, "名册.xlsx", sheet=None, max_rows=20_000,
                              hints=("姓名", "手机号码"))
    table.sheets, table.hidden_sheets          # visible sheets to offer, hidden ones skipped
    table.columns                              # Column(index, name, letter, hidden)
    for row in table.rows: row.number, row.cells  # the row as the sheet numbers it; typed cells
    table.notes                                # Note(key, params): say them to the user
    sheets.parse_date("2026年11月3日")          # date, or BadDate (an Invalid) with a key

Files: .xlsx/.xlsm, .xls/.et, .ods, .csv/.tsv/.txt (UTF-8 with or without BOM, GBK/GB18030,
UTF-16). Cells keep their type: str for text, int/float for numbers (an ID typed as a number
arrives as int: Excel kept 15 digits of it), date/datetime for date cells, None when empty.
Every refusal is a `SheetError` (an `Invalid`; `.key` is a translation key, also under
`.fields["file"]`, `.params` its parameters) whose message says what to do.

The parse runs in a child process capped in memory and time (services/sheets/sandbox.py);
the limits (bytes, sheets, rows, columns, cells, cell length) are checked while streaming,
before anything big is built.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from services.sheets.dates import BadDate, ParsedDate, parse_date, read_date
from services.sheets.layout import normal_header
from services.sheets.model import (
    EXTENSIONS,
    UPLOAD_TYPES,
    Cell,
    Column,
    Limits,
    Note,
    Row,
    SheetError,
    Table,
    letter,
)

__all__ = [
    "BadDate", "Cell", "check_name", "Collection", "Column", "EXTENSIONS", "letter", "Limits",
    "normal_header", "Note", "parse_date", "ParsedDate", "read_date", "read_sheet", "replace",
    "Row", "SheetError", "Table", "UPLOAD_TYPES",
]


def check_name(filename: str) -> None:
    """Refuse a file whose name the reader does not handle (before reading its bytes)."""
    if not filename.lower().endswith(EXTENSIONS):
        raise SheetError("sheets.bad_type", types=" ".join(EXTENSIONS))


def read_sheet(data: bytes, filename: str, *, sheet: str | None = None,
               max_rows: int = 20_000, hints: Collection[str] = (),
               header_row: int | None = None, limits: Limits | None = None) -> Table:
    """The table on one sheet of an uploaded file (the biggest visible sheet by default).

    `hints`: header names the caller knows (any spelling: they are normalised), to find the
    header row among title rows; `header_row`: the sheet row of the header when the user
    chose it. Raises SheetError for every file it cannot read, with what to do.
    """
    from services.sheets.sandbox import run_capped

    check_name(filename)
    limits = replace(limits or Limits(), max_rows=max_rows)
    if len(data) > limits.max_bytes:
        raise SheetError("sheets.too_big", max=limits.max_bytes // (1024 * 1024))
    if not data.strip():
        raise SheetError("sheets.empty")
    table: Table = run_capped((data, filename, sheet, tuple(hints), header_row, limits),
                              memory_mb=limits.memory_mb, seconds=limits.seconds)
    return table
