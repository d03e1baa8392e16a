"""A small district for the lead tests: two communities of one station, their people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Community, Grid, Officer, PoliceOffice, Station, Team
from services.core.actor import Actor
from tests import factories as f


@dataclass
class World:
    station: Station
    c1: Community
    c2: Community
    g1: Grid
    g2: Grid
    team1: Team
    o1: Officer
    backup: Officer
    o2: Officer
    admin: Actor
    supervisor: Actor  # station scope, the station's duty supervisor
    officer1: Actor
    officer2: Actor
    backup_officer: Actor
    grid1: Actor  # grid worker, member of team1 with grid g1
    grid2: Actor  # grid worker in c2
    district_sup: Actor
    display: Actor  # the command centre's wall screen, whole district


def build(s: Session) -> World:
    st = f.station(s)
    c1 = f.community(s, station_=st, lat=29.48, lon=106.48)
    c2 = f.community(s, station_=st, lat=29.50, lon=106.50)
    g1, g2 = f.grid(s, c1), f.grid(s, c2)
    o1, o2 = f.officer(s, c1), f.officer(s, c2)
    backup = f.officer(s, c1, assign=False)
    s.get(PoliceOffice, c1.police_office_id).backup_officer_id = backup.id  # type: ignore[union-attr]
    team1 = f.team(s, c1)
    m1 = f.member(s, team1, grid_id=g1.id)
    team2 = f.team(s, c2)
    m2 = f.member(s, team2, grid_id=g2.id)
    sup = f.user(s, "supervisor", station_=st)
    st.duty_supervisor_id = sup.id
    users = {
        "admin": f.user(s, "admin"),
        "officer1": f.user(s, "officer", communities=[c1], officer_id=o1.id),
        "officer2": f.user(s, "officer", communities=[c2], officer_id=o2.id),
        "backup_officer": f.user(s, "officer", communities=[c1], officer_id=backup.id),
        "grid1": f.user(s, "grid_worker", communities=[c1], member_id=m1.id),
        "grid2": f.user(s, "grid_worker", communities=[c2], member_id=m2.id),
        "district_sup": f.user(s, "supervisor"),
        "display": f.user(s, "display"),
    }
    s.flush()
    actors = {k: f.actor(s, u) for k, u in users.items()}
    return World(st, c1, c2, g1, g2, team1, o1, backup, o2, supervisor=f.actor(s, sup),
                 **actors)
