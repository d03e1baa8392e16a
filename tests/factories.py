"""Small factories with valid defaults, for arranging test data directly in the database."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Community,
    District,
    Grid,
    Member,
    Membership,
    Officer,
    PoliceOffice,
    Station,
    Subdistrict,
    Team,
    User,
    UserCommunity,
)
from services.accounts.auth import actor_for
from services.core.actor import Actor

_seq = itertools.count(1)
# One cheap hash for every factory user (bcrypt at 4 rounds), password "correct horse 42".
PASSWORD = "correct horse 42"
_HASH = "$2b$04$Lq2oTVp3X0Hc3mC3jKfHoeCq7yUc9Q6o1ivbqz6Vg5T0fK0b9c6xW"


def _hash() -> str:
    import bcrypt

    global _HASH
    if not bcrypt.checkpw(PASSWORD.encode(), _HASH.encode()):
        _HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    return _HASH


def square(lat: float, lon: float, half: float = 0.005) -> dict[str, Any]:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]
    return {"type": "Polygon", "coordinates": [ring]}


def district(s: Session) -> District:
    d = s.get(District, 1)
    if d is None:
        d = District(id=1, name="大渡口区", name_en="Dadukou", lat=29.48, lon=106.48,
                     boundary=square(29.48, 106.48, 0.1))
        s.add(d)
        s.flush()
    return d


def station(s: Session, **kw: Any) -> Station:
    n = next(_seq)
    st = Station(district_id=district(s).id, name=kw.pop("name", f"派出所{n}"),
                 lat=29.48, lon=106.48, **kw)
    s.add(st)
    s.flush()
    return st


def community(s: Session, *, station_: Station | None = None, lat: float = 29.48,
              lon: float = 106.48, **kw: Any) -> Community:
    n = next(_seq)
    st = station_ or station(s)
    sub = Subdistrict(district_id=district(s).id, name=f"街道{n}", kind="street", lat=lat, lon=lon)
    office = PoliceOffice(station_id=st.id, name=f"警务室{n}", lat=lat, lon=lon)
    s.add_all([sub, office])
    s.flush()
    c = Community(subdistrict_id=sub.id, station_id=st.id, police_office_id=office.id,
                  name=kw.pop("name", f"社区{n}"), kind=kw.pop("kind", "community"),
                  population=kw.pop("population", 5000), households=kw.pop("households", 2000),
                  lat=lat, lon=lon, boundary=square(lat, lon), **kw)
    s.add(c)
    s.flush()
    return c


def grid(s: Session, c: Community, **kw: Any) -> Grid:
    n = next(_seq)
    g = Grid(community_id=c.id, code=kw.pop("code", f"G{n:05d}"), name=kw.pop("name", f"网格{n}"),
             lat=c.lat, lon=c.lon, boundary=square(c.lat, c.lon, 0.004),
             min_lat=c.lat - 0.004, max_lat=c.lat + 0.004, min_lon=c.lon - 0.004,
             max_lon=c.lon + 0.004, **kw)
    s.add(g)
    s.flush()
    return g


def officer(s: Session, c: Community, *, assign: bool = True, **kw: Any) -> Officer:
    n = next(_seq)
    o = Officer(name=kw.pop("name", f"民警{n}"), badge_no=kw.pop("badge_no", f"B{n:06d}"),
                phone=kw.pop("phone", "13800000000"), police_office_id=c.police_office_id, **kw)
    s.add(o)
    s.flush()
    if assign:
        c.officer_id = o.id
        s.flush()
    return o


def team(s: Session, c: Community, kind: str = "grid_worker", **kw: Any) -> Team:
    n = next(_seq)
    t = Team(community_id=c.id, kind=kind, name=kw.pop("name", f"队伍{n}"), **kw)
    s.add(t)
    s.flush()
    return t


def member(s: Session, t: Team, **kw: Any) -> Member:
    n = next(_seq)
    m = Member(name=kw.pop("name", f"队员{n}"), phone=kw.pop("phone", f"139{n:08d}"), **kw)
    s.add(m)
    s.flush()
    s.add(Membership(member_id=m.id, team_id=t.id))
    s.flush()
    return m


def join(s: Session, m: Member, t: Team) -> None:
    """The person also serves in team t."""
    s.add(Membership(member_id=m.id, team_id=t.id))
    s.flush()


def team_of(s: Session, m: Member) -> int:
    """The (first) team a person serves in."""
    return int(s.scalar(select(func.min(Membership.team_id))
                        .where(Membership.member_id == m.id)) or 0)


def user(s: Session, role: str = "officer", *, communities: list[Community] | None = None,
         station_: Station | None = None, **kw: Any) -> User:
    n = next(_seq)
    scope = "district" if role in {"admin"} and not communities else kw.pop("scope_kind", None)
    if scope is None:
        scope = "communities" if communities else ("station" if station_ else "district")
    u = User(username=kw.pop("username", f"user{n}"),
             display_name=kw.pop("display_name", f"用户{n}"),
             password_hash=_hash(), role=role, scope_kind=scope,
             station_id=station_.id if station_ else None, **kw)
    s.add(u)
    s.flush()
    for c in communities or []:
        s.add(UserCommunity(user_id=u.id, community_id=c.id))
    s.flush()
    return u


def actor(s: Session, u: User) -> Actor:
    return actor_for(s, u)
