"""who_can_help: area, skills, team kinds, availability windows (midnight too), scope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from services import roster
from services.core.errors import Invalid, PermissionDenied
from services.roster.common import available_at, clean_availability
from tests.roster_world import build

# 2026-06-05 is a Friday.
FRI_10 = datetime(2026, 6, 5, 10, 0)
FRI_23 = datetime(2026, 6, 5, 23, 0)
SAT_05 = datetime(2026, 6, 6, 5, 30)
SAT_10 = datetime(2026, 6, 6, 10, 0)


def _names(helpers: list[roster.Helper]) -> set[str]:
    return {h.name for h in helpers}


def test_area_skills_and_kinds(session: Session) -> None:
    w = build(session)
    everyone = roster.who_can_help(session, actor=w.admin)
    assert _names(everyone) == {"张三", "李四", "王五", "赵六", "钱七"}
    assert _names(roster.who_can_help(session, actor=w.admin, community_ids=[w.a.id],
                                      skills=["first_aid"])) == {"张三", "李四", "赵六"}
    assert _names(roster.who_can_help(session, actor=w.admin, grid_ids=[w.grids_a[0].id],
                                      skills=["first_aid", "driving"])) == {"张三"}
    assert _names(roster.who_can_help(session, actor=w.admin, community_ids=[w.a.id],
                                      team_kinds=["patrol"])) == {"赵六"}
    both = roster.who_can_help(session, actor=w.admin, community_ids=[w.b.id],
                               grid_ids=[w.grids_a[1].id])
    assert _names(both) == {"李四", "王五", "钱七"}  # in the community or in the grid
    zhang = next(h for h in everyone if h.name == "张三")
    assert zhang.phone_masked == "138****0001" and zhang.skills == ("first_aid", "driving")
    assert zhang.team_kind == "response_unit" and zhang.community_id == w.a.id


def test_availability_at_a_time_including_a_night_across_midnight(session: Session) -> None:
    w = build(session)

    def at(when: datetime) -> set[str]:
        return _names(roster.who_can_help(session, actor=w.admin, community_ids=[w.a.id],
                                          at=when))

    assert at(FRI_10) == {"张三", "李四", "赵六"}  # 王五 works Friday nights only
    assert at(FRI_23) == {"张三", "王五", "赵六"}
    assert at(SAT_05) == {"张三", "王五", "赵六"}  # Friday's night shift runs into Saturday
    assert at(SAT_10) == {"张三", "赵六"}
    aware = datetime(2026, 6, 5, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert at(aware) == at(FRI_10)


def test_scope_limits_the_answer_and_grid_workers_are_refused(session: Session) -> None:
    w = build(session)
    assert _names(roster.who_can_help(session, actor=w.officer)) == {"张三", "李四", "王五",
                                                                    "赵六"}
    assert roster.who_can_help(session, actor=w.officer, community_ids=[w.b.id]) == []
    with pytest.raises(PermissionDenied):
        roster.who_can_help(session, actor=w.grid_worker)
    with pytest.raises(Invalid):
        roster.who_can_help(session, actor=w.admin, skills=["juggling"])


def test_deactivated_members_and_teams_are_not_offered(session: Session) -> None:
    w = build(session)
    w.members[0].active = False
    w.patrol.active = False
    session.flush()
    assert _names(roster.who_can_help(session, actor=w.admin, community_ids=[w.a.id])) == {
        "李四", "王五"}


@pytest.mark.parametrize(("window", "when", "covered"), [
    ({}, FRI_10, True),
    ({"days": [4]}, FRI_23, True),
    ({"days": [5]}, FRI_23, False),
    ({"from": "08:00", "to": "12:00"}, datetime(2026, 6, 6, 12, 0), True),
    ({"from": "08:00", "to": "12:00"}, datetime(2026, 6, 6, 12, 1), False),
    ({"days": [6], "from": "20:00", "to": "02:00"}, datetime(2026, 6, 8, 1, 0), True),  # Mon
    ({"days": [0], "from": "20:00", "to": "02:00"}, datetime(2026, 6, 8, 1, 0), False),
])
def test_available_at(window: dict, when: datetime, covered: bool) -> None:
    assert available_at(window, when) is covered
    assert available_at(window, None) is True


def test_clean_availability() -> None:
    assert clean_availability({"days": list(range(7)), "from": "", "to": ""}) == {}
    assert clean_availability({"days": [4, 0, 4], "from": "22:00", "to": "06:00"}) == {
        "days": [0, 4], "from": "22:00", "to": "06:00"}
    for bad in ({"from": "8:00", "to": "12:00"}, {"from": "08:00"}, {"days": [7]},
                {"from": "24:00", "to": "12:00"}):
        with pytest.raises(Invalid):
            clean_availability(bad)
