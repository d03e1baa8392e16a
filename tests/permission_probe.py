"""Find every service action (a public function taking `actor`) and call it for the matrix.

An action's gate is found by calling it as a probe actor that holds no permission and notes
each permission asked for; the action must refuse that probe (or be a declared self-service
action). Then each role calls it with plausible arguments: refused exactly when the role
holds none of the gate's permissions.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import services
from db.engine import begin_write
from services.core.actor import Actor, Perm, on_refusal
from services.core.clock import now as utc_now
from services.core.errors import PermissionDenied

# What any signed-in user may do to their own account, and plumbing that records for others.
SELF_SERVICE = {
    "services.accounts.auth.sign_out", "services.accounts.auth.sign_out_elsewhere",
    "services.accounts.auth.change_own_password", "services.accounts.auth.set_language",
    "services.accounts.auth.rotate_session",
    "services.core.audit.record", "services.core.audit.record_many", "services.core.audit.append",
    "services.core.audit.exported",
    "services.core.audit.revealed", "services.core.audit.record_refusal",
}
_ASKED: list[Perm] = []


@on_refusal
def _note_refusal(_actor: Actor, perm: Perm) -> None:
    if str(perm).startswith("scope:"):
        return  # a record out of the actor's scope (services.core.scope), not a permission asked
    _ASKED.append(Perm(str(perm).split(":")[0]))  # refuse() names the record after a colon


@dataclass(frozen=True)
class Probe(Actor):
    """An actor whose role grants nothing, noting every permission asked for."""

    def can(self, perm: Perm) -> bool:
        _ASKED.append(perm)
        return False


@dataclass
class Action:
    name: str
    fn: Callable[..., Any]
    gate: frozenset[Perm] = field(default_factory=frozenset)
    probe_outcome: str = ""


def actions() -> list[Action]:
    """Every public function under services/ (not the demo) with a keyword-only `actor`."""
    found = []
    for info in pkgutil.walk_packages(services.__path__, "services."):
        if info.name.startswith("services.demo"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = inspect.signature(fn).parameters
            if "actor" in params and params["actor"].kind is inspect.Parameter.KEYWORD_ONLY:
                found.append(Action(f"{module.__name__}.{name}", fn))
    return sorted(found, key=lambda a: a.name)


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - unresolved forward references: fall back to names
        return {}


def _value(name: str, hint: Any, ids: dict[str, Any]) -> Any:
    """A plausible argument: a real id of the small world when we have one, else a dummy."""
    if name in ids:
        return ids[name]
    text = str(hint)
    origin = typing.get_origin(hint)
    for kind, value in ((int, 10**9), (float, 1.0), (str, "测试"), (bool, False),
                        (bytes, b"")):
        if hint is kind:
            return value
    if hint is date or "date" == text:
        return date.today()
    if hint is datetime:
        return utc_now()
    if hint is pd.DataFrame or "DataFrame" in text:
        return pd.DataFrame()
    if origin in (list, typing.Sequence, tuple) or "Sequence" in text or "list" in text:
        return []
    if origin in (dict, typing.Mapping) or "dict" in text or "Mapping" in text:
        return {}
    if callable(hint) and "Callable" in text:
        return lambda key, **_: key
    factory = ids.get(f"type:{getattr(hint, '__name__', text)}")
    return factory() if callable(factory) else None


def _takes_engine(action: Action) -> bool:
    """A service that runs its own transaction (leads.submit_lead) takes the engine."""
    return next(iter(inspect.signature(action.fn).parameters), "") == "engine"


def call(action: Action, target: Session | Engine, actor: Actor, ids: dict[str, Any]) -> str:
    """Call once with `target` (a session, or the engine for a service that takes one);
    'refused', 'ok' or the name of the error it raised."""
    hints = _hints(action.fn)
    kwargs = {}
    for name, param in inspect.signature(action.fn).parameters.items():
        if name in ("session", "engine", "actor") or param.default is not inspect.Parameter.empty:
            continue
        kwargs[name] = _value(name, hints.get(name, param.annotation), ids)
    try:
        result = action.fn(target, actor=actor, **kwargs)
    except PermissionDenied:
        return "refused"
    except Exception as exc:  # noqa: BLE001 - past the gate: whatever dummy arguments cause
        return type(exc).__name__
    empty = isinstance(result, list | tuple | pd.DataFrame) and len(result) == 0
    return "empty" if empty else "ok"


def probe(action: Action, engine: Engine, template: Actor, ids: dict[str, Any]) -> None:
    """Find the action's gate: the permissions a no-permission actor was asked for."""
    fake = Probe(**{k: getattr(template, k) for k in Actor.__dataclass_fields__})
    _ASKED.clear()
    if _takes_engine(action):  # its own transaction: no session held open around it
        action.probe_outcome = call(action, engine, fake, ids)
    else:
        with begin_write(Session(bind=engine)) as s:
            action.probe_outcome = call(action, s, fake, ids)
            s.rollback()
    action.gate = frozenset(_ASKED)


def outcome(action: Action, engine: Engine, actor: Actor, ids: dict[str, Any]) -> str:
    """What the action does for `actor`. A service taking the engine commits what it does
    (the dummy arguments make a lead's report invalid past the gate: nothing is stored)."""
    if _takes_engine(action):
        return call(action, engine, actor, ids)
    with begin_write(Session(bind=engine)) as s:
        try:
            return call(action, s, actor, ids)
        finally:
            s.rollback()


def world_ids(session: Session, w: Any) -> dict[str, Any]:
    """Real records of the small world (tests/leads_world.py) for arguments named by id."""
    from services import disputes
    from services.admin.audit_query import AuditFilter
    from services.alerts import drafts
    from services.alerts.common import Target
    from services.cases import files as cases
    from services.cases import measures as case_measures
    from services.leads import InboxFilters, report_lead
    from services.leads.tasks import create_task
    from services.maps import LAYERS, MapFilters
    from services.stats.periods import since_july

    lead = report_lead(session, actor=w.grid1, category="public_order", urgency="routine",
                       description="楼道堆放杂物", community_id=w.c1.id, grid_id=w.g1.id)
    case_id = cases.open_case(session, actor=w.officer1, community_id=w.c1.id,
                              household="李家", needs="低保申请")
    measure = case_measures.add_measure(session, actor=w.officer1, case_id=case_id,
                                        department="civil_affairs",
                                        kind="subsistence_allowance", responsible="王科长",
                                        due_date=date.today())
    dispute = disputes.record_dispute(session, actor=w.officer1, community_id=w.c1.id,
                                      kind="neighbour", address="双林路1号", description="噪音",
                                      parties=[{"name": "王五"}])
    now = utc_now()
    target = Target(community_ids=(w.c1.id,))
    alert = drafts.save_draft(session, actor=w.admin, origin_region="外省", title="协查",
                              subject="两名嫌疑人", target=target, valid_from=now,
                              valid_to=now.replace(year=now.year + 1))
    task = create_task(session, actor=w.officer1, lead_id=lead.id, title="排查楼道")
    return {
        "lead_id": lead.id, "case_id": case_id, "measure_id": measure, "dispute_id": dispute.id,
        "alert_id": alert.id, "task_id": task, "team_id": w.team1.id,
        "member_id": w.grid1.member_id, "officer_id": w.o1.id, "community_id": w.c1.id,
        "grid_id": w.g1.id, "record_id": w.grid1.member_id, "entity": "member",
        "shown_version": 1, "username": "nobody-here", "action": "accept",
        "layers": frozenset(LAYERS), "target": target, "photo_id": 10**9,
        "values": {"name": "测试队员", "team_id": w.team1.id, "phone": "13800001111"},
        "type:Period": lambda: since_july(date.today()), "type:InboxFilters": InboxFilters,
        "type:AuditFilter": AuditFilter, "type:MapFilters": MapFilters, "type:Target": Target,
    }
