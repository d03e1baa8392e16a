"""Leads that waited in "new" for nobody are dispatched as soon as someone in their chain is
available: by the roster change, the account change or the rule change that made them so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.models import AuditLog, Lead, LeadEvent, Officer
from services import leads, roster
from services.accounts import users
from services.core import clock
from services.core.actor import Actor
from services.core.errors import Conflict, NotFound, PermissionDenied
from tests.leads_world import World, build
from tests.test_leads_concurrency import _run_all

ACCEPT_MINUTES = {"urgent": 30, "routine": 240}  # the built-in deadlines, written out


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _set_on_duty(s: Session, actor: Actor, officer: Officer, on_duty: bool) -> None:
    roster.edit_officer(s, actor=actor, officer_id=officer.id, shown_version=officer.version,
                        values={"name": officer.name, "badge_no": officer.badge_no,
                                "phone": "", "is_deputy_secretary": officer.is_deputy_secretary,
                                "on_duty": on_duty})


def _nobody_available(s: Session, w: World) -> None:
    """Through the services: both officers off duty, the duty supervisor's account off."""
    _set_on_duty(s, w.admin, w.o1, False)
    _set_on_duty(s, w.admin, w.backup, False)
    users.set_active(s, actor=w.admin, username=w.supervisor.username, active=False)


def _report(s: Session, w: World, urgency: str = "urgent", now: datetime | None = None,
            actor: Actor | None = None) -> leads.LeadView:
    return leads.report_lead(s, actor=actor or w.grid1, category="dispute", urgency=urgency,
                             description="楼上漏水，邻里争执", now=now)


def _lead(s: Session, lead_id: int) -> Lead:
    lead = s.get(Lead, lead_id)
    assert lead is not None
    s.refresh(lead)
    return lead


def _events(s: Session, lead_id: int) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in s.execute(
        select(LeadEvent.action, LeadEvent.actor_user_id, LeadEvent.from_status,
               LeadEvent.to_status, LeadEvent.data)
        .where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id))]


def _audited(s: Session, lead_id: int) -> list[tuple[str, str]]:
    return [tuple(r) for r in s.execute(  # type: ignore[misc]
        select(AuditLog.action, AuditLog.actor_name)
        .where(AuditLog.entity == "lead", AuditLog.entity_id == str(lead_id))
        .order_by(AuditLog.id))]


def test_a_lead_reported_while_nobody_is_available_stays_new(session: Session,
                                                             w: World) -> None:
    _nobody_available(session, w)
    view = _report(session, w)
    assert (view.status, view.dispatch_rule, view.dispatched_at) == ("new", None, None)
    assert view.assigned_officer_id is None and view.assigned_user_id is None
    assert [e[0] for e in _events(session, view.id)] == ["report"]
    assert leads.dispatch_waiting(session) == 0  # the sweep finds nobody either
    assert _lead(session, view.id).status == "new"


def test_back_on_duty_dispatches_the_waiting_lead_as_on_submit(session: Session,
                                                               w: World) -> None:
    _nobody_available(session, w)
    waiting = _report(session, w)
    before = clock.now()
    _set_on_duty(session, w.admin, w.o1, True)
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.dispatch_rule, lead.level) == ("dispatched", "community_officer",
                                                             "community")
    assert (lead.assigned_officer_id, lead.assigned_user_id) == (w.o1.id, w.officer1.user_id)
    assert lead.dispatched_at is not None and before <= lead.dispatched_at <= clock.now()
    assert lead.accept_due_at == lead.dispatched_at + timedelta(minutes=ACCEPT_MINUTES["urgent"])
    assert lead.version == waiting.version + 1
    # The same history as a lead that found its officer on submit.
    on_submit = _report(session, w)
    assert _events(session, lead.id) == _events(session, on_submit.id)
    assert _events(session, lead.id)[1] == (
        "dispatch", None, "new", "dispatched",
        {"rule": "community_officer", "officer_id": w.o1.id, "user_id": w.officer1.user_id})
    assert _audited(session, lead.id) == [("leads.report", w.grid1.username),
                                          ("leads.dispatch", w.admin.username)]
    # The officer finds it in their inbox and takes it like any other.
    mine = leads.inbox(session, actor=w.officer1, filters=leads.InboxFilters(mine=True))
    assert lead.id in [r.id for r in mine.rows]
    accepted = leads.act(session, actor=w.officer1, lead_id=lead.id, action="accept",
                         shown_version=lead.version)
    assert accepted.status == "accepted"


def test_the_officer_may_put_themselves_back_on_duty(session: Session, w: World) -> None:
    _nobody_available(session, w)
    waiting = _report(session, w)
    officer = session.get(Officer, w.o1.id)
    assert officer is not None
    _set_on_duty(session, w.officer1, officer, True)
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.assigned_officer_id) == ("dispatched", w.o1.id)
    assert _audited(session, lead.id)[-1] == ("leads.dispatch", w.officer1.username)


def test_reactivating_an_officer_dispatches_to_them(session: Session, w: World) -> None:
    roster.set_officer_active(session, actor=w.admin, officer_id=w.o1.id,
                              shown_version=w.o1.version, active=False)
    _set_on_duty(session, w.admin, w.backup, False)
    users.set_active(session, actor=w.admin, username=w.supervisor.username, active=False)
    waiting = _report(session, w)
    assert waiting.status == "new"
    roster.set_officer_active(session, actor=w.admin, officer_id=w.o1.id,
                              shown_version=w.o1.version, active=True)
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.dispatch_rule, lead.assigned_officer_id) == (
        "dispatched", "community_officer", w.o1.id)


def test_assigning_an_officer_to_a_community_without_one(session: Session, w: World) -> None:
    _nobody_available(session, w)
    _set_on_duty(session, w.admin, w.o1, True)  # on duty, but no longer c1's officer:
    roster.assign_officer(session, actor=w.admin, community_id=w.c1.id, officer_id=None)
    waiting = _report(session, w)
    assert waiting.status == "new"
    roster.assign_officer(session, actor=w.admin, community_id=w.c1.id, officer_id=w.o1.id)
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.dispatch_rule, lead.assigned_officer_id) == (
        "dispatched", "community_officer", w.o1.id)


def test_the_backup_back_on_duty_gets_it_by_the_backup_rule(session: Session,
                                                            w: World) -> None:
    _nobody_available(session, w)
    waiting = _report(session, w)
    _set_on_duty(session, w.admin, w.backup, True)
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.dispatch_rule, lead.assigned_officer_id, lead.level) == (
        "dispatched", "office_backup", w.backup.id, "community")


def test_the_duty_supervisor_enabled_again_gets_it_at_station_level(session: Session,
                                                                   w: World) -> None:
    _nobody_available(session, w)
    waiting = _report(session, w)
    users.set_active(session, actor=w.admin, username=w.supervisor.username, active=True)
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.dispatch_rule, lead.level) == (
        "dispatched", "station_duty_supervisor", "station")
    assert (lead.assigned_officer_id, lead.assigned_user_id) == (None, w.supervisor.user_id)


def test_an_admin_turning_a_rule_on_dispatches_what_waited_for_it(session: Session,
                                                                  w: World) -> None:
    leads.save_rules(session, actor=w.admin, rules=[
        leads.RuleRow(1, "community_officer", True), leads.RuleRow(2, "office_backup", False),
        leads.RuleRow(3, "station_duty_supervisor", False)])
    _set_on_duty(session, w.admin, w.o1, False)
    waiting = _report(session, w)  # the backup is on duty, but their rule is off
    assert waiting.status == "new"
    leads.save_rules(session, actor=w.admin, rules=[
        leads.RuleRow(1, "community_officer", True), leads.RuleRow(2, "office_backup", True),
        leads.RuleRow(3, "station_duty_supervisor", False)])
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.dispatch_rule, lead.assigned_officer_id) == (
        "dispatched", "office_backup", w.backup.id)


def test_leads_already_dispatched_or_elsewhere_are_not_touched(session: Session,
                                                               w: World) -> None:
    taken = _report(session, w)  # dispatched to o1 on submit, then accepted
    taken = leads.act(session, actor=w.officer1, lead_id=taken.id, action="accept",
                      shown_version=taken.version)
    _nobody_available(session, w)
    _set_on_duty(session, w.admin, w.o2, False)
    elsewhere = _report(session, w, actor=w.grid2)  # c2: o2 is off, its office has no backup
    by_hand = _report(session, w)
    by_hand = leads.act(session, actor=w.district_sup, lead_id=by_hand.id, action="reassign",
                        shown_version=by_hand.version, officer_id=w.backup.id)
    waiting = _report(session, w)
    history = {v.id: _events(session, v.id) for v in (taken, elsewhere, by_hand)}
    _set_on_duty(session, w.admin, w.o1, True)
    assert _lead(session, waiting.id).status == "dispatched"
    for view in (taken, elsewhere, by_hand):
        lead = _lead(session, view.id)
        assert (lead.status, lead.version, lead.dispatch_rule) == (
            view.status, view.version, view.dispatch_rule)
        assert _events(session, view.id) == history[view.id]
    assert elsewhere.status == "new" and by_hand.dispatch_rule == "manual"


def test_oldest_first_in_bounded_batches_and_the_sweep_takes_the_rest(
        session: Session, w: World) -> None:
    _nobody_available(session, w)
    t0 = clock.now() - timedelta(hours=1)
    ids = [_report(session, w, "routine", now=t0 + timedelta(minutes=m)).id for m in (2, 0, 1)]
    officer = session.get(Officer, w.o1.id)
    assert officer is not None
    officer.on_duty = True  # changed outside the services: only the sweep notices
    session.flush()
    assert leads.dispatch_waiting(session, limit=2) == 2
    assert [_lead(session, i).status for i in ids] == ["new", "dispatched", "dispatched"]
    assert _audited(session, ids[1])[-1] == ("leads.dispatch", "system")
    assert leads.dispatch_waiting(session, limit=2) == 1
    assert leads.dispatch_waiting(session, limit=2) == 0
    assert {_lead(session, i).dispatch_rule for i in ids} == {"community_officer"}


def test_the_sweep_dispatches_before_it_escalates(session: Session, w: World) -> None:
    _nobody_available(session, w)
    t0 = clock.now() - timedelta(hours=2)
    waiting = _report(session, w, now=t0)  # urgent: accept within 30 minutes, long missed
    officer = session.get(Officer, w.o1.id)
    assert officer is not None
    officer.on_duty = True
    session.flush()
    now = clock.now()
    assert leads.dispatch_waiting(session, now=now) == 1
    assert leads.escalate_overdue(session, now=now + timedelta(minutes=1)) == 0
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.level) == ("dispatched", "community")
    assert lead.resolve_due_at == waiting.resolve_due_at  # resolving still counts from the report


def test_urgent_leads_stay_in_the_supervisors_badge_as_on_submit(session: Session,
                                                                 w: World) -> None:
    """Submit notifies no one directly: supervisors' badge and toast count urgent leads not
    yet accepted, "new" included. A lead dispatched later stays in that count, like one
    dispatched on submit, until someone accepts it."""
    _nobody_available(session, w)
    waiting = _report(session, w, "urgent")
    seen = leads.summary(session, actor=w.supervisor)
    assert (seen.urgent_waiting, seen.newest_urgent_id) == (1, waiting.id)
    _set_on_duty(session, w.admin, w.o1, True)
    after = leads.summary(session, actor=w.supervisor)
    assert (after.urgent_waiting, after.newest_urgent_id) == (1, waiting.id)
    assert leads.summary(session, actor=w.officer1).mine_open == 1


def test_the_roster_change_still_needs_its_own_permission(session: Session,
                                                          w: World) -> None:
    _nobody_available(session, w)
    waiting = _report(session, w)
    officer = session.get(Officer, w.o1.id)
    assert officer is not None
    with pytest.raises(PermissionDenied):  # a grid worker of c1 may not edit its roster
        _set_on_duty(session, w.grid1, officer, True)
    with pytest.raises(NotFound):  # c2's officer does not see c1's officer
        _set_on_duty(session, w.officer2, officer, True)
    with pytest.raises(PermissionDenied):  # only admins reactivate or assign
        roster.assign_officer(session, actor=w.officer1, community_id=w.c1.id,
                              officer_id=w.backup.id)
    with pytest.raises(PermissionDenied):
        users.set_active(session, actor=w.supervisor, username=w.supervisor.username,
                         active=True)
    with pytest.raises(PermissionDenied):
        leads.save_rules(session, actor=w.supervisor, rules=leads.list_rules(session))
    lead = _lead(session, waiting.id)
    assert (lead.status, lead.version) == ("new", waiting.version)
    assert [e[0] for e in _events(session, waiting.id)] == ["report"]


def test_sweeps_and_a_supervisor_at_once_dispatch_each_lead_once(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        w = build(s)
        _nobody_available(s, w)
        ids = [_report(s, w, "routine").id for _ in range(20)]
        shown = s.get(Lead, ids[0]).version  # type: ignore[union-attr]
        officer = s.get(Officer, w.o1.id)
        assert officer is not None
        officer.on_duty = True

    def sweep() -> Callable[[], Any]:
        def go() -> int:
            with session_scope(engine, write=True) as s:
                return leads.dispatch_waiting(s)
        return go

    def by_hand() -> Any:
        with session_scope(engine, write=True) as s:
            return leads.act(s, actor=w.district_sup, lead_id=ids[0], action="reassign",
                             shown_version=shown, officer_id=w.backup.id)

    results = _run_all([sweep(), sweep(), sweep(), by_hand])
    assert not any(isinstance(r, Exception) and not isinstance(r, Conflict)
                   for r in results), results
    with session_scope(engine) as s:
        steps = dict(s.execute(
            select(LeadEvent.lead_id, func.count()).where(
                LeadEvent.action.in_(("dispatch", "reassign")), LeadEvent.lead_id.in_(ids))
            .group_by(LeadEvent.lead_id)).all())
        assert steps == {i: 1 for i in ids}  # one way or the other, never both, never twice
        assert s.scalar(select(func.count()).where(Lead.id.in_(ids),
                                                   Lead.status != "dispatched")) == 0
    assert sum(r for r in results[:3] if isinstance(r, int)) in (19, 20)
