"""Where the table is on a sheet: header row(s), hidden columns, merged groups, footers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from services.sheets.model import Cell, Column, Limits, Note, Row, SheetError, Table, letter
from services.sheets.raw import RawSheet

_NUMBERISH = re.compile(r"[\d\s.,:/+%\-]+")
HEAD_SCAN = 20  # the header is looked for among the first rows
_FOOTER = ("合计", "总计", "小计", "总数", "填表人", "制表人", "审核人", "审批人", "负责人",
           "填表日期", "制表日期", "填报人", "填报日期", "统计人", "备注：", "注：")
_FOOTER_FIRST = {w[0] for w in _FOOTER} | {" ", "\u3000", "\t"}


def normal_header(text: object) -> str:
    """A header reduced for matching: "手机号码（必填）" and " 手机号码 " both -> "手机号码"."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"[(].*?[)]", "", value)
    return re.sub(r"[\s_*:\-]", "", value).lower()


def build(raw: RawSheet, *, hints: Collection[str], header_row: int | None,
          limits: Limits) -> Table:
    grid = raw.grid
    width = max((_last(r) for r in grid), default=0)
    if width == 0:
        raise SheetError("sheets.empty")
    hints = {normal_header(h) for h in hints}
    head = _header(grid, width, hints, header_row)
    notes: list[Note] = []
    first_filled = next(i for i, r in enumerate(grid) if _last(r))
    if head > first_filled:
        notes.append(Note("sheets.note.header_row", {"row": head + 1}))
    lower = _second_header(raw, head, width, hints) if header_row is None else None
    names = [_cell(grid, head, c) for c in range(width)]
    if lower is not None:
        names = [_cell(grid, lower, c) or _group(raw, head, c) or names[c] for c in range(width)]
        notes.append(Note("sheets.note.two_rows", {"first": head + 1, "second": lower + 1}))
        head = lower
    columns = _columns(names, raw.hidden_columns)
    _fill_down(raw, head, width, columns, notes)
    rows = _rows(grid, head, width, names, limits, notes, raw.long_text)
    if raw.hidden_sheets:
        notes.append(Note("sheets.note.hidden_sheets", {"sheets": "、".join(raw.hidden_sheets)}))
    if len(raw.sheets) > 1:
        notes.append(Note("sheets.note.sheet_chosen", {"sheet": raw.name, "n": len(raw.sheets)}))
    hidden = [c.name for c in columns if c.hidden]
    if hidden:
        notes.append(Note("sheets.note.hidden_columns", {"columns": "、".join(hidden)}))
    return Table(raw.name, raw.sheets, raw.hidden_sheets, head + 1, tuple(columns),
                 tuple(rows), tuple(notes))


def _last(row: list[Cell]) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i] is not None:
            return i + 1
    return 0


def _cell(grid: list[list[Cell]], r: int, c: int) -> str:
    row = grid[r] if r < len(grid) else []
    value = row[c] if c < len(row) else None
    return "" if value is None else " ".join(str(value).split())


def _header(grid: list[list[Cell]], width: int, hints: set[str], chosen: int | None) -> int:
    """0-based index of the header row: the row naming the most known fields, else the first
    row with text in most columns (a title row fills one cell, a blank row none)."""
    if chosen is not None:
        if not 1 <= chosen <= len(grid):
            raise SheetError("sheets.no_such_row", row=chosen)
        return chosen - 1
    first = next(i for i, r in enumerate(grid) if _last(r))
    scan = range(first, min(len(grid), first + HEAD_SCAN))
    if hints:
        matches = {i: sum(normal_header(v) in hints for v in grid[i] if v is not None)
                   for i in scan}
        best = max(scan, key=lambda i: (matches[i], -i))
        if matches[best] >= min(2, len(hints)):
            return best
    filled = {i: [v for v in grid[i] if v is not None] for i in scan}
    widest = max((len(v) for v in filled.values()), default=1)
    need = max(min(2, widest), (widest * 6 + 9) // 10)
    for i in scan:
        cells = filled[i]
        if len(cells) >= need and all(_is_label(v) for v in cells):
            return i
    return first


def _is_label(value: Cell) -> bool:
    """Text that can name a column: not a number, date or phone, even when typed as text."""
    return isinstance(value, str) and not _NUMBERISH.fullmatch(value)


def _group(raw: RawSheet, r: int, c: int) -> str:
    """The text of a merged cell covering (r, c), if any."""
    for r0, c0, r1, c1 in raw.merges:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return _cell(raw.grid, r0, c0)
    return ""


def _second_header(raw: RawSheet, head: int, width: int, hints: set[str]) -> int | None:
    """The row under the header when the two form one header: merged cells span the header
    row (a group over columns, or a name merged down both rows) and the row below is text."""
    below = head + 1
    if below >= len(raw.grid):
        return None
    cells = [v for v in raw.grid[below][:width] if v is not None]
    if not cells or not all(isinstance(v, str) for v in cells):
        return None
    spans = [m for m in raw.merges if m[0] == head and (m[2] > head or m[3] > m[1])]
    if spans:
        return below
    gaps = [c for c in range(width) if not _cell(raw.grid, head, c) and _cell(raw.grid, below, c)]
    if hints and any(normal_header(_cell(raw.grid, below, c)) in hints for c in gaps):
        return below
    return None


def _columns(names: list[str], hidden: frozenset[int]) -> list[Column]:
    out: list[Column] = []
    taken: set[str] = set()
    for i, name in enumerate(names):
        name = name or f"#{letter(i)}"
        base, n = name, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        taken.add(name)
        out.append(Column(i, name, letter(i), i in hidden))
    return out


def _fill_down(raw: RawSheet, head: int, width: int, columns: list[Column],
               notes: list[Note]) -> None:
    """A group name merged down a column (a team over its members) belongs to every row."""
    filled: dict[int, int] = {}
    for r0, c0, r1, c1 in raw.merges:
        if r1 <= r0 or r0 <= head or c0 >= width:
            continue
        for c in range(c0, min(c1, width - 1) + 1):
            value = raw.grid[r0][c] if c < len(raw.grid[r0]) else None
            for r in range(r0 + 1, min(r1, len(raw.grid) - 1) + 1):
                row = raw.grid[r]
                row.extend([None] * (c + 1 - len(row)))
                if row[c] is None and value is not None:
                    row[c] = value
                    filled[c] = filled.get(c, 0) + 1
    if filled:
        notes.append(Note("sheets.note.filled_down", {
            "columns": "、".join(columns[c].name for c in sorted(filled)),
            "n": sum(filled.values())}))


def _check_lengths(cells: list[Cell], r: int, limits: Limits) -> None:
    for c, v in enumerate(cells):
        if isinstance(v, str) and len(v) > limits.max_cell_chars:
            raise SheetError("sheets.cell_too_long", max=limits.max_cell_chars,
                             row=r + 1, column=letter(c))


def _is_footer(cells: list[Cell]) -> bool:
    seen = 0
    for v in cells:
        if v is None:
            continue
        if isinstance(v, str) and v[:1] in _FOOTER_FIRST and re.sub(
                r"\s", "", unicodedata.normalize("NFKC", v)).startswith(_FOOTER):
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def _rows(grid: list[list[Cell]], head: int, width: int, names: list[str], limits: Limits,
          notes: list[Note], long_text: bool) -> list[Row]:
    rows: list[Row] = []
    footers: list[int] = []
    repeats: list[int] = []
    header = [n or None for n in names]
    key = next((c for c, n in enumerate(header) if n), 0)
    pad = [None] * width
    for r in range(head + 1, len(grid)):
        cells = (grid[r] + pad)[:width]
        if cells.count(None) == width:
            continue
        if long_text:
            _check_lengths(cells, r, limits)
        if _is_footer(cells):
            footers.append(r + 1)
        elif cells[key] == header[key] and [
                None if v is None else " ".join(str(v).split()) for v in cells] == header:
            repeats.append(r + 1)  # a header printed again on every page of the export
        else:
            rows.append(Row(r + 1, tuple(cells)))
    if len(rows) > limits.max_rows:
        raise SheetError("sheets.too_many_rows", max=limits.max_rows, row=rows[-1].number)
    if footers:
        notes.append(Note("sheets.note.footer_rows", {"rows": _row_list(footers)}))
    if repeats:
        notes.append(Note("sheets.note.repeated_header", {"rows": _row_list(repeats)}))
    return rows


def _row_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" … (+{len(numbers) - 10})" if len(numbers) > 10 else "")
