"""Every statistics table as CSV (UTF-8 with BOM, for Excel) or as one Excel workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that Excel opens with Chinese intact (the BOM tells it the text is UTF-8)."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name).strip("'")[:31] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def xlsx_bytes(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per table, named after it (Excel's 31-character limit and forbidden marks)."""
    buf = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=_sheet_name(name, taken), index=False)
    return buf.getvalue()


def labelled(frame: pd.DataFrame, text: object, prefix: str = "stats.col") -> pd.DataFrame:
    """The table with its column names translated (`text(key)` in the reader's language)."""
    names = {c: text(f"{prefix}.{c}") for c in frame.columns}  # type: ignore[operator]
    return frame.rename(columns={c: (n if not n.startswith(prefix) else c)
                                 for c, n in names.items()})
