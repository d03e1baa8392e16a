"""What the spreadsheet reader returns and the limits it enforces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.core.errors import Invalid

Cell = str | int | float | date | datetime | None
"""A cell as the sheet typed it: text is str, numbers int/float, dates date/datetime, empty None."""

EXCEL = (".xlsx", ".xlsm")
BINARY = (".xls", ".et")
ODS = (".ods",)
TEXT = (".csv", ".tsv", ".txt")
EXTENSIONS: tuple[str, ...] = (*EXCEL, *BINARY, *ODS, *TEXT)
"""Every file name ending the reader accepts (pass to upload boxes, without dots if needed)."""
UPLOAD_TYPES: tuple[str, ...] = tuple(e.lstrip(".") for e in EXTENSIONS)


@dataclass(frozen=True)
class Limits:
    """Refused before anything big is built: bytes, sheets, rows, columns, cells, cell text."""

    max_bytes: int = 50 * 1024 * 1024
    max_sheets: int = 50
    max_rows: int = 20_000
    max_columns: int = 200
    max_cells: int = 3_000_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_unzipped: int = 400 * 1024 * 1024  # all parts of an .xlsx/.ods together
    memory_mb: int = 768  # the parsing child's address space on top of its start
    seconds: float = 60.0  # the parsing child's wall-clock limit


@dataclass(frozen=True)
class Column:
    """A column as the sheet shows it: its header text, letter and whether Excel hides it."""

    index: int  # 0-based position in Row.cells
    name: str  # unique, never empty ("#3" for an unnamed third column)
    letter: str  # "A", "B", ... as in the sheet (for messages)
    hidden: bool = False


@dataclass(frozen=True)
class Row:
    """One data row: the row number the sheet shows (1 = first line) and its typed cells."""

    number: int
    cells: tuple[Cell, ...]

    def get(self, column: int) -> Cell:
        return self.cells[column] if 0 <= column < len(self.cells) else None


@dataclass(frozen=True)
class Note:
    """Something the reader decided that the user should see: a translation key + params."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """The table found on one sheet of a file.

    `sheet` is the sheet read ("" for CSV); `sheets` every visible sheet (choose another with
    `read_sheet(..., sheet=name)`); `hidden_sheets` those skipped; `header_row` the sheet row of
    the header (the lower one of a two-row header); `rows` the data rows, blank, total and
    footer rows left out; `notes` what was decided (fill-down, skipped rows, ...).
    """

    sheet: str
    sheets: tuple[str, ...]
    hidden_sheets: tuple[str, ...]
    header_row: int
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[Note, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def values(self, column: int) -> list[Cell]:
        return [r.get(column) for r in self.rows]


class SheetError(Invalid):
    """A file the reader refuses; `key` (also under fields["file"]) says why and what to do."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__({"file": key}, key=key, **params)

    def __reduce__(self) -> tuple[Any, ...]:  # crosses the process boundary intact
        return (_rebuild, (self.key, self.params))


def _rebuild(key: str, params: dict[str, Any]) -> SheetError:
    return SheetError(key, **params)


def letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: str) -> int:
    """"A" -> 0, "AA" -> 26, "XFD" -> 16383."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1
