"""Disputes: repeats within 90 days, masking, mediation steps, resolution with versions, scope,
one dispute per lead."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import AuditLog, Dispute
from services import disputes, leads
from services.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from tests import factories as f
from tests.leads_world import build

T0 = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)
A = {"name": "王大明", "phone": "13911112222"}
B = {"name": "李秀英", "phone": "13933334444"}
C = {"name": "赵小红", "phone": "13955556666"}


def _world(s):  # type: ignore[no-untyped-def]
    c, other = f.community(s), f.community(s)
    f.officer(s, c)
    me = f.actor(s, f.user(s, "officer", communities=[c]))
    return c, other, me


def _record(s, me, c, address, parties, days, **kw):  # type: ignore[no-untyped-def]
    return disputes.record_dispute(s, actor=me, community_id=c.id, kind="neighbour",
                                   address=address, description="楼上漏水", parties=parties,
                                   reported_at=T0 + timedelta(days=days), **kw)


def test_same_address_or_party_within_90_days_is_flagged_recurring(session) -> None:  # type: ignore[no-untyped-def]
    c, other, me = _world(session)
    boss = f.actor(session, f.user(session, "admin"))
    first = _record(session, me, c, "双林路12号3-2", [A, B], 0)
    assert first.recurring_of_id is None
    same_place = _record(session, me, c, " 双林路12号 3-2", [C], 30)
    assert same_place.recurring_of_id == first.id
    party = _record(session, boss, other, "别处1号", [{"name": "王 大明", "phone": A["phone"]}], 40)
    assert party.recurring_of_id == first.id  # A was a party of the first, not of the second
    late = _record(session, me, c, "双林路12号3-2", [C], 121)  # 91 days after the second
    assert late.recurring_of_id is None
    same_name_other_phone = _record(session, me, c, "新地址", [{"name": "王大明",
                                                                  "phone": "13800000000"}], 45)
    assert same_name_other_phone.recurring_of_id is None
    assert disputes.get_dispute(session, actor=me, dispute_id=first.id).repeats == (
        same_place.id, party.id)
    flagged = disputes.list_disputes(session, actor=boss, only_recurring=True)
    assert {r.id for r in flagged} == {first.id, same_place.id, party.id}


def test_parties_are_masked_and_revealed_with_an_audit(session) -> None:  # type: ignore[no-untyped-def]
    c, _other, me = _world(session)
    d = _record(session, me, c, "双林路1号", [A], 0)
    assert d.parties[0]["phone"] == "139****2222"
    assert "13911112222" not in str(disputes.list_disputes(session, actor=me))
    assert disputes.reveal_parties(session, actor=me, dispute_id=d.id)[0]["phone"] == A["phone"]
    supervisor = f.actor(session, f.user(session, "supervisor"))
    with pytest.raises(PermissionDenied):
        disputes.reveal_parties(session, actor=supervisor, dispute_id=d.id)
    logged = session.scalars(select(AuditLog.after).where(AuditLog.action == "disputes.create"))
    assert "13911112222" not in str(list(logged))


def test_steps_resolution_versions_and_scope(session) -> None:  # type: ignore[no-untyped-def]
    c, other, me = _world(session)
    d = _record(session, me, c, "双林路1号", [A, B], 0)
    disputes.add_step(session, actor=me, dispute_id=d.id, by="人民调解员老陈", note="两家当面协商",
                      at=T0 + timedelta(hours=5), now=T0 + timedelta(days=1))
    with pytest.raises(Invalid) as future:
        disputes.add_step(session, actor=me, dispute_id=d.id, by="x", note="y",
                          at=T0 + timedelta(days=3), now=T0 + timedelta(days=1))
    assert future.value.fields == {"at": "disputes.step_future"}
    with pytest.raises(Invalid) as how:
        disputes.set_resolution(session, actor=me, dispute_id=d.id, shown_version=1,
                                resolved=True, resolution="")
    assert how.value.fields == {"resolution": "error.required"}
    v2 = disputes.set_resolution(session, actor=me, dispute_id=d.id, shown_version=1,
                                 resolved=True, resolution="楼上修好管道，赔偿500元")
    with pytest.raises(Conflict):
        disputes.set_resolution(session, actor=me, dispute_id=d.id, shown_version=1,
                                resolved=False, resolution="")
    shown = disputes.get_dispute(session, actor=me, dispute_id=d.id)
    assert shown.resolved and shown.version == v2 and len(shown.steps) == 1
    assert disputes.list_disputes(session, actor=me, only_open=True) == []
    with pytest.raises(NotFound):  # another community: not in scope
        _record(session, me, other, "别处", [C], 1)
    grid_worker = f.actor(session, f.user(session, "grid_worker", communities=[c]))
    with pytest.raises(PermissionDenied):
        _record(session, grid_worker, c, "x", [C], 1)


def test_a_dispute_links_to_the_lead_that_reported_it(session) -> None:  # type: ignore[no-untyped-def]
    c, other, me = _world(session)
    lead = leads.report_lead(session, actor=me, category="dispute", urgency="routine",
                             description="邻里因噪音争吵", community_id=c.id)
    d = _record(session, me, c, "双林路2号", [A], 0, lead_id=lead.id)
    assert d.lead_id == lead.id
    outsider = f.actor(session, f.user(session, "officer", communities=[other]))
    with pytest.raises(NotFound):  # a lead they cannot see
        _record(session, outsider, other, "x", [B], 0, lead_id=lead.id)


def test_a_lead_becomes_one_dispute_a_second_is_refused(session) -> None:  # type: ignore[no-untyped-def]
    c, _other, me = _world(session)
    lead = leads.report_lead(session, actor=me, category="dispute", urgency="routine",
                             description="两户因占道停车争执", community_id=c.id)
    assert disputes.dispute_of_lead(session, actor=me, lead_id=lead.id) is None
    d = _record(session, me, c, "双林路3号", [A, B], 0, lead_id=lead.id)
    assert disputes.dispute_of_lead(session, actor=me, lead_id=lead.id) == d.id
    assert disputes.get_dispute(session, actor=me, dispute_id=d.id).lead_id == lead.id
    logged = session.scalars(select(AuditLog.after).where(AuditLog.action == "disputes.create",
                                                          AuditLog.entity_id == str(d.id))).all()
    assert len(logged) == 1 and logged[0]["lead_id"] == lead.id
    boss = f.actor(session, f.user(session, "admin"))
    for who in (me, boss):  # refused before any field is looked at, whoever asks
        with pytest.raises(Invalid) as twice:
            _record(session, who, c, "", [], 1, lead_id=lead.id)
        assert twice.value.key == "disputes.lead_has_dispute" and not twice.value.fields
        assert twice.value.params == {"id": d.id}
    assert [r.id for r in disputes.list_disputes(session, actor=boss)] == [d.id]
    assert _record(session, me, c, "双林路3号", [C], 2).lead_id is None  # unlinked: still fine


def test_grid_workers_and_officers_of_other_communities_cannot_record_a_lead(session) -> None:  # type: ignore[no-untyped-def]
    w = build(session)
    lead = leads.report_lead(session, actor=w.grid1, category="dispute", urgency="routine",
                             description="邻里因噪音争吵", grid_id=w.g1.id)

    def attempt(actor, community_id):  # type: ignore[no-untyped-def]
        return disputes.record_dispute(session, actor=actor, community_id=community_id,
                                       kind="neighbour", address="双林路5号", description="噪音",
                                       parties=[A], lead_id=lead.id)

    with pytest.raises(PermissionDenied):  # the reporter sees the lead but records no dispute
        attempt(w.grid1, w.c1.id)
    with pytest.raises(PermissionDenied):
        disputes.dispute_of_lead(session, actor=w.grid1, lead_id=lead.id)
    for community in (w.c1.id, w.c2.id):  # officer2 holds c2: neither c1 nor c1's lead is his
        with pytest.raises(NotFound):
            attempt(w.officer2, community)
    with pytest.raises(NotFound):
        disputes.dispute_of_lead(session, actor=w.officer2, lead_id=lead.id)
    assert disputes.dispute_of_lead(session, actor=w.supervisor, lead_id=lead.id) is None
    assert attempt(w.supervisor, w.c1.id).lead_id == lead.id  # the station's supervisor may
    assert disputes.dispute_of_lead(session, actor=w.officer1, lead_id=lead.id) is not None


def test_two_officers_recording_one_lead_at_once_make_one_dispute(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine, write=True) as s:
        w = build(s)
        lead_id = leads.report_lead(s, actor=w.grid1, category="dispute", urgency="routine",
                                    description="楼上楼下漏水", grid_id=w.g1.id).id
    barrier = threading.Barrier(2)
    results: list[object] = []

    def record(actor) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            with session_scope(engine, write=True) as s:
                results.append(disputes.record_dispute(
                    s, actor=actor, community_id=w.c1.id, kind="neighbour",
                    address="双林路6号", description="漏水", parties=[A], lead_id=lead_id).id)
        except Invalid as exc:
            results.append(exc.key)

    threads = [threading.Thread(target=record, args=(a,))
               for a in (w.officer1, w.backup_officer)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with session_scope(engine) as s:
        made = s.scalars(select(Dispute.id).where(Dispute.lead_id == lead_id)).all()
    assert len(made) == 1 and sorted(map(str, results)) == sorted(
        [str(made[0]), "disputes.lead_has_dispute"])
