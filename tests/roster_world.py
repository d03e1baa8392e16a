"""A small roster world for service tests: two communities, their officers, teams and users."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Community, Grid, Member, SocialUnit, Team
from services.core.actor import Actor
from services.core.validation import id_check_character
from tests import factories as f


def id_number(n: int, born: str = "19850615") -> str:
    first17 = f"500104{born}{n % 1000:03d}"
    return first17 + id_check_character(first17)


@dataclass
class RosterWorld:
    a: Community  # 双林社区, the officer's own
    b: Community  # another community at the same station
    far: Community  # at another station
    grids_a: list[Grid]
    grid_b: Grid
    response: Team  # community a's minimum response unit, three active members
    patrol: Team
    members: list[Member]
    unit: SocialUnit
    admin: Actor
    supervisor: Actor  # the station's: sees a and b, not far
    officer: Actor  # officer of a (scope: a)
    officer_b: Actor  # officer of b, whose scope also covers a (a neighbour's backup)
    grid_worker: Actor


def build(s: Session) -> RosterWorld:
    station = f.station(s)
    a = f.community(s, station_=station, name="双林社区")
    b = f.community(s, station_=station, name="临江社区")
    far = f.community(s, name="远山村", kind="village")
    grids_a = [f.grid(s, a, name=f"双林第{i}网格") for i in (1, 2, 3)]
    grid_b = f.grid(s, b)
    f.grid(s, far)
    off_a, off_b = f.officer(s, a, name="王警官"), f.officer(s, b, name="李警官")
    f.officer(s, far)
    response = f.team(s, a, "response_unit", name="双林最小处置单元")
    patrol = f.team(s, a, "patrol", name="双林巡逻队", min_size=2)
    members = [
        f.member(s, response, name="张三", phone="13800000001", id_number=id_number(1),
                 grid_id=grids_a[0].id, skills=["first_aid", "driving"]),
        f.member(s, response, name="李四", phone="13800000002", id_number=id_number(2),
                 grid_id=grids_a[1].id, skills=["first_aid"],
                 availability={"days": [0, 1, 2, 3, 4], "from": "08:00", "to": "18:00"}),
        f.member(s, response, name="王五", phone="13800000003", grid_id=grids_a[1].id,
                 skills=["night_shift"],
                 availability={"days": [4], "from": "22:00", "to": "06:00"}),
        f.member(s, patrol, name="赵六", phone="13800000004", grid_id=grids_a[0].id,
                 skills=["first_aid"]),
    ]
    team_b = f.team(s, b, "response_unit", name="临江最小处置单元")
    f.member(s, team_b, name="钱七", phone="13800000005", grid_id=grid_b.id,
             skills=["first_aid"])
    unit = SocialUnit(community_id=a.id, name="双林物业", kind="property", contact_name="孙经理",
                      contact_phone="023-68812345", services=["监控共享", "夜间巡查"])
    s.add(unit)
    s.flush()
    users = {
        "admin": f.user(s, "admin"),
        "supervisor": f.user(s, "supervisor", station_=station),
        "officer": f.user(s, "officer", communities=[a], officer_id=off_a.id),
        "officer_b": f.user(s, "officer", communities=[a, b], officer_id=off_b.id),
        "grid_worker": f.user(s, "grid_worker", communities=[a]),
    }
    actors = {k: f.actor(s, u) for k, u in users.items()}
    return RosterWorld(a=a, b=b, far=far, grids_a=grids_a, grid_b=grid_b, response=response,
                       patrol=patrol, members=members, unit=unit, **actors)
