"""Issue 14, finding 4: no user-typed text reaches a Markdown renderer. Every Streamlit call
in pages/ and ui/ that renders Markdown gets literals, catalogue texts, numbers and times,
or values passed through the one escaping helper `ui.core.markdown.md`."""

from __future__ import annotations

import ast
from pathlib import Path

from ui.core.markdown import md

ROOT = Path(__file__).resolve().parent.parent
# Streamlit calls whose text argument (or label) is rendered as Markdown.
RENDERS = {"markdown", "write", "caption", "title", "header", "subheader", "info", "warning",
           "error", "success", "toast", "table", "metric", "expander", "button", "page_link",
           "tabs", "checkbox", "radio", "selectbox", "multiselect", "text_input", "text_area",
           "number_input", "form_submit_button", "download_button", "segmented_control",
           "toggle", "date_input", "file_uploader", "pills", "popover", "status"}
# Calls whose result carries no user text: catalogue texts and labels of codes, numbers,
# times, page paths; and the helper itself.
SAFE_CALLS = {"t", "label", "translate", "md", "int", "len", "round", "sum", "local",
              "page_path", "isoformat", "time_of_day", "rate", "change", "pct", "number",
              "shown_of"}
# Parameters that by name carry numbers, ids, times or translated code labels.
SAFE_PARAMS = {"n", "count", "id", "ids", "total", "page", "pages", "max", "min", "rows",
               "columns", "valid", "bad", "good", "inserted", "updated", "skipped", "this",
               "before", "first", "end", "target", "seconds", "minutes", "caught",
               "mobilised", "officers", "members", "accounts", "metres", "limit", "at",
               "since", "until", "opened", "monday", "status", "level", "kind", "category",
               "outcome", "role", "rule", "every", "stale", "m", "relayed", "rejected", "lat",
               "lon", "shown", "ranked", "through"}
# Variables that hold a message built from the catalogue above in the same module
# (checked by reading them): file → names.
BUILT_HERE = {
    "pages/report_lead.py": {"done"}, "pages/board.py": {"flash"},
    "pages/admin_rules.py": {"flash"}, "pages/alert.py": {"flash"},
    "ui/core/record_forms.py": {"message"}, "ui/roster/forms.py": {"message"},
    "ui/leads/actions.py": {"flash[2]", "label"}, "ui/leads/tasks.py": {"message", "title"},
    "ui/leads/widgets.py": {"title"}, "ui/maps/controls.py": {"label"},
    "ui/roster/sections.py": {"title"}, "ui/disputes/forms.py": {"title"},
    "ui/presence/forms.py": {"s"}, "ui/admin/worker_status.py": {"s"},
    "ui/shell/watch.py": {"text"}, "ui/leads/notices.py": {"text", "_text(item)"},
    "ui/roster/imports.py": {"star"}, "ui/stats/imports.py": {"star"},
    "pages/incident_import.py": {"params"}, "ui/stats/controls.py": {"params"},
    "ui/roster/import_review.py": {"name"},
    "ui/leads/report.py": {"text"},  # report_done: t("leads.reported", ...) and photo count
    "ui/leads/locate.py": {"where"},  # where = md(...) just above
    # cut = fmt.shown_of(...) (numbers only); _single: the community name through md
    "ui/stats/views.py": {"cut", "_single(ranking.iloc[0])"}, "ui/stats/work.py": {"cut"},
}


def _safe(node: ast.expr, built: set[str]) -> bool:
    if isinstance(node, ast.Constant) or ast.unparse(node) in built:
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v.value, built) for v in node.values
                   if isinstance(v, ast.FormattedValue))
    if isinstance(node, ast.BinOp):
        return _safe(node.left, built) and _safe(node.right, built)
    if isinstance(node, ast.BoolOp):
        return all(_safe(v, built) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _safe(node.body, built) and _safe(node.orelse, built)
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        return _safe(node.elt, built)
    if isinstance(node, ast.DictComp):  # t(key, **{k: md(v) ...})
        return _safe(node.value, built)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "join" and isinstance(func, ast.Attribute):
            return _safe(func.value, built) and all(_safe(a, built) for a in node.args)
        if name in {"t", "label", "translate"}:
            return all(k.arg in SAFE_PARAMS or _safe(k.value, built) for k in node.keywords
                       if k.arg is not None) and not [k for k in node.keywords if k.arg is None
                                                      and not _safe(k.value, built)]
        return name in SAFE_CALLS
    if isinstance(node, ast.Dict):  # st.table({...}): keys and every value
        return all(k is not None and _safe(k, built) for k in node.keys) and all(
            _safe(v, built) for v in node.values)
    return False


def _unsafe_calls() -> list[str]:
    found = []
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/**/*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        built = BUILT_HERE.get(rel, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in RENDERS):
                continue
            shown = [*node.args[:1], *(k.value for k in node.keywords
                                       if k.arg in {"label", "body", "help"})]
            found += [f"{rel}:{node.lineno} st.{node.func.attr}({ast.unparse(a)[:80]})"
                      for a in shown if not _safe(a, built)]
    return found


def test_no_user_text_reaches_a_markdown_renderer() -> None:
    unsafe = _unsafe_calls()
    print(f"\nmarkdown: {len(unsafe)} calls render a value that is not a literal, a catalogue "
          "text or escaped with ui.core.markdown.md")
    assert unsafe == []


def test_the_scan_finds_what_it_should() -> None:
    """The control: the scanner flags user text and accepts the helper."""
    bad = ast.parse("st.header(file.household)").body[0].value  # type: ignore[attr-defined]
    good = ast.parse("st.header(md(file.household))").body[0].value  # type: ignore[attr-defined]
    mixed = ast.parse("st.caption(t('x', address=d.address, n=3))").body[0].value  # type: ignore[attr-defined]
    assert not _safe(bad.args[0], set()) and _safe(good.args[0], set())
    assert not _safe(mixed.args[0], set())


def test_the_helper_shows_links_and_images_as_typed() -> None:
    for hostile in ["[点我](http://evil.example/x)", "![](http://evil.example/dispute.png)",
                    "# 标题", "**粗体**", "<img src=x>", ":material/home:", "$x^2$",
                    "a | b", "`code`"]:
        escaped = md(hostile)
        assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped)
                   if ch in "[]()!#*<>:$|`" and i > 0 and escaped[i - 1:i] != "\\\\")
    assert md("双林社区 12号") == "双林社区 12号" and md(3) == "3" and md(None) == ""
