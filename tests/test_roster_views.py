"""District view and community page: counts, gaps, deactivation, masking for every role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Member
from services import roster
from services.core.errors import NotFound, PermissionDenied
from tests import factories as f
from tests.roster_world import build


def _by_name(rows: list[roster.CommunitySummary]) -> dict[str, roster.CommunitySummary]:
    return {r.name: r for r in rows}


def test_district_view_counts_and_flags_every_gap(session: Session) -> None:
    w = build(session)
    rows = _by_name(roster.district_view(session, actor=w.admin))
    a, b, far = rows["双林社区"], rows["临江社区"], rows["远山村"]
    assert (a.teams, a.members, a.grids, a.grids_covered, a.units) == (2, 4, 3, 2, 1)
    assert a.officer == "王警官"
    assert a.gaps == roster.Gaps(no_officer=False, short_teams=("双林巡逻队",),
                                 empty_grids=("双林第3网格",), no_response_unit=False)
    # 临江: one member in a response unit of minimum 3
    assert b.gaps.short_teams == ("临江最小处置单元",) and not b.gaps.empty_grids
    # 远山村: an officer, but no team, nobody in its grid, no response unit
    assert far.gaps.no_response_unit and len(far.gaps.empty_grids) == 1
    assert far.gaps.count == 2 and far.teams == 0 and far.members == 0


def test_gaps_follow_changes(session: Session) -> None:
    w = build(session)
    w.a.officer_id = None
    w.members[0].active = False  # the response unit drops to two of three
    w.response.active = False  # ... and then goes altogether
    session.flush()
    gaps = _by_name(roster.district_view(session, actor=w.admin))["双林社区"].gaps
    assert gaps.no_officer and gaps.no_response_unit
    assert gaps.short_teams == ("双林巡逻队",)  # an inactive team is not short, it is gone
    assert set(gaps.empty_grids) == {"双林第2网格", "双林第3网格"}
    only = roster.district_view(session, actor=w.admin, gaps_only=True)
    assert "双林社区" in {r.name for r in only}


def test_an_inactive_officer_is_a_gap(session: Session) -> None:
    w = build(session)
    roster_a = roster.community_roster(session, actor=w.admin, community_id=w.a.id)
    officer = roster_a.officers[0]
    roster.set_officer_active(session, actor=w.admin, officer_id=officer.id,
                              shown_version=officer.version, active=False)
    row = _by_name(roster.district_view(session, actor=w.admin))["双林社区"]
    assert row.gaps.no_officer and row.officer == ""


def test_a_deactivated_member_leaves_coverage_but_keeps_history(session: Session) -> None:
    w = build(session)
    zhang = w.members[0]  # the only member in grid 1 besides 赵六 of the patrol
    roster.set_active(session, actor=w.officer, entity="member", record_id=w.members[3].id,
                      shown_version=1, active=False)
    roster.set_active(session, actor=w.officer, entity="member", record_id=zhang.id,
                      shown_version=zhang.version, active=False)
    view = roster.community_roster(session, actor=w.officer, community_id=w.a.id)
    response = next(t for t in view.teams if t.id == w.response.id)
    assert response.active_members == 2 and response.short
    assert "双林第1网格" in view.gaps.empty_grids
    assert "张三" not in {h.name for h in roster.who_can_help(session, actor=w.officer)}
    kept = next(m for m in view.members if m.id == zhang.id)
    assert not kept.active and kept.name == "张三"  # still on file
    assert session.get(Member, zhang.id) is not None
    actions = session.scalars(select(AuditLog.action).where(
        AuditLog.entity == "member", AuditLog.entity_id == str(zhang.id))).all()
    assert actions == ["roster.member_deactivate"]
    roster.set_active(session, actor=w.officer, entity="member", record_id=zhang.id,
                      shown_version=kept.version, active=True)
    view = roster.community_roster(session, actor=w.officer, community_id=w.a.id)
    assert "双林第1网格" not in view.gaps.empty_grids


def test_community_page_holds_the_1_the_10_and_the_n(session: Session) -> None:
    w = build(session)
    view = roster.community_roster(session, actor=w.supervisor, community_id=w.a.id)
    assert [o.name for o in view.officers] == ["王警官"] and view.officers[0].role == "community"
    assert {t.name: (t.active_members, t.min_size) for t in view.teams} == {
        "双林最小处置单元": (3, 3), "双林巡逻队": (1, 2)}
    patrol = next(t for t in view.teams if t.name == "双林巡逻队")
    assert patrol.short and patrol.grids_covered == ("双林第1网格",)
    assert [u.name for u in view.units] == ["双林物业"] and view.units[0].services == (
        "监控共享", "夜间巡查")
    assert not view.can_edit and not view.can_reveal


MASKED_PHONE = "138****0001"


@pytest.mark.parametrize(("who", "can_reveal"), [
    ("admin", True), ("officer", True), ("officer_b", False), ("supervisor", False)])
def test_masking_for_every_role(session: Session, who: str, can_reveal: bool) -> None:
    w = build(session)
    actor = getattr(w, who)
    view = roster.community_roster(session, actor=actor, community_id=w.a.id)
    zhang = next(m for m in view.members if m.name == "张三")
    assert zhang.phone_masked == MASKED_PHONE  # masked on screen for everyone
    number = w.members[0].id_number or ""
    assert zhang.id_masked == number[:6] + "********" + number[-4:] != number
    assert view.units[0].phone_masked == "023*****2345"
    assert view.can_reveal is can_reveal
    before = session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "roster.reveal"))
    if can_reveal:
        assert roster.reveal(session, actor=actor, entity="member", record_id=zhang.id,
                             field="phone") == "13800000001"
        assert roster.reveal(session, actor=actor, entity="member", record_id=zhang.id,
                             field="id_number") == w.members[0].id_number
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "roster.reveal")
                                .order_by(AuditLog.id.desc())).first()
        assert entry is not None and entry.actor_user_id == actor.user_id
        assert entry.entity_id == str(zhang.id) and entry.after == {"field": "id_number"}
    else:
        with pytest.raises(PermissionDenied):
            roster.reveal(session, actor=actor, entity="member", record_id=zhang.id,
                          field="phone")
        after = session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "roster.reveal"))
        assert after == before
    data, n = roster.export_roster(session, actor=actor, what="members", fmt="csv",
                                   community_ids=[w.a.id], full=True)
    text = data.decode("utf-8-sig")
    assert n == 4 and ("13800000001" in text) is can_reveal and (MASKED_PHONE in text) is (
        not can_reveal)


def test_grid_workers_cannot_open_rosters_and_scope_hides_other_communities(
        session: Session) -> None:
    w = build(session)
    with pytest.raises(PermissionDenied):
        roster.community_roster(session, actor=w.grid_worker, community_id=w.a.id)
    with pytest.raises(PermissionDenied):
        roster.district_view(session, actor=w.grid_worker)
    with pytest.raises(NotFound):
        roster.community_roster(session, actor=w.officer, community_id=w.b.id)
    assert {r.name for r in roster.district_view(session, actor=w.supervisor)} == {
        "双林社区", "临江社区"}
    assert {r.name for r in roster.district_view(session, actor=w.officer)} == {"双林社区"}
    with pytest.raises(NotFound):  # a member of another community is not found
        other = f.member(session, f.team(session, w.far), name="孙八")
        roster.reveal(session, actor=w.officer, entity="member", record_id=other.id,
                      field="phone")


def test_export_is_audited_and_safe_for_spreadsheets(session: Session) -> None:
    w = build(session)
    w.unit.name = "=HYPERLINK(\"x\")"
    session.flush()
    data, n = roster.export_roster(session, actor=w.supervisor, what="units", fmt="csv")
    assert n == 1 and "'=HYPERLINK" in data.decode("utf-8-sig")
    xlsx, _ = roster.export_roster(session, actor=w.supervisor, what="members", fmt="xlsx")
    assert xlsx[:2] == b"PK"
    entries = session.scalars(select(AuditLog.after).where(AuditLog.action == "roster.export")
                              ).all()
    assert [e["rows"] for e in entries] == [1, 5]
