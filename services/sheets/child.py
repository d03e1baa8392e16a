"""The parsing child: `python -m services.sheets.child` reads (data, filename, sheet, hints,
header_row, limits) pickled on stdin and writes (ok, Table or SheetError) pickled on stdout."""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Collection

from services.sheets.layout import build
from services.sheets.model import Limits, SheetError, Table
from services.sheets.raw import read_raw
from services.sheets.sandbox import cap_memory


def parse(data: bytes, filename: str, sheet: str | None, hints: Collection[str],
          header_row: int | None, limits: Limits) -> Table:
    raw = read_raw(data, filename, sheet, limits)
    return build(raw, hints=hints, header_row=header_row, limits=limits)


def main() -> None:
    cap_memory(int(os.environ.get("PINGAN_SHEETS_MEMORY_MB", "768")))
    call = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 (from the parent process)
    try:
        result: tuple[bool, object] = (True, parse(*call))
    except SheetError as exc:
        result = (False, exc)
    except MemoryError:
        result = (False, SheetError("sheets.too_heavy"))
    except Exception:  # a library's crash on a broken file is the file's fault: say so
        result = (False, SheetError("sheets.unreadable"))
    try:
        sys.stdout.buffer.write(pickle.dumps(result, protocol=5))
    except MemoryError:
        sys.exit(3)


if __name__ == "__main__":
    main()
