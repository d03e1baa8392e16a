"""Every statistics table as CSV (UTF-8 with BOM, for Excel) or as one Excel workbook."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from services.core.spreadsheet import frame_csv, frames_xlsx


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that Excel opens with Chinese intact (UTF-8 with BOM), formulas neutralised."""
    return frame_csv(frame)


def xlsx_bytes(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per table, named after it; text stays text (services.core.spreadsheet)."""
    return frames_xlsx(frames)


def labelled(frame: pd.DataFrame, text: object, prefix: str = "stats.col") -> pd.DataFrame:
    """The table with its column names translated (`text(key)` in the reader's language)."""
    names = {c: text(f"{prefix}.{c}") for c in frame.columns}  # type: ignore[operator]
    return frame.rename(columns={c: (n if not n.startswith(prefix) else c)
                                 for c, n in names.items()})
