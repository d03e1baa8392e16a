"""Look inside an .xlsx/.ods zip before any library parses it: entity declarations, the
size the chosen sheet really has, hidden columns. Streams; never holds a whole part."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from services.sheets.model import Limits, SheetError, column_index, letter

_DECL = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
_ROW_NUMBER = re.compile(rb"<row\b[^>]*?\br=\"(\d{1,7})\"")
_LONG = 8000  # bytes of text in a row that may pass the cell length limit: look closer
_COL = re.compile(rb"<col\b[^>]*>")
_ATTR = re.compile(rb"\b(min|max|hidden)=\"([^\"]*)\"")
_CHUNK = 1 << 20
_BOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class SheetScan:
    rows: int  # the last row number that holds a value (0: none)
    columns: int  # the last column (1-based) that holds a value
    hidden_columns: frozenset[int]  # 0-based
    long_text: bool = True  # a cell may be longer than the limit: check every cell


def check_zip(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse zip bombs and XML with DOCTYPE/ENTITY declarations (the 'billion laughs')."""
    infos = zf.infolist()
    if len(infos) > 10_000 or sum(i.file_size for i in infos) > limits.max_unzipped:
        raise SheetError("sheets.too_big_unzipped")
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with zf.open(info) as part:
                head = part.read(4096)
            if _DECL.search(head) or _DECL.search(head.replace(b"\x00", b"")):
                raise SheetError("sheets.entities")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the zip, from xl/workbook.xml and its relationships."""
    # check_zip has refused any DOCTYPE/ENTITY already, and both parts are small
    try:
        if max(zf.getinfo(n).file_size for n in _BOOK_PARTS) > 8 * 1024 * 1024:
            return {}
        book = ElementTree.fromstring(zf.read(_BOOK_PARTS[0]))  # noqa: S314
        rels = ElementTree.fromstring(zf.read(_BOOK_PARTS[1]))  # noqa: S314
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): (r.get("Target") or "") for r in rels.iter(f"{_PKG}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL), "")
        out[sheet.get("name") or ""] = (target.lstrip("/") if target.startswith("/")
                                        else "xl/" + target)
    return out


def scan_sheet(zf: zipfile.ZipFile, part: str, limits: Limits) -> SheetScan:
    """The real extent of one sheet and its hidden columns, streamed with C-speed searches
    only (a Python step per cell costs seconds on 100,000 rows)."""
    rows = cols = 0
    far = _far_columns(limits.max_columns)
    long = min(_LONG, limits.max_cell_chars)  # bytes between two tags: a cell to measure
    long_text = _long_shared_strings(zf, long)
    hidden: set[int] = set()
    tail = b""
    try:
        stream = zf.open(part)
    except KeyError:
        return SheetScan(0, 0, frozenset())
    with stream:
        while chunk := stream.read(_CHUNK):
            buf = tail + chunk
            cut = buf.rfind(b"<")  # a tag may be split between chunks: keep it for the next
            cut = cut if cut > 0 and len(buf) - cut < 4096 else len(buf)
            text, tail = buf[:cut], buf[cut:]
            rows = max(rows, _last_row(text, rows))
            hit = far.search(text)
            if hit:
                cols = column_index(hit.group(1).decode()) + 1
            long_text = long_text or max(map(len, text.split(b"<"))) >= long
            for m in _COL.finditer(text):
                hidden.update(_hidden(m.group(0)))
            _check_extent(rows, cols, limits)
    return SheetScan(rows, cols, frozenset(hidden), long_text)


def _last_row(text: bytes, before: int) -> int:
    """The number of the last <row> in this piece (or rows counted, where they have none)."""
    at = text.rfind(b"<row ")
    if at < 0:
        return before
    m = _ROW_NUMBER.match(text, at)
    return int(m.group(1)) if m else before + text.count(b"<row ")


def _far_columns(limit: int) -> re.Pattern[bytes]:
    """A pattern for a cell reference in column `limit` (0-based: the first one too far)
    or beyond: for 200, GS1 and after, any three letters, HA..ZZ."""
    first = letter(limit)
    if len(first) == 1:
        alts = [b"[A-Z]{2,3}", b"[%s-Z]" % first.encode()]
    elif len(first) == 2:
        x, y = first.encode()[:1], first.encode()[1:]
        alts = [b"[A-Z]{3}", x + b"[%s-Z]" % y]
        if x != b"Z":
            alts.append(b"[%s-Z][A-Z]" % bytes([x[0] + 1]))
    else:
        alts = [b"(?!)"]  # beyond 702 columns: left to the parser's memory cap
    return re.compile(rb"\br=\"(" + b"|".join(alts) + rb")\d{1,7}\"")  # sqref=, ref=: no


def _hidden(tag: bytes) -> range:
    attrs = dict(_ATTR.findall(tag))
    if attrs.get(b"hidden") not in (b"1", b"true"):
        return range(0)
    lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
    return range(lo - 1, min(hi, 16_384))


def _check_extent(rows: int, cols: int, limits: Limits) -> None:
    if cols > limits.max_columns:
        raise SheetError("sheets.too_many_columns", max=limits.max_columns, column=letter(cols - 1))
    if rows > limits.max_rows + 100:  # room for title, header and footer rows
        raise SheetError("sheets.too_many_rows", max=limits.max_rows, row=rows)
    if rows * cols > limits.max_cells:
        raise SheetError("sheets.too_many_cells", max=limits.max_cells)


def _long_shared_strings(zf: zipfile.ZipFile, limit: int) -> bool:
    """Whether the shared strings hold a text of `limit` bytes or more (then every cell is
    measured after parsing; otherwise no cell can pass the length limit)."""
    try:
        stream = zf.open("xl/sharedStrings.xml")
    except KeyError:
        return False
    tail = b""
    with stream:
        while chunk := stream.read(_CHUNK):
            pieces = (tail + chunk).split(b"<")
            if max(map(len, pieces)) >= limit:
                return True
            tail = pieces[-1]
    return False
