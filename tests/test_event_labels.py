"""Every lead-event action has its label in both languages: the timeline never shows a code.

Two sources of actions: what the code can write (every workflow step, and every literal
action handed to LeadEvent / record_step / the task timeline, found in the source), and what
the demo district actually stored, history and simulated days alike."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, union

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import LeadEvent
from services import leads
from services.core.clock import day_start
from ui.core.i18n import LANGUAGES, catalogue

ROOT = Path(__file__).resolve().parent.parent
WRITERS = {"LeadEvent": ("action", None), "record_step": ("action", 3),
           "_on_timeline": ("action", 3), "dispatch_event": ("action", None)}


def _missing(prefix: str, codes: set[str]) -> dict[str, list[str]]:
    return {lang: sorted(c for c in codes if f"{prefix}.{c}" not in catalogue(lang))
            for lang in LANGUAGES}


def _constants(tree: ast.Module) -> dict[str, str]:
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets if isinstance(t, ast.Name)}


def _literal(node: ast.expr, consts: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    return None


def code_actions() -> set[str]:
    """Actions the services can write: literals (or module constants) at the writing calls,
    and in the event rows written with Core inserts."""
    found: set[str] = set(leads.TRANSITIONS)
    for path in sorted((ROOT / "services").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = _constants(tree)
        for row in (n for n in ast.walk(tree) if isinstance(n, ast.Dict)):
            # an event row written with a Core insert: {"lead_id": ..., "action": "x", ...}
            keys = [_literal(k, {}) if k is not None else None for k in row.keys]
            if "lead_id" in keys and "action" in keys and "to_status" in keys:
                value = _literal(row.values[keys.index("action")], consts)
                if value:
                    found.add(value)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            if name not in WRITERS:
                continue
            keyword, position = WRITERS[name]
            args = [k.value for k in call.keywords if k.arg == keyword]
            if position is not None and len(call.args) > position:
                args.append(call.args[position])
            found |= {v for v in (_literal(a, consts) for a in args) if v}
    return found


def test_the_scan_sees_the_writers() -> None:
    """So that this test fails if the scan stops finding the calls it reads."""
    assert {"report", "dispatch", "auto_escalate", "task_done", "task_auto_cancel",
            "board_ack", "comment"} <= code_actions()


def test_every_action_the_code_writes_has_a_label() -> None:
    assert _missing("leads.action", code_actions()) == {"zh": [], "en": []}


def test_every_action_and_status_stored_in_the_demo_has_a_label(tmp_path: Path) -> None:
    from services.demo import live, load_demo

    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade(engine)
    loaded = date(2026, 9, 15)
    load_demo(engine, leads=400, today=loaded)
    live.catch_up(engine, until=day_start(loaded + timedelta(days=3)))
    with session_scope(engine) as s:
        actions = set(s.scalars(select(LeadEvent.action).distinct()))
        statuses = set(s.scalars(union(select(LeadEvent.from_status),
                                       select(LeadEvent.to_status)))) - {None, ""}
    engine.dispose()
    assert {"created", "dispatch"} <= actions  # the history and the simulated days, both
    assert _missing("leads.action", actions) == {"zh": [], "en": []}
    assert _missing("leads.status", statuses) == {"zh": [], "en": []}
