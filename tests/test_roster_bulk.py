"""Bulk edit of a team's table: checked as a whole, all or nothing, conflicts named by row."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Member
from services import roster
from services.core.errors import Conflict, Invalid, NotFound
from tests.roster_world import RosterWorld, build, id_number


def _shown(session: Session, w: RosterWorld, actor: Any = None) -> dict[str, dict[str, Any]]:
    """The table as the page shows it: masked phone and ID number, with each row's version."""
    view = roster.community_roster(session, actor=actor or w.officer, community_id=w.a.id)
    return {m.name: {"member_id": m.id, "version": m.version, "name": m.name,
                     "phone": m.phone_masked, "id_number": m.id_masked, "grid_id": m.grid_id,
                     "skills": list(m.skills), "active": m.active}
            for m in view.members if m.team_id == w.response.id}


def _state(session: Session) -> list[tuple]:
    session.expire_all()
    return [tuple(r) for r in session.execute(
        select(Member.id, Member.name, Member.phone, Member.id_number, Member.grid_id,
               Member.active, Member.version).order_by(Member.id))]


def test_changed_and_added_rows_are_saved_together_and_audited(session: Session) -> None:
    w = build(session)
    rows = _shown(session, w)
    zhang = {**rows["张三"], "phone": "13911112222", "grid_id": w.grids_a[2].id}
    li = {**rows["李四"], "active": False}
    new = {"member_id": None, "name": "吴十", "phone": "023-68810001",
           "id_number": id_number(10), "grid_id": w.grids_a[2].id, "skills": ["driving"],
           "active": True}
    result = roster.save_team_members(session, actor=w.officer, team_id=w.response.id,
                                      rows=[zhang, li, new])
    assert result == {"added": 1, "updated": 2}
    by_name = {r[1]: r for r in _state(session)}
    assert by_name["张三"][2] == "13911112222" and by_name["张三"][3] == id_number(1)  # kept
    assert by_name["李四"][5] is False and by_name["吴十"][2] == "023-68810001"
    actions = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["roster.member_bulk_edit", "roster.member_bulk_edit",
                       "roster.member_add"]


def test_one_bad_cell_refuses_the_whole_table_and_names_every_problem(session: Session) -> None:
    w = build(session)
    before = _state(session)
    rows = _shown(session, w)
    edits = [{**rows["张三"], "name": "张三丰"},
             {**rows["李四"], "phone": "1234"},
             {"member_id": None, "name": "", "phone": "13900000010",
              "id_number": id_number(1), "grid_id": w.grid_b.id, "skills": [], "active": True}]
    with pytest.raises(Invalid) as caught:
        roster.save_team_members(session, actor=w.officer, team_id=w.response.id, rows=edits)
    assert caught.value.fields == {"1.phone": "roster.v.mobile", "2.name": "error.required",
                                   "2.id_number": "roster.v.id_taken", "2.grid_id": "roster.v.grid"}
    assert _state(session) == before


def test_two_officers_bulk_editing_one_team_one_success_one_conflict_naming_rows(
        session: Session) -> None:
    w = build(session)
    mine, theirs = _shown(session, w), _shown(session, w, w.officer_b)
    roster.save_team_members(session, actor=w.officer, team_id=w.response.id, rows=[
        {**mine["张三"], "skills": ["first_aid"]}, {**mine["王五"], "name": "王五"}])
    after_first = _state(session)
    with pytest.raises(Conflict) as caught:
        roster.save_team_members(session, actor=w.officer_b, team_id=w.response.id, rows=[
            {**theirs["张三"], "skills": ["driving"]}, {**theirs["李四"], "active": False}])
    assert caught.value.key == "roster.bulk_conflict" and caught.value.params["names"] == "张三"
    assert _state(session) == after_first  # 李四 was not changed either
    # Rows the first officer did not change do not block the second (王五 was unchanged).
    fresh = _shown(session, w, w.officer_b)
    roster.save_team_members(session, actor=w.officer_b, team_id=w.response.id,
                             rows=[{**theirs["王五"], "active": False},
                                   {**fresh["张三"], "skills": ["driving"]}])


def test_a_member_moved_to_another_team_meanwhile_is_a_conflict(session: Session) -> None:
    w = build(session)
    shown = _shown(session, w)
    li = w.members[1]
    roster.save_member(session, actor=w.officer_b, member_id=li.id, shown_version=li.version,
                       values={"name": "李四", "team_id": w.patrol.id, "skills": ["first_aid"],
                               "grid_id": li.grid_id, "availability": li.availability})
    with pytest.raises(Conflict) as caught:
        roster.save_team_members(session, actor=w.officer, team_id=w.response.id,
                                 rows=[{**shown["李四"], "active": False}])
    assert caught.value.params["names"] == "李四"


def test_rows_of_another_team_and_scope(session: Session) -> None:
    w = build(session)
    zhao = w.members[3]  # of the patrol
    with pytest.raises(Invalid) as caught:
        roster.save_team_members(session, actor=w.officer, team_id=w.response.id, rows=[
            {"member_id": zhao.id, "version": 1, "name": "赵六", "phone": "13800000004",
             "id_number": "", "grid_id": None, "skills": [], "active": True}])
    assert caught.value.fields == {"0.name": "roster.v.not_in_team"}
    with pytest.raises(NotFound):
        roster.save_team_members(session, actor=w.officer, team_id=999_999, rows=[])
