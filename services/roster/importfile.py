"""Roster files: read CSV or .xlsx, recognise Chinese or English headers, write templates."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from services import sheets
from services.core.errors import Invalid

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
# Fields of each kind of import and the headers that name them (first: the template's).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "members": {
        "community": ("社区", "所属社区", "社区名称", "村社区", "community"),
        "team": ("队伍", "所属队伍", "队伍名称", "队伍类型", "team", "teamname", "teamkind"),
        "name": ("姓名", "名字", "name", "fullname"),
        "phone": ("手机号码", "手机", "手机号", "电话", "联系电话", "电话号码", "phone", "mobile",
                  "phonenumber", "telephone", "tel"),
        "id_number": ("身份证号码", "身份证号", "公民身份号码", "身份证", "idnumber", "id",
                      "idno", "residentid", "idcard"),
        "grid": ("网格", "所属网格", "网格名称", "网格编号", "grid", "gridcode", "gridname"),
        "skills": ("技能", "特长", "技能特长", "skills", "skill"),
        "availability": ("可参与时间", "可用时间", "空闲时间", "服务时间", "值守时间",
                         "availability", "available", "availabletimes"),
    },
    "units": {
        "community": ("社区", "所属社区", "社区名称", "村社区", "community"),
        "name": ("单位名称", "名称", "单位", "name", "unit", "unitname"),
        "kind": ("单位类型", "类型", "kind", "type", "unitkind"),
        "contact_name": ("联系人", "contact", "contactname"),
        "contact_phone": ("联系电话", "电话", "手机", "contactphone", "phone"),
        "services": ("提供服务", "服务", "服务内容", "服务项目", "services", "service"),
    },
}
REQUIRED = {"members": ("team", "name", "phone"), "units": ("name", "kind")}
ENGLISH_HEADERS = {
    "community": "community", "team": "team", "name": "name", "phone": "phone",
    "id_number": "id number", "grid": "grid", "skills": "skills", "kind": "kind",
    "availability": "availability",
    "contact_name": "contact name", "contact_phone": "contact phone", "services": "services",
}


@dataclass(frozen=True)
class Table:
    """A file's header row and its data rows, every cell as text; `lines` are the rows as the
    sheet numbers them, `hidden` marks the columns Excel hides (never pre-selected)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...] = ()
    hidden: tuple[bool, ...] = ()
    notes: tuple[sheets.Note, ...] = ()
    numbers: frozenset[tuple[int, int]] = frozenset()  # (row, column) the sheet typed as numbers
    sheet: str = ""
    sheets: tuple[str, ...] = ()


def _text(value: sheets.Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """The roster on one sheet of any file the spreadsheet reader handles (services.sheets)."""
    hints = {h for names in FIELDS.values() for fields in names.values() for h in fields}
    found = sheets.read_sheet(data, filename, sheet=sheet, max_rows=MAX_ROWS, hints=hints,
                              limits=sheets.Limits(max_bytes=MAX_BYTES))
    return Table(headers=found.headers,
                 rows=tuple(tuple(_text(v) for v in r.cells) for r in found.rows),
                 lines=tuple(r.number for r in found.rows),
                 hidden=tuple(c.hidden for c in found.columns), notes=found.notes,
                 numbers=frozenset((n, i) for n, r in enumerate(found.rows)
                                   for i, v in enumerate(r.cells)
                                   if isinstance(v, int | float) and not isinstance(v, bool)),
                 sheet=found.sheet, sheets=found.sheets)


def _normal(header: str) -> str:
    text = re.sub(r"[（(].*?[）)]", "", header)  # "手机号码（必填）" -> "手机号码"
    return re.sub(r"[\s_*:：\-]", "", text).lower()


def guess_mapping(kind: str, headers: tuple[str, ...],
                  hidden: tuple[bool, ...] = ()) -> dict[str, int | None]:
    """Field -> column index, from the headers' names in Chinese or English (None: absent).
    A column hidden in Excel is never chosen (a hidden last-year phone column, ...)."""
    normal = ["" if i < len(hidden) and hidden[i] else _normal(h) for i, h in enumerate(headers)]
    out: dict[str, int | None] = {}
    taken: set[int] = set()
    for field, names in FIELDS[kind].items():
        out[field] = next((normal.index(n) for n in names
                           if n in normal and normal.index(n) not in taken), None)
        if out[field] is not None:
            taken.add(out[field])  # type: ignore[arg-type]
    return out


def template(kind: str, *, lang: str = "zh", fmt: str = "xlsx") -> bytes:
    """An empty file with the headers the importer recognises (required fields marked *)."""
    if kind not in FIELDS or fmt not in {"csv", "xlsx"}:
        raise Invalid({"kind": "roster.v.choice"})
    heads = [(names[0] if lang == "zh" else ENGLISH_HEADERS[field])
             + ("*" if field in REQUIRED[kind] else "")
             for field, names in FIELDS[kind].items()]
    if fmt == "csv":
        return (",".join(heads) + "\r\n").encode("utf-8-sig")
    wb = Workbook()
    ws = wb.active
    ws.title = "members" if kind == "members" else "units"
    ws.append(heads)
    for i in range(len(heads)):  # text columns: Excel must not turn ID numbers into 1.1E+17
        ws.column_dimensions[get_column_letter(i + 1)].number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
