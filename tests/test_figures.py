"""docs/FIGURES.md and the code agree: every figure row names the module computing it and the
tests recomputing it from raw rows by the documented rule, and those exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "docs" / "FIGURES.md"
EXPECTED = {"period vs the year before", '"since July"', "incidents change %",
            "dispute resolution rate", "week", "officer hours a week", "officers below 40 h",
            "dispatch time", "time to scene", "closed in the grid / community", "overdue lead",
            "open lead"}


def _rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in FIGURES.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in {"figure", "---"} and not cells[0].startswith("-"):
            rows[cells[0]] = (cells[2], cells[3])
    return rows


def _tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_every_reported_figure_has_one_row() -> None:
    assert set(_rows()) == EXPECTED


def test_each_row_names_code_and_tests_that_exist() -> None:
    for figure, (code, checks) in _rows().items():
        modules = re.findall(r"`([\w/]+\.py)`", code)
        assert modules, figure
        for module in modules:
            assert (ROOT / module).is_file(), (figure, module)
        named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", checks)
        assert named, figure
        for file, test in named:
            assert test in _tests(ROOT / "tests" / file), (figure, file, test)
