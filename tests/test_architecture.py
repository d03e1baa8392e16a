"""Imports go one way: app → pages → ui → services → db; no streamlit below ui/, no db in pages/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "pages": {"sqlalchemy", "db"},
    "services": {"streamlit", "streamlit_authenticator", "extra_streamlit_components", "ui",
                 "pages"},
    "db": {"streamlit", "ui", "services", "pages"},
    "ui": {"pages"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files() -> list[tuple[str, Path]]:
    return [(layer, p) for layer in FORBIDDEN for p in sorted((ROOT / layer).rglob("*.py"))]


@pytest.mark.parametrize(("layer", "path"), _files(), ids=lambda v: str(v))
def test_imports_only_go_down(layer: str, path: Path) -> None:
    bad = _imports(path) & FORBIDDEN[layer]
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_app_is_a_router_only() -> None:
    lines = (ROOT / "app.py").read_text().splitlines()
    assert len(lines) <= 60
    assert not (_imports(ROOT / "app.py") & {"sqlalchemy", "db", "services"})


def test_every_page_starts_with_a_guard() -> None:
    for page in sorted((ROOT / "pages").glob("*.py")):
        source = page.read_text(encoding="utf-8")
        tree = ast.parse(source)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        first_call = min(calls, key=lambda n: (n.lineno, n.col_offset))
        func = first_call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        assert name == "require", f"{page.name}: the first call must be guard.require(...)"
