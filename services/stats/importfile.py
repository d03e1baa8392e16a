"""Reading the dispatch system's export (CSV or Excel) and guessing which column is which."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from services.errors import Invalid

FIELDS = ("day", "category", "community", "count")
MAX_BYTES = 50 * 1024 * 1024
_SYNONYMS = {
    "day": ("day", "date", "日期", "警情日期", "发生日期", "报警日期", "时间"),
    "category": ("category", "type", "类别", "警情类别", "警情类型", "类型", "分类"),
    "community": ("community", "community_id", "社区", "社区名称", "社区/村", "村社区", "所属社区"),
    "count": ("count", "incidents", "number", "数量", "起数", "警情数", "件数", "警情数量"),
}
_ENCODINGS = ("utf-8-sig", "gb18030")


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """Every cell as text (or empty), from CSV (UTF-8 or GB18030) or an Excel workbook."""
    if len(data) > MAX_BYTES:
        raise Invalid({"file": "stats.import.too_big"}, max=MAX_BYTES // (1024 * 1024))
    name = filename.lower()
    if not name.endswith((".xlsx", ".xlsm", ".csv", ".txt")):
        raise Invalid({"file": "stats.import.bad_type"})
    if not data.strip():
        raise Invalid({"file": "stats.import.empty"})
    try:
        if name.endswith((".xlsx", ".xlsm")):
            table = _read_excel(data)
        else:
            table = _read_csv(data)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, CalamineError) as exc:
        raise Invalid({"file": "stats.import.unreadable"}) from exc
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise Invalid({"file": "stats.import.empty"})
    return table.fillna("")


def _read_excel(data: bytes) -> pd.DataFrame:
    """The first sheet, read by calamine (Rust): 100,000 rows in about a second, where
    openpyxl takes ten or more."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    if not rows:
        return pd.DataFrame()
    names = _unique([str(h).strip() if h not in (None, "") else "" for h in rows[0]])
    body = [r[:len(names)] for r in rows[1:] if any(v not in (None, "") for v in r)]
    table = pd.DataFrame(body, columns=names, dtype=object).map(_plain)
    return table.where(table.notna(), "").astype(str)


def _plain(value: object) -> object:
    """Excel keeps every number as a float: 3.0 is read as the 3 that was typed."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _unique(names: list[str]) -> list[str]:
    """Header names made unique and non-empty, so every column can be chosen."""
    out: list[str] = []
    for i, name in enumerate(names, start=1):
        name = name or f"#{i}"
        while name in out:
            name = f"{name} ({i})"
        out.append(name)
    return out


def _read_csv(data: bytes) -> pd.DataFrame:
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                           skipinitialspace=True)
    raise Invalid({"file": "stats.import.encoding"})


def guess_mapping(columns: Sequence[str]) -> dict[str, str | None]:
    """For each field, the first column whose header is a known name for it (or None)."""
    lowered = {str(c).strip().lower(): str(c) for c in columns}
    mapping: dict[str, str | None] = {}
    for field in FIELDS:
        mapping[field] = next((lowered[s] for s in _SYNONYMS[field] if s in lowered), None)
    return mapping
