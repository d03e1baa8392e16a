"""ID numbers as spreadsheets deliver them: what Excel damaged is refused, never stored.

Excel keeps 15 significant digits of a number: an 18-digit ID typed into a number column
loses its last digits (500104195511210109 becomes 500104195511209984), and about one in ten
of those still passes the check digit. So the cause is the cell, not the digits: a numeric
cell, scientific notation ("5.00104E+17") or a float-shaped value ("500104195511210000.0")
in the ID column is refused with a message that says so, whatever its check digit.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from services.core.validation import id_check_character, validate_id_number

EXCEL_NUMBER = "roster_imp.id_excel_number"
CONVERTED_15 = "roster_imp.id_15_converted"
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d*)?E[+-]?\d+")
_FLOAT = re.compile(r"\d{6,}\.\d*")
_SPACES = re.compile(r"[\s\u200b\ufeff'‘’`]+")


@dataclass(frozen=True)
class IdCell:
    number: str | None  # the 18-character ID to store, None when empty or refused
    problem: str | None = None  # translation key: why the cell is refused
    note: str | None = None  # translation key: what was done (15 digits made 18)


def read_id(value: object, *, numeric: bool = False) -> IdCell:
    """The ID number in one cell; `numeric` when the sheet stored the cell as a number."""
    if value is None or value == "":
        return IdCell(None)
    if numeric or isinstance(value, int | float):
        return IdCell(None, EXCEL_NUMBER)
    return _read_text(str(value))


@functools.lru_cache(maxsize=65_536)  # a file is checked twice (preview, then import)
def _read_text(value: str) -> IdCell:
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not text:
        return IdCell(None)
    if _SCIENTIFIC.fullmatch(text) or _FLOAT.fullmatch(text):
        return IdCell(None, EXCEL_NUMBER)
    note = None
    if re.fullmatch(r"\d{15}", text):
        text = from_15(text)
        note = CONVERTED_15
    problem = validate_id_number(text)
    if problem is not None:
        return IdCell(None, problem)
    return IdCell(text, None, note)


def from_15(old: str) -> str:
    """A first-generation 15-digit ID as 18 (GB 11643): "19" before the two-digit birth year,
    then the check character."""
    first17 = old[:6] + "19" + old[6:]
    return first17 + id_check_character(first17)
