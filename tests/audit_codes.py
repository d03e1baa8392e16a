"""Every audit action code the code base can write, found by reading the source (AST).

An action reaches the trail through `audit.record(action=...)`, `audit.Entry(action, ...)` or
a helper that passes its own parameter on (`join_team(action=...)`, `record_step(action)`).
The resolver follows a value back to string literals: constants, `a if c else b`,
f-strings (every combination of their parts), local and module-level names, a module-level
dict's values, and a function's parameter through every call of that function (or its
default). A parameter that comes from outside (a page's choice) is given its domain in
DOMAINS. Anything else is an error naming the file and line, so a new way of writing an
action cannot slip past the label check unseen.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("services", "ui", "pages", "db")


def _domains() -> dict[tuple[str, str], set[str]]:
    from services.leads.workflow import TRANSITIONS
    from services.roster.forms import MODELS

    return {
        ("act", "action"): set(TRANSITIONS),  # refused unless it is a workflow step
        ("set_active", "entity"): set(MODELS),  # refused (NotFound) unless a model's name
    }


class Unresolved(Exception):
    """An action written in a way the resolver cannot follow back to literals."""


@dataclass
class _File:
    path: Path
    tree: ast.Module
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


def _load() -> list[_File]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            f = _File(path, tree)
            for parent in ast.walk(tree):
                for child in ast.iter_child_nodes(parent):
                    f.parents[child] = parent
            files.append(f)
    return files


def _module_of(f: _File) -> str:
    parts = f.path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _arg(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and position < len(call.args):
        arg = call.args[position]
        return None if isinstance(arg, ast.Starred) else arg
    return None


class Resolver:
    def __init__(self) -> None:
        self.files = _load()
        self.domains = _domains()
        self._busy: set[tuple[str, str]] = set()

    def calls(self, f: _File, name: str) -> list[tuple[_File, ast.Call]]:
        """The calls of function `name` defined at the top of `f`: in `f` by its name, in
        another file that imports it from f's module (by its name or its alias)."""
        module = ".".join(f.path.relative_to(ROOT).with_suffix("").parts)
        # the function's module, and each package whose __init__ offers it under its name
        modules = {module} | {_module_of(g) for g in self.files if g.path.name == "__init__.py"
                              and any(isinstance(node, ast.ImportFrom) and node.module == module
                                      and any(a.name == name and a.asname is None
                                              for a in node.names) for node in g.tree.body)}
        found = []
        for g in self.files:
            if g is f:
                aliases = {name}
            else:
                aliases = {a.asname or a.name for node in g.tree.body
                           if isinstance(node, ast.ImportFrom) and node.module in modules
                           for a in node.names if a.name == name}
            found += [(g, n) for n in ast.walk(g.tree) if isinstance(n, ast.Call)
                      and isinstance(n.func, ast.Name) and n.func.id in aliases]
        return found

    def values(self, f: _File, expr: ast.expr) -> set[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self._branches(f, expr)
        if isinstance(expr, ast.JoinedStr):
            parts = [self.values(f, v.value) if isinstance(v, ast.FormattedValue)
                     else self.values(f, v) for v in expr.values]
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
            table = self._module_value(f, expr.value.id)
            if isinstance(table, ast.Dict):
                return set().union(*(self.values(f, v) for v in table.values))
        if isinstance(expr, ast.Name):
            return self._name_values(f, expr)
        raise Unresolved(f"{f.where(expr)}: cannot follow {ast.unparse(expr)!r} to literals")

    def _branches(self, f: _File, expr: ast.IfExp) -> set[str]:
        """Both branches; in `"a" if x == "b" else x`, the else branch is x without "b"."""
        body, orelse = self.values(f, expr.body), self.values(f, expr.orelse)
        test = expr.test
        if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
                and [type(o) for o in test.ops] == [ast.Eq] \
                and isinstance(test.comparators[0], ast.Constant) \
                and isinstance(expr.orelse, ast.Name) and expr.orelse.id == test.left.id:
            orelse.discard(test.comparators[0].value)
        return body | orelse

    def _name_values(self, f: _File, expr: ast.Name) -> set[str]:
        func = f.enclosing(expr)
        if func is not None:
            params = [a.arg for a in (*func.args.posonlyargs, *func.args.args,
                                      *func.args.kwonlyargs)]
            if expr.id in params:
                return self._param_values(f, func, expr.id)
            local = [n.value for n in ast.walk(func) if isinstance(n, ast.Assign)
                     and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
            if local:
                return set().union(*(self.values(f, v) for v in local))
        value = self._module_value(f, expr.id)
        if value is not None:
            return self.values(self._owner.get(id(value), f), value)
        raise Unresolved(f"{f.where(expr)}: cannot follow {expr.id!r} to literals")

    _owner: dict[int, _File] = {}

    def _module_value(self, f: _File, name: str) -> ast.expr | None:
        for node in f.tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in node.targets):
                return node.value
            if isinstance(node, ast.ImportFrom) and node.module and any(
                    (a.asname or a.name) == name for a in node.names):
                origin = next(a.name for a in node.names if (a.asname or a.name) == name)
                path = ROOT / (node.module.replace(".", "/") + ".py")
                if not path.exists():  # a package: its __init__ names what it offers
                    path = ROOT / node.module.replace(".", "/") / "__init__.py"
                other = next((g for g in self.files if g.path == path), None)
                if other is not None:
                    value = self._module_value(other, origin)
                    if value is not None:
                        self._owner[id(value)] = other
                    return value
        return None

    def _param_values(self, f: _File, func: ast.FunctionDef, param: str) -> set[str]:
        if (func.name, param) in self.domains:
            return self.domains[(func.name, param)]
        key = (str(f.path), f"{func.name}.{param}")
        if key in self._busy:
            return set()
        self._busy.add(key)
        try:
            positional = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
            position = positional.index(param) if param in positional else None
            default = _default(func, param)
            found: set[str] = set()
            for g, call in self.calls(f, func.name):
                arg = _arg(call, param, position)
                if arg is not None:
                    found |= self.values(g, arg)
                elif default is not None:
                    found |= self.values(f, default)
            return found
        finally:
            self._busy.discard(key)


def _default(func: ast.FunctionDef, param: str) -> ast.expr | None:
    args = [*func.args.posonlyargs, *func.args.args]
    defaults = dict(zip([a.arg for a in args[len(args) - len(func.args.defaults):]],
                        func.args.defaults, strict=True))
    defaults |= {a.arg: d for a, d in zip(func.args.kwonlyargs, func.args.kw_defaults,
                                           strict=True) if d is not None}
    return defaults.get(param)


def _audit_aliases(f: _File) -> tuple[set[str], set[str]]:
    """(names bound to the services.core.audit module, functions imported from it) in one file."""
    modules, funcs = set(), set()
    for node in f.tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "services.core":
            modules |= {a.asname or a.name for a in node.names if a.name == "audit"}
        elif isinstance(node, ast.ImportFrom) and node.module == "services.core.audit":
            funcs |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names
                        if a.name == "services.core.audit" and a.asname}
    return modules, funcs


def _audit_calls(f: _File, names: set[str]) -> list[ast.Call]:
    """Calls of services.core.audit's functions `names` in one file."""
    modules, funcs = _audit_aliases(f)
    own = f.path == ROOT / "services/core/audit.py"
    out = []
    for n in ast.walk(f.tree):
        if not isinstance(n, ast.Call) or _name(n) not in names:
            continue
        func = n.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in modules:
            out.append(n)
        elif isinstance(func, ast.Name) and (own or func.id in funcs):
            out.append(n)
    return out


def action_codes(resolver: Resolver | None = None) -> set[str]:
    """Every action code `audit.record` / `audit.Entry` can be given anywhere in the code."""
    r = resolver or Resolver()
    codes: set[str] = set()
    for f in r.files:
        generic = f.path == ROOT / "services/core/audit.py"  # record() → Entry(action): the helper
        for call in _audit_calls(f, {"record"} if generic else {"record", "Entry"}):
            expr = _arg(call, "action", 0 if _name(call) == "Entry" else None)
            if expr is None:
                raise Unresolved(f"{f.where(call)}: an audit entry without an action")
            codes |= r.values(f, expr)
    return codes


def entity_codes() -> set[str]:
    """The entity kinds written as literals (a dynamic entity falls back to its own rule)."""
    r = Resolver()
    found: set[str] = set()
    for f in r.files:
        for call in _audit_calls(f, {"record", "Entry", "revealed"}):
            expr = _arg(call, "entity", 1 if _name(call) == "Entry" else None)
            if expr is not None:
                try:
                    found |= r.values(f, expr)
                except Unresolved:
                    continue
    return found


def field_names() -> set[str]:
    """The fields written in before/after: the keys of dict literals given to the audit, and
    the field lists given to audit.snapshot (a module-level list of names)."""
    r = Resolver()
    found: set[str] = set()
    for f in r.files:
        for call in _audit_calls(f, {"record", "Entry", "snapshot"}):
            if _name(call) == "snapshot":
                listed = call.args[1] if len(call.args) > 1 else None
                value = r._module_value(f, listed.id) if isinstance(listed, ast.Name) else None
                if isinstance(value, ast.List | ast.Tuple):
                    found |= {e.value for e in value.elts if isinstance(e, ast.Constant)}
                continue
            given = [kw.value for kw in call.keywords if kw.arg in ("before", "after")]
            if _name(call) == "Entry":
                given += call.args[3:5]
            for expr in given:
                found |= {k.value for d in ast.walk(expr) if isinstance(d, ast.Dict)
                          for k in d.keys if isinstance(k, ast.Constant)}
    return found
