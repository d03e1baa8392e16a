"""Forms: add, edit, deactivate, reactivate; every field checked; audited; conflicts named."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Community, Member, Officer, SocialUnit, Team
from services import roster
from services.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from tests import factories as f
from tests.roster_world import build, id_number

GOOD = {"name": "周九", "phone": "139 0000 0009", "id_number": id_number(9), "skills": [
    "mediation"], "availability": {"days": [5, 6], "from": "09:00", "to": "17:00"}}


def _audit(session: Session, action: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_add_a_member_with_every_field_checked_at_once(session: Session) -> None:
    w = build(session)
    bad = {**GOOD, "name": "", "phone": "1390000000", "id_number": id_number(9)[:-1] + "0"
           if not id_number(9).endswith("0") else id_number(9)[:-1] + "1",
           "availability": {"from": "9:00", "to": "17:00"}, "team_id": w.response.id,
           "grid_id": w.grid_b.id}
    with pytest.raises(Invalid) as caught:
        roster.save_member(session, actor=w.officer, values=bad)
    assert caught.value.fields == {"name": "error.required", "phone": "roster.v.mobile",
                                   "id_number": "roster.v.id_check_digit",
                                   "availability": "roster.v.time", "grid_id": "roster.v.grid"}
    new_id = roster.save_member(session, actor=w.officer, values={
        **GOOD, "team_id": w.response.id, "grid_id": w.grids_a[2].id})
    m = session.get(Member, new_id)
    assert m is not None and (m.phone, m.id_number, m.skills) == (
        "13900000009", id_number(9), ["mediation"])
    entry, = _audit(session, "roster.member_add")
    assert entry.after["phone"] == "139****0009" and entry.after["name"] == "周九"
    assert entry.after["id_number"].startswith("500104********")
    with pytest.raises(Invalid) as again:  # the same person twice
        roster.save_member(session, actor=w.officer, values={**GOOD, "team_id": w.patrol.id})
    assert again.value.fields == {"id_number": "roster.v.id_taken"}


def test_edit_keeps_masked_fields_and_records_before_and_after(session: Session) -> None:
    w = build(session)
    li = w.members[1]
    version = roster.save_member(session, actor=w.officer, member_id=li.id, shown_version=1,
                                 values={"name": "李四", "phone": "", "id_number": "",
                                         "team_id": w.patrol.id, "grid_id": w.grids_a[2].id,
                                         "skills": ["first_aid", "driving"], "availability": {}})
    session.refresh(li)
    assert version == 2 and li.phone == "13800000002" and li.id_number == id_number(2)
    assert f.team_of(session, li) == w.patrol.id and li.availability == {}
    entry, = _audit(session, "roster.member_edit")
    assert entry.before == {"grid_id": w.grids_a[1].id,
                            "skills": ["first_aid"], "availability": {
                                "days": [0, 1, 2, 3, 4], "from": "08:00", "to": "18:00"}}
    assert entry.actor_name == w.officer.username
    (joined,) = _audit(session, "roster.member_join")
    (left,) = _audit(session, "roster.member_leave")
    assert joined.after == {"team_id": w.patrol.id} and left.before == {"team_id": w.response.id}
    same = roster.save_member(session, actor=w.officer, member_id=li.id, shown_version=2,
                              values={"name": "李四", "phone": "13800000002",
                                      "team_id": w.patrol.id, "grid_id": w.grids_a[2].id,
                                      "skills": ["driving", "first_aid"], "availability": {}})
    assert same == 2 and len(_audit(session, "roster.member_edit")) == 1  # nothing changed


def test_two_officers_editing_the_same_team_one_wins_one_is_told(session: Session) -> None:
    w = build(session)
    shown = roster.community_roster(session, actor=w.officer, community_id=w.a.id)
    team = next(t for t in shown.teams if t.id == w.response.id)
    first = {"name": "双林应急处置组", "kind": "response_unit", "min_size": 4}
    second = {"name": "双林最小处置单元", "kind": "response_unit", "min_size": 5}
    roster.save_team(session, actor=w.officer, community_id=w.a.id, team_id=team.id,
                     shown_version=team.version, values=first)
    with pytest.raises(Conflict) as caught:
        roster.save_team(session, actor=w.officer_b, community_id=w.a.id, team_id=team.id,
                         shown_version=team.version, values=second)
    assert caught.value.params["who"] == w.officer.username
    session.refresh(w.response)
    assert (w.response.name, w.response.min_size, w.response.version) == ("双林应急处置组", 4, 2)


def test_team_rules(session: Session) -> None:
    w = build(session)
    with pytest.raises(Invalid) as caught:
        roster.save_team(session, actor=w.officer, community_id=w.a.id,
                         values={"name": "x" * 65, "kind": "circus", "min_size": -1})
    assert caught.value.fields == {"name": "error.too_long", "kind": "roster.v.choice",
                                   "min_size": "roster.v.min_size"}
    tid = roster.save_team(session, actor=w.officer, community_id=w.a.id,
                           values={"name": "双林调解队", "kind": "mediator", "min_size": 3})
    team = session.get(Team, tid)
    assert team is not None and team.min_size == 3 and team.community_id == w.a.id
    with pytest.raises(Invalid):  # a leader must be an active member of the team
        roster.save_team(session, actor=w.officer, community_id=w.a.id, team_id=tid,
                         shown_version=1, values={"name": "双林调解队", "kind": "mediator",
                                                  "min_size": 3,
                                                  "leader_member_id": w.members[0].id})
    roster.save_team(session, actor=w.officer, community_id=w.a.id, team_id=w.response.id,
                     shown_version=1, values={"name": "双林最小处置单元", "kind": "response_unit",
                                              "min_size": 3, "leader_member_id": w.members[0].id})
    assert session.get(Team, w.response.id).leader_member_id == w.members[0].id  # type: ignore


def test_social_units(session: Session) -> None:
    w = build(session)
    with pytest.raises(Invalid) as caught:
        roster.save_unit(session, actor=w.officer, community_id=w.a.id, values={
            "name": "双林物业", "kind": "property", "contact_phone": "6881234"})
    assert caught.value.fields == {"contact_phone": "roster.v.landline_area"}
    with pytest.raises(Invalid) as taken:
        roster.save_unit(session, actor=w.officer, community_id=w.a.id, values={
            "name": "双林物业", "kind": "property"})
    assert taken.value.fields == {"name": "roster.v.unit_taken"}
    uid = roster.save_unit(session, actor=w.officer, community_id=w.a.id, values={
        "name": "双林小学", "kind": "school", "contact_name": "陈老师",
        "contact_phone": "023-6881 0000", "services": ["场地借用", "场地借用", " 安全教育 "]})
    unit = session.get(SocialUnit, uid)
    assert unit is not None and unit.services == ["场地借用", "安全教育"]
    assert unit.contact_phone == "023-68810000"
    roster.set_active(session, actor=w.officer, entity="social_unit", record_id=uid,
                      shown_version=1, active=False)
    rows = {r.name: r for r in roster.district_view(session, actor=w.admin)}
    assert rows["双林社区"].units == 1


def test_officers_only_admins_change_who_is_the_officer(session: Session) -> None:
    w = build(session)
    with pytest.raises(PermissionDenied):
        roster.add_officer(session, actor=w.officer, community_id=w.a.id,
                           values={"name": "新民警", "badge_no": "X1", "phone": "13900000001"})
    oid = roster.add_officer(session, actor=w.admin, community_id=w.a.id, values={
        "name": "新民警", "badge_no": "X1", "phone": "13900000001", "is_deputy_secretary": True})
    assert session.get(Community, w.a.id).officer_id == oid  # type: ignore[union-attr]
    assert [e.after for e in _audit(session, "roster.officer_assign")] == [{"officer_id": oid}]
    # the community's officer (a new user would be linked to it) may correct the details
    shown = roster.community_roster(session, actor=w.admin, community_id=w.a.id).officers[0]
    roster.edit_officer(session, actor=w.officer, officer_id=oid, shown_version=shown.version,
                        values={"name": "新民警", "badge_no": "X1", "phone": "",
                                "is_deputy_secretary": False, "on_duty": True})
    officer = session.get(Officer, oid)
    assert officer is not None and officer.phone == "13900000001"
    assert not officer.is_deputy_secretary
    with pytest.raises(Invalid):
        roster.add_officer(session, actor=w.admin, community_id=w.b.id, values={
            "name": "重号", "badge_no": "X1", "phone": "13900000002"})
    with pytest.raises(NotFound):  # not the officer of a community in this officer's scope
        roster.edit_officer(session, actor=w.officer, officer_id=w.b.officer_id or 0,
                            shown_version=1, values={"name": "x", "badge_no": "y"})


def test_permissions_of_the_forms(session: Session) -> None:
    w = build(session)
    values = {**GOOD, "team_id": w.response.id}
    with pytest.raises(PermissionDenied):
        roster.save_member(session, actor=w.supervisor, values=values)
    with pytest.raises(PermissionDenied):
        roster.save_member(session, actor=w.grid_worker, values=values)
    far_team = Team(community_id=w.far.id, kind="patrol", name="远山巡逻队")
    session.add(far_team)
    session.flush()
    with pytest.raises(NotFound):
        roster.save_member(session, actor=w.officer, values={**values, "team_id": far_team.id})
    with pytest.raises(NotFound):
        roster.set_active(session, actor=w.officer, entity="team", record_id=far_team.id,
                          shown_version=1, active=False)
    assert roster.save_member(session, actor=w.admin, values={**values,
                                                              "team_id": far_team.id})
