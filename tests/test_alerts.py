"""Alerts: the recipient list, frozen versions, acknowledgements, mobilisation, sightings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import AlertRecipient, Community, Grid, Lead, Member, Officer
from services import alerts
from services.alerts import Target
from services.core.actor import Actor
from services.core.errors import Invalid, NotFound, PermissionDenied
from tests import factories as f
from tests.images import PNG

MONDAY_10 = datetime(2025, 11, 17, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SUNDAY_10 = MONDAY_10 - timedelta(days=1)
WEEKDAYS = {"days": [0, 1, 2, 3, 4], "from": "08:00", "to": "20:00"}


@dataclass
class W:
    c1: Community
    c2: Community
    c3: Community
    g3: Grid
    o1: Officer
    o3: Officer
    m: dict[str, Member]
    boss: Actor
    officer: Actor
    leader: Actor
    worker: Actor
    outsider: Actor


def _world(s) -> W:  # type: ignore[no-untyped-def]
    st = f.station(s)
    c1, c2 = f.community(s, station_=st), f.community(s, station_=st, lat=29.50, lon=106.50)
    c3 = f.community(s, station_=st, lat=29.46, lon=106.46)
    g1, g3, g3b = f.grid(s, c1), f.grid(s, c3), f.grid(s, c3)
    o1, o2, o3 = f.officer(s, c1), f.officer(s, c2), f.officer(s, c3)
    vol, resp = f.team(s, c1, "volunteer"), f.team(s, c1, "response_unit")
    t2, t3 = f.team(s, c2, "volunteer"), f.team(s, c3, "volunteer")
    m = {
        "leader": f.member(s, vol, grid_id=g1.id),
        "a": f.member(s, vol, grid_id=g1.id, skills=["first_aid"], availability=WEEKDAYS),
        "b": f.member(s, vol),
        "c": f.member(s, resp, skills=["first_aid", "driving"]),
        "gone": f.member(s, vol, active=False),
        "other": f.member(s, t2),
        "g3": f.member(s, t3, grid_id=g3.id),
        "g3b": f.member(s, t3, grid_id=g3b.id),
    }
    vol.leader_member_id = m["leader"].id
    s.flush()
    users = {"boss": f.user(s, "supervisor", station_=st),
             "officer": f.user(s, "officer", communities=[c1], officer_id=o1.id),
             "leader": f.user(s, "grid_worker", communities=[c1], member_id=m["leader"].id),
             "worker": f.user(s, "grid_worker", communities=[c1], member_id=m["a"].id),
             "outsider": f.user(s, "grid_worker", communities=[c2], member_id=m["other"].id)}
    f.user(s, "officer", communities=[c3], officer_id=o3.id)
    a = {k: f.actor(s, u) for k, u in users.items()}
    del o2
    return W(c1, c2, c3, g3, o1, o3, m, a["boss"], a["officer"], a["leader"], a["worker"],
             a["outsider"])


def _draft(s, w: W, target: Target | None = None, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("valid_from", MONDAY_10 - timedelta(hours=1))
    kw.setdefault("valid_to", MONDAY_10 + timedelta(days=5))
    return alerts.save_draft(
        s, actor=w.boss, origin_region="浙江省青溪市公安局", case_ref="浙青公协字〔2025〕117号",
        title="协查两名电信诈骗嫌疑人", subject="张某，男，约35岁；李某，男，约28岁",
        target=target or Target(community_ids=(w.c1.id,), grid_ids=(w.g3.id,)), **kw)


def _published(s, w: W, target: Target | None = None):  # type: ignore[no-untyped-def]
    draft = _draft(s, w, target)
    return alerts.publish(s, actor=w.boss, alert_id=draft.id, shown_version=draft.version,
                          now=MONDAY_10)


def _people(s, alert_id: int) -> set[str]:  # type: ignore[no-untyped-def]
    rows = s.execute(select(AlertRecipient.officer_id, AlertRecipient.member_id)
                     .where(AlertRecipient.alert_id == alert_id)).all()
    return {f"o{o}" if o else f"m{mid}" for o, mid in rows}


def _names(w: W, *keys: str) -> set[str]:
    return {f"m{w.m[k].id}" for k in keys}


def test_recipients_follow_area_role_skill_and_availability(session) -> None:  # type: ignore[no-untyped-def]
    w = _world(session)
    everyone = _names(w, "leader", "a", "b", "c", "g3")  # not: inactive, other area, other grid
    officers = {f"o{w.o1.id}", f"o{w.o3.id}"}  # c3's officer: the grid lies in c3
    rows = alerts.recipients_for
    area = Target(community_ids=(w.c1.id,), grid_ids=(w.g3.id,))

    def got(**kw) -> set[str]:  # type: ignore[no-untyped-def]
        at = kw.pop("at", MONDAY_10)
        found = rows(session, actor=w.boss, target=Target(**{**area.__dict__, **kw}), at=at)
        return {f"o{r['officer_id']}" if r["officer_id"] else f"m{r['member_id']}"
                for r in found}

    assert got() == everyone | officers
    assert got(team_kinds=("response_unit",)) == _names(w, "c") | officers
    assert got(skills=("first_aid",)) == _names(w, "a", "c") | officers
    assert got(skills=("first_aid", "driving")) == _names(w, "c") | officers
    assert got(roles=("leader",)) == _names(w, "leader")
    assert got(roles=("officer",)) == officers
    assert got(available_only=True) == everyone | officers  # Monday 10:00: "a" is on
    assert got(available_only=True, at=SUNDAY_10) == everyone - _names(w, "a") | officers
    assert got(available_only=False, at=SUNDAY_10) == everyone | officers


def test_publishing_links_accounts_and_relays_members_without_one(session) -> None:  # type: ignore[no-untyped-def]
    w = _world(session)
    alert, reach = _published(session, w)
    assert (reach.total, reach.officers, reach.with_account) == (7, 2, 4)
    rows = {r.member_id or -r.officer_id: r for r in session.scalars(
        select(AlertRecipient).where(AlertRecipient.alert_id == alert.id))}
    assert rows[w.m["a"].id].user_id == w.worker.user_id
    assert rows[w.m["b"].id].relay_user_id == w.leader.user_id  # the team leader's account
    assert rows[w.m["c"].id].relay_user_id == w.officer.user_id  # no leader: the officer
    assert rows[-w.o1.id].user_id == w.officer.user_id
    assert rows[w.m["g3"].id].relay_user_id is not None  # c3's officer has an account


def test_a_published_alert_is_frozen_and_only_amended(session) -> None:  # type: ignore[no-untyped-def]
    w = _world(session)
    first, _ = _published(session, w)
    with pytest.raises(Invalid) as frozen:
        _draft(session, w, alert_id=first.id, shown_version=first.version)
    assert frozen.value.key == "alerts.frozen"
    with pytest.raises(Invalid):
        alerts.publish(session, actor=w.boss, alert_id=first.id, shown_version=first.version)
    alerts.acknowledge(session, actor=w.worker, alert_id=first.id, responding=True,
                       now=MONDAY_10)
    amendment = alerts.amend(session, actor=w.boss, alert_id=first.id)
    assert amendment.amends_id == first.id and amendment.status == "draft"
    assert alerts.amend(session, actor=w.boss, alert_id=first.id).id == amendment.id
    changed = _draft(session, w, alert_id=amendment.id, shown_version=amendment.version,
                     target=Target(community_ids=(w.c1.id,)))
    second, reach = alerts.publish(session, actor=w.boss, alert_id=changed.id,
                                   shown_version=changed.version, now=MONDAY_10)
    assert reach.total == 5  # c1 only now
    assert alerts.get_alert(session, actor=w.boss, alert_id=first.id).alert.status == "superseded"
    detail = alerts.get_alert(session, actor=w.boss, alert_id=second.id)
    assert detail.older == (first.id,) and detail.counts.mobilised == 1  # carried over
    assert detail.counts.acknowledged == 0  # the new version must be read again
    assert alerts.get_alert(session, actor=w.boss, alert_id=first.id).newer == second.id


def test_acknowledgements_and_mobilisation_counts(session) -> None:  # type: ignore[no-untyped-def]
    w = _world(session)
    alert, _ = _published(session, w)
    assert [p.id for p in alerts.to_acknowledge(session, actor=w.worker)] == [alert.id]
    pending_leader = alerts.to_acknowledge(session, actor=w.leader)
    assert pending_leader[0].relayed == 1  # member "b"
    assert alerts.acknowledge(session, actor=w.worker, alert_id=alert.id, responding=True,
                              now=MONDAY_10) == 1
    alerts.acknowledge(session, actor=w.worker, alert_id=alert.id, responding=True,
                       now=MONDAY_10 + timedelta(hours=1))  # again: the first time stays
    mine = alerts.get_alert(session, actor=w.worker, alert_id=alert.id).mine
    assert mine.acknowledged_at == MONDAY_10 and mine.mobilised
    assert alerts.acknowledge(session, actor=w.leader, alert_id=alert.id) == 2  # self and "b"
    assert alerts.to_acknowledge(session, actor=w.worker) == []
    with pytest.raises(NotFound):
        alerts.acknowledge(session, actor=w.outsider, alert_id=alert.id)
    total = alerts.record_mobilised(session, actor=w.officer, alert_id=alert.id,
                                    member_ids=[w.m["c"].id, w.m["g3"].id], helpers=30)
    assert total == 1 + 1 + 30  # "a" responding, "c" marked; "g3" is outside the officer's scope
    counts = alerts.get_alert(session, actor=w.boss, alert_id=alert.id).counts
    assert (counts.recipients, counts.acknowledged, counts.reached, counts.mobilised) == (
        7, 2, 3, 32)
    closed = alerts.close_alert(session, actor=w.boss, alert_id=alert.id,
                                shown_version=alert.version, outcome="caught",
                                note="两名嫌疑人已全部抓获，感谢大家", suspects_caught=2,
                                now=MONDAY_10 + timedelta(hours=56))
    assert (closed.status, closed.mobilised, closed.suspects_caught) == ("closed", 32, 2)
    seen = alerts.recent_outcomes(session, actor=w.leader, now=MONDAY_10 + timedelta(days=3))
    assert [(a.outcome, a.outcome_note) for a in seen] == [("caught", closed.outcome_note)]
    assert closed.outcome_note == "两名嫌疑人已全部抓获，感谢大家"
    with pytest.raises(Invalid):
        alerts.acknowledge(session, actor=w.leader, alert_id=alert.id)


def test_a_sighting_becomes_a_dispatched_urgent_lead_linked_to_the_alert(session) -> None:  # type: ignore[no-untyped-def]
    w = _world(session)
    alert, _ = _published(session, w)
    lead = alerts.report_sighting(session, actor=w.worker, alert_id=alert.id,
                                  description="出租屋住进两名外地男子，与通报特征相似",
                                  now=MONDAY_10 + timedelta(hours=2))
    row = session.get(Lead, lead.id)
    assert (row.alert_id, row.urgency, row.status) == (alert.id, "urgent", "dispatched")
    assert row.assigned_officer_id == w.o1.id and row.dispatched_at == row.created_at
    detail = alerts.get_alert(session, actor=w.boss, alert_id=alert.id)
    assert [s.lead_id for s in detail.sightings] == [lead.id] and detail.counts.sightings == 1
    with pytest.raises(NotFound):  # not a recipient, cannot even see the alert
        alerts.report_sighting(session, actor=w.outsider, alert_id=alert.id, description="x",
                               now=MONDAY_10)
    with pytest.raises(Invalid) as late:
        alerts.report_sighting(session, actor=w.worker, alert_id=alert.id, description="x",
                               now=MONDAY_10 + timedelta(days=6))
    assert late.value.key == "alerts.outside_window"


def test_who_may_write_see_and_close(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = _world(session)
    with pytest.raises(PermissionDenied):
        alerts.save_draft(session, actor=w.officer, origin_region="x", title="x", subject="x",
                          target=Target(community_ids=(w.c1.id,)), valid_from=MONDAY_10,
                          valid_to=MONDAY_10 + timedelta(days=1))
    with pytest.raises(Invalid) as bad:
        alerts.save_draft(session, actor=w.boss, origin_region=" ", title="t", subject="s",
                          target=Target(), valid_from=MONDAY_10, valid_to=MONDAY_10)
    assert set(bad.value.fields) == {"origin_region", "area", "valid_to"}
    draft = _draft(session, w, photos=[PNG], photo_dir=tmp_path)
    assert alerts.read_photo(session, actor=w.boss, photo_id=draft.photo_ids[0],
                             directory=tmp_path)[1] == "image/png"
    with pytest.raises(NotFound):  # drafts are the publishers' own
        alerts.get_alert(session, actor=w.officer, alert_id=draft.id)
    published, _ = alerts.publish(session, actor=w.boss, alert_id=draft.id,
                                  shown_version=draft.version, now=MONDAY_10)
    assert alerts.get_alert(session, actor=w.officer, alert_id=draft.id).mine.officer
    assert [r.id for r in alerts.list_alerts(session, actor=w.worker)] == [published.id]
    assert alerts.list_alerts(session, actor=w.outsider) == []
    with pytest.raises(Invalid) as outcome:
        alerts.close_alert(session, actor=w.boss, alert_id=draft.id,
                           shown_version=published.version, outcome="done", note="")
    assert set(outcome.value.fields) == {"outcome", "note"}
