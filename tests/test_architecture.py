"""The shape of the code, held by a test.

Imports go one way: app → pages → ui → services → db; no streamlit below ui/, no db in pages/.
Each floor (services/, ui/) holds a kernel package (`core`) and one package per area; no module
lies loose beside them. The kernel imports no area. An area reaches another area only through
that area's public `__init__` (`from services.leads import inbox`, never
`from services.leads.inbox import inbox`). A ui area may use its own services area's modules.
Nothing imports in a circle, counting imports inside functions too.
"""

from __future__ import annotations

import ast
import tomllib
from functools import cache
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
FLOORS = ("services", "ui")


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


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    found = {_module(p): p for floor in (*FLOORS, "db") for p in (ROOT / floor).rglob("*.py")
             if "migrations" not in p.parts}
    return found | {_module(p): p for p in (ROOT / "pages").glob("*.py")} | {"app": ROOT / "app.py"}


def _resolve(name: str) -> str | None:
    """The module that a dotted name is, or lies in."""
    while name and name not in _modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def _edges(module: str) -> tuple[tuple[str, str, tuple[str, ...], int], ...]:
    """(imported module, module named in the statement, names, line) for every import of ours,
    at the top or inside a function."""
    tree = ast.parse(_modules()[module].read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if (target := _resolve(a.name)) is not None:
                    out.append((target, a.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                target = full if full in _modules() else _resolve(node.module)
                if target is not None:
                    out.append((target, node.module, (a.name,), node.lineno))
    return tuple(out)


def _area(module: str) -> str | None:
    """'leads' for services.leads.inbox and ui.leads.report; None outside the floors."""
    parts = module.split(".")
    return parts[1] if parts[0] in FLOORS and len(parts) > 1 else None


@pytest.mark.parametrize(("layer", "path"), _files(), ids=lambda v: str(v))
def test_imports_only_go_down(layer: str, path: Path) -> None:
    bad = _imports(path) & FORBIDDEN[layer]
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("floor", FLOORS)
def test_each_floor_is_a_kernel_and_one_package_per_area(floor: str) -> None:
    loose = sorted(p.name for p in (ROOT / floor).glob("*.py") if p.name != "__init__.py")
    assert not loose, f"{floor}/ has modules outside any area: {loose}"
    packages = {p.parent.name for p in (ROOT / floor).glob("*/__init__.py")}
    assert "core" in packages
    assert {"leads", "roster", "maps", "stats", "alerts", "cases", "disputes", "presence",
            "accounts", "admin"} <= packages


def test_the_kernel_imports_no_area() -> None:
    bad = [f"{m}:{line} imports {target}"
           for m in _modules() if _area(m) == "core"
           for target, _, _, line in _edges(m)
           if _area(target) not in (None, "core")]
    assert not bad, "\n".join(bad)


def _public(package: str) -> set[str]:
    """What a package's __init__ offers: its own names and those it imports."""
    tree = ast.parse(_modules()[package].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_an_area_reaches_another_only_through_its_init() -> None:
    bad = []
    for m in _modules():
        own = _area(m)
        if own in (None, "core"):
            continue
        for target, named, names, line in _edges(m):
            other = _area(target)
            if other in (None, "core", own):
                continue
            package = f"{target.split('.')[0]}.{other}"
            if target == package:  # the package itself: `from services import leads`
                continue
            if named != package or not set(names) <= _public(package):
                bad.append(f"{m}:{line} reaches into {target} (use {package}'s public names)")
    assert not bad, "\n".join(bad)


def test_no_module_imports_in_a_circle() -> None:
    """Tarjan's strongly connected components over every import of ours (a package's __init__
    counts as imported whenever one of its modules is)."""
    graph: dict[str, set[str]] = {}
    for m in _modules():
        targets = {t for t, _, _, _ in _edges(m) if t != m}
        # importing a.b.c runs a/__init__ and a/b/__init__ first
        for t in list(targets):
            parts = t.split(".")
            targets |= {".".join(parts[:i]) for i in range(1, len(parts))
                        if ".".join(parts[:i]) in _modules()} - {m}
        graph[m] = {t for t in targets if not m.startswith(t + ".")}  # a parent is not a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # recursive Tarjan; the graph is a few hundred modules deep at most
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not circles, "\n".join(" ↔ ".join(c) for c in circles)


def test_every_library_imported_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_distribution_name(d) for d in project["dependencies"]}
    import_names = {"PIL": "pillow", "yaml": "pyyaml", "psycopg": "psycopg",
                    "python_calamine": "python-calamine", "dateutil": "python-dateutil",
                    "jwt": "pyjwt", "extra_streamlit_components": "extra-streamlit-components"}
    import sys
    ours = {"services", "ui", "db", "pages", "app"}
    used: set[str] = set()
    for _layer, path in [*_files(), ("app", ROOT / "app.py")]:
        used |= _imports(path)
    missing = sorted(
        name for name in used - ours - set(sys.stdlib_module_names) - {"__future__"}
        if import_names.get(name, name).lower().replace("_", "-") not in declared)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def _distribution_name(requirement: str) -> str:
    name = requirement
    for stop in "<>=!~;[ ":
        name = name.split(stop)[0]
    return name.strip().lower().replace("_", "-")


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
