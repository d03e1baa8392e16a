"""Shared tasks cancelled (by hand with a reason, or with their lead) and given back, on
SQLite and PostgreSQL: who may, what members then see, versions, audit and timeline."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.models import AuditLog, LeadEvent, Task
from services import leads
from services.core.actor import Actor
from services.core.errors import Conflict, Invalid, NotFound, ServiceError
from services.leads.tasks import REASON_MAX
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.leads_world import World, build
from tests.test_fuzz_forms import FUZZ, HOSTILE


@dataclass
class Setup:
    w: World
    lead_id: int
    outsider_sup: Actor  # a supervisor whose scope is community 2 only
    member2: Actor  # a second grid worker of team 1


def _setup(s: Session) -> Setup:
    """A lead of community 1, reported by a grid worker and accepted by its officer."""
    w = build(s)
    view = leads.report_lead(s, actor=w.grid1, category="help", urgency="routine",
                             description="独居老人家中漏水", community_id=w.c1.id,
                             grid_id=w.g1.id)
    leads.act(s, actor=w.officer1, lead_id=view.id, action="accept", shown_version=view.version)
    sup = f.user(s, "supervisor", communities=[w.c2])
    m2 = f.member(s, w.team1, grid_id=w.g1.id)
    grid3 = f.user(s, "grid_worker", communities=[w.c1], member_id=m2.id)
    return Setup(w, view.id, f.actor(s, sup), f.actor(s, grid3))


def _task(s: Session, x: Setup, by: Actor | None = None, title: str = "上门查看") -> int:
    return leads.create_task(s, actor=by or x.w.officer1, lead_id=x.lead_id, title=title)


def _view(s: Session, actor: Actor, task_id: int) -> leads.TaskView:
    return next(t for t in leads.list_tasks(s, actor=actor) if t.id == task_id)


def _version(s: Session, task_id: int) -> int:
    return s.scalar(select(Task.version).where(Task.id == task_id).execution_options(
        populate_existing=True)) or 0


def _cancel(s: Session, actor: Actor, task_id: int, reason: str = "重复发布") -> None:
    leads.cancel_task(s, actor=actor, task_id=task_id, shown_version=_version(s, task_id),
                      reason=reason)


def _attempt(engine: Engine, call: Callable[[Session], Any]) -> str:
    """One call in its own transaction, as a page makes it: 'ok' or the error's name."""
    try:
        with session_scope(engine, write=True) as s:
            call(s)
    except ServiceError as exc:
        return type(exc).__name__
    return "ok"


def _refusals(engine: Engine, actor: Actor) -> list[str]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditLog.entity_id).where(
            AuditLog.action == "auth.permission_denied",
            AuditLog.actor_user_id == actor.user_id)))


def _status(engine: Engine, task_id: int) -> str:
    with session_scope(engine) as s:
        return s.scalar(select(Task.status).where(Task.id == task_id)) or ""


def test_who_may_cancel_and_who_may_not(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        x = _setup(s)
        w = x.w
        # made by the backup officer on a lead its community officer (officer1) handles
        made = {name: _task(s, x, by=w.backup_officer) for name in (
            "creator", "responsible", "supervisor", "district_sup", "admin", "refused")}
        by_officer1 = _task(s, x)
    allowed = {"creator": w.backup_officer, "responsible": w.officer1,
               "supervisor": w.supervisor, "district_sup": w.district_sup, "admin": w.admin}
    for name, actor in allowed.items():
        assert _attempt(engine, lambda s, a=actor, n=name: _cancel(s, a, made[n])) == "ok", name
        assert _status(engine, made[name]) == "cancelled"

    task = made["refused"]
    refused = {  # actor: (answer, what the audit trail records)
        "outsider_sup": (x.outsider_sup, "NotFound", f"scope:task:{task}"),
        "officer2": (w.officer2, "NotFound", f"scope:task:{task}"),
        "team_member": (w.grid1, "PermissionDenied", f"handle_lead:task:{task}"),
        "grid_worker": (w.grid2, "PermissionDenied", f"handle_lead:task:{task}"),
    }
    for name, (actor, answer, audited) in refused.items():
        assert _attempt(engine, lambda s, a=actor: _cancel(s, a, task)) == answer, name
        assert _refusals(engine, actor) == [audited], name
    # an officer of the community who neither made the task nor handles the lead
    assert _attempt(engine, lambda s: _cancel(s, w.backup_officer, by_officer1)) == \
        "PermissionDenied"
    assert _refusals(engine, w.backup_officer) == [f"handle_lead:task:{by_officer1}"]
    assert _status(engine, task) == "open" and _status(engine, by_officer1) == "open"
    # a missing task: the very answer the out-of-scope supervisor got, and nothing audited
    assert _attempt(engine, lambda s: _cancel(s, w.district_sup, 10**6)) == "NotFound"
    assert _refusals(engine, w.district_sup) == []


def test_what_each_one_is_offered_matches_what_the_service_allows(session: Session) -> None:
    x = _setup(session)
    task = _task(session, x, by=x.w.backup_officer)
    offered = {name: _view(session, getattr(x.w, name), task).may_cancel
               for name in ("backup_officer", "officer1", "supervisor", "admin", "grid1")}
    assert offered == {"backup_officer": True, "officer1": True, "supervisor": True,
                       "admin": True, "grid1": False}
    _cancel(session, x.w.officer1, task)
    assert _view(session, x.w.officer1, task).may_cancel is False  # nothing left to cancel


@pytest.mark.parametrize(("reason", "message"), [
    ("", "error.required"), ("  \n ", "error.required"), ("没必要\x00", "error.nul"),
    ("长" * (REASON_MAX + 1), "error.too_long")])
def test_the_reason_is_required_and_checked(session: Session, reason: str,
                                            message: str) -> None:
    x = _setup(session)
    task = _task(session, x)
    with pytest.raises(Invalid) as err:
        _cancel(session, x.w.officer1, task, reason)
    assert err.value.fields == {"reason": message}
    assert _view(session, x.w.officer1, task).status == "open"
    _cancel(session, x.w.officer1, task, "长" * REASON_MAX)  # the limit itself
    assert _view(session, x.w.officer1, task).status == "cancelled"


def test_a_stale_version_conflicts(session: Session) -> None:
    x = _setup(session)
    task = _task(session, x)
    shown = _view(session, x.w.officer1, task)  # the officer opens the page ...
    leads.claim_task(session, actor=x.w.grid1, task_id=task, shown_version=1)  # ... a claim
    with pytest.raises(Conflict) as err:
        leads.cancel_task(session, actor=x.w.officer1, task_id=task,
                          shown_version=shown.version, reason="不需要了")
    assert err.value.params["who"] == x.w.grid1.username
    assert _view(session, x.w.officer1, task).status == "claimed"
    _cancel(session, x.w.officer1, task)  # at the version now shown: a claimed task too
    assert _view(session, x.w.officer1, task).status == "cancelled"


def test_members_see_it_cancelled_with_the_reason_and_can_no_longer_act(
        session: Session) -> None:
    x = _setup(session)
    open_task, claimed = _task(session, x, title="送药"), _task(session, x, title="陪同就医")
    leads.claim_task(session, actor=x.w.grid1, task_id=claimed, shown_version=1)
    _cancel(session, x.w.officer1, open_task, "家属已到场")
    _cancel(session, x.w.officer1, claimed, "家属已到场")
    seen = _view(session, x.w.grid1, claimed)
    assert (seen.status, seen.cancel_cause, seen.cancel_reason, seen.cancelled_by) == (
        "cancelled", "by_hand", "家属已到场", x.w.officer1.display_name)
    assert seen.cancelled_at is not None and not seen.may_cancel
    with pytest.raises(Invalid) as err:
        leads.claim_task(session, actor=x.w.grid1, task_id=open_task,
                         shown_version=_version(session, open_task))
    assert err.value.key == "leads.task_taken"
    for step in (leads.unclaim_task, lambda s, **kw: leads.finish_task(s, report="已完成", **kw)):
        with pytest.raises(Invalid):
            step(session, actor=x.w.grid1, task_id=claimed,
                 shown_version=_version(session, claimed))
    with pytest.raises(Invalid) as err:  # nor cancelled twice
        _cancel(session, x.w.officer1, claimed, "再取消一次")
    assert err.value.key == "leads.task_not_cancellable"
    # off the default list of open work, found with the status filter
    assert leads.list_tasks(session, actor=x.w.grid1, statuses=("open", "claimed")) == []
    found = leads.list_tasks(session, actor=x.w.grid1, statuses=("cancelled",))
    assert sorted(t.id for t in found) == [open_task, claimed]


def test_cancelling_is_audited_and_on_the_leads_timeline(session: Session) -> None:
    x = _setup(session)
    task = _task(session, x)
    _cancel(session, x.w.supervisor, task, "已由物业处理")
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "leads.task_cancel")).one()
    assert (entry.entity, entry.entity_id, entry.actor_user_id) == (
        "task", str(task), x.w.supervisor.user_id)
    assert (entry.before, entry.after) == ({"status": "open"},
                                           {"status": "cancelled", "reason": "已由物业处理"})
    events = leads.get_lead(session, actor=x.w.officer1, lead_id=x.lead_id).events
    last = events[-1]
    assert (last.action, last.note, last.data["task_id"]) == ("task_cancel", "已由物业处理", task)


def _close(s: Session, x: Setup) -> None:
    """The officer resolves the lead; the supervisor verifies and closes it."""
    view = leads.get_lead(s, actor=x.w.officer1, lead_id=x.lead_id).lead
    for action, who in (("resolve", x.w.officer1), ("verify", x.w.supervisor),
                        ("close", x.w.supervisor)):
        view = leads.act(s, actor=who, lead_id=x.lead_id, action=action,
                         shown_version=view.version, note="已处理")


def test_closing_a_lead_cancels_its_open_and_claimed_tasks_in_the_same_transaction(
        engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        x = _setup(s)
        open_task, claimed, done, cancelled = (_task(s, x, title=t)
                                               for t in ("送药", "陪同", "走访", "巡逻"))
        for t in (claimed, done):
            leads.claim_task(s, actor=x.w.grid1, task_id=t, shown_version=1)
        leads.finish_task(s, actor=x.w.grid1, task_id=done, shown_version=2, report="已走访")
        _cancel(s, x.w.officer1, cancelled, "不需要了")
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as s:
        _close(s, x)
        assert _view(s, x.w.officer1, open_task).status == "cancelled"
        raise RuntimeError("the close fails after all")  # everything rolls back together
    assert _status(engine, open_task) == "open" and _status(engine, claimed) == "claimed"

    with session_scope(engine, write=True) as s:
        _close(s, x)
    with session_scope(engine) as s:
        seen = {t.id: t for t in leads.list_tasks(s, actor=x.w.grid1)}
        events = leads.get_lead(s, actor=x.w.officer1, lead_id=x.lead_id).events
        audited = [(int(e.entity_id), e.before["status"], e.actor_user_id)
                   for e in s.scalars(select(AuditLog).where(
                       AuditLog.action == "leads.task_cancel"))
                   if e.after.get("cause") == "lead_closed"]
    assert {i: (seen[i].status, seen[i].cancel_cause) for i in seen} == {
        open_task: ("cancelled", "lead_closed"), claimed: ("cancelled", "lead_closed"),
        done: ("done", None), cancelled: ("cancelled", "by_hand")}
    assert seen[cancelled].cancel_reason == "不需要了"  # an earlier reason is kept
    auto = [e for e in events if e.action == "task_auto_cancel"]
    assert sorted(e.data["task_id"] for e in auto) == [open_task, claimed]
    assert [e.action for e in events].index("close") < [e.action for e in events].index(
        "task_auto_cancel")
    assert sorted(audited) == [
        (open_task, "open", x.w.supervisor.user_id),
        (claimed, "claimed", x.w.supervisor.user_id)]


def test_marking_a_lead_a_duplicate_cancels_its_open_tasks_too(session: Session) -> None:
    x = _setup(session)
    task, claimed = _task(session, x, title="送药"), _task(session, x, title="陪同")
    leads.claim_task(session, actor=x.w.grid1, task_id=claimed, shown_version=1)
    first = leads.report_lead(session, actor=x.w.grid1, category="help", urgency="routine",
                              description="同一户漏水，先报的那条", community_id=x.w.c1.id)
    view = leads.get_lead(session, actor=x.w.officer1, lead_id=x.lead_id).lead
    leads.act(session, actor=x.w.officer1, lead_id=x.lead_id, action="duplicate",
              shown_version=view.version, note="重复上报", duplicate_of=first.id)
    seen = {t.id: (t.status, t.cancel_cause) for t in leads.list_tasks(session,
                                                                       actor=x.w.officer1)}
    assert seen[task] == seen[claimed] == ("cancelled", "lead_duplicate")
    with pytest.raises(Invalid):  # nobody works on it any more
        leads.finish_task(session, actor=x.w.grid1, task_id=claimed, shown_version=3,
                          report="已送到")


def test_a_claimant_gives_a_task_back_and_another_member_claims_it(session: Session) -> None:
    x = _setup(session)
    task = _task(session, x)
    leads.claim_task(session, actor=x.w.grid1, task_id=task, shown_version=1)
    with pytest.raises(Invalid) as err:  # only the claimant
        leads.unclaim_task(session, actor=x.member2, task_id=task, shown_version=2)
    assert err.value.key == "leads.task_not_yours_to_give_back"
    with pytest.raises(Conflict):
        leads.unclaim_task(session, actor=x.w.grid1, task_id=task, shown_version=1)
    with pytest.raises(NotFound):  # another community's member: as if there were no task
        leads.unclaim_task(session, actor=x.w.grid2, task_id=task, shown_version=2)
    leads.unclaim_task(session, actor=x.w.grid1, task_id=task, shown_version=2)
    back = _view(session, x.member2, task)
    assert (back.status, back.claimed_by, back.claimed_by_me) == ("open", "", False)
    leads.claim_task(session, actor=x.member2, task_id=task, shown_version=back.version)
    now = _view(session, x.member2, task)
    assert (now.status, now.claimed_by_me) == ("claimed", True)
    assert _view(session, x.w.grid1, task).claimed_by_me is False
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "leads.task_unclaim")).one()
    assert (entry.entity_id, entry.actor_user_id, entry.after) == (
        str(task), x.w.grid1.user_id, {"status": "open"})
    given_back = session.scalars(select(LeadEvent).where(LeadEvent.action == "task_unclaim")).one()
    assert (given_back.lead_id, given_back.data["task_id"], given_back.actor_user_id) == (
        x.lead_id, task, x.w.grid1.user_id)


def test_out_of_scope_claims_are_audited_as_refusals(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        x = _setup(s)
        task = _task(s, x)
    answer = _attempt(engine, lambda s: leads.claim_task(s, actor=x.w.grid2, task_id=task,
                                                         shown_version=1))
    assert answer == "NotFound" and _refusals(engine, x.w.grid2) == [f"scope:task:{task}"]


def test_a_hostile_reason_is_stored_cleanly_or_refused_with_a_typed_error(
        engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        x = _setup(s)
    outcomes = {"saved": 0, "refused": 0}

    @FUZZ
    @given(text=HOSTILE)
    def attempt(text: str) -> None:
        with session_scope(engine, write=True) as s:
            task = _task(s, x)
        answer = _attempt(engine, lambda s: _cancel(s, x.w.officer1, task, text))
        outcomes["saved" if answer == "ok" else "refused"] += 1
        assert answer in {"ok", "Invalid"}
        with session_scope(engine) as s:
            stored = s.scalar(select(Task.cancel_reason).where(Task.id == task)) or ""
        assert (answer == "ok") == (_status(engine, task) == "cancelled")
        assert len(stored) <= REASON_MAX
        assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in stored)

    attempt()
    assert outcomes["saved"] >= 1 and outcomes["refused"] >= 1

