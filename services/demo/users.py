"""Accounts: the four demo logins, one per officer and one duty supervisor per station."""

from __future__ import annotations

import secrets
from functools import lru_cache

from db.models import Station, User, UserCommunity
from services.accounts import hash_password
from services.demo import roster
from services.demo.world import World
from services.demo.writer import Writer

DEMO_PASSWORD = "pingan-demo"  # noqa: S105 - the published demo password, shown on the sign-in page


@lru_cache(maxsize=1)
def _hashes() -> tuple[str, str]:
    """The demo password's hash, and one hash of a random secret for every other account.

    bcrypt is slow on purpose, so each is computed once (per process) and reused.
    """
    return hash_password(DEMO_PASSWORD), hash_password(secrets.token_urlsafe(32))


def write_users(w: Writer, world: World) -> int:
    """Every account, its community scope and the stations' duty supervisors; returns how many."""
    demo_hash, locked_hash = _hashes()
    sl = world.shuanglin
    sl_officer = world.community_officer[sl]
    grid_member = roster.grid_workers(world, sl)[0]
    rows: list[dict] = [
        _user("admin", "系统管理员", demo_hash, "admin", "district"),
        _user("commander", "指挥中心值班长", demo_hash, "supervisor", "district"),
        _user("officer", world.officer_names[sl_officer], demo_hash, "officer", "communities",
              officer_id=world.officer_ids[sl_officer]),
        _user("grid", world.members.name[grid_member], demo_hash, "grid_worker", "communities",
              member_id=world.members.ids[grid_member]),
    ]
    scopes: list[list[int]] = [[], [], world.officer_communities[sl_officer], [sl]]
    officer_row: dict[int, int] = {sl_officer: 2}
    for k, officer_id in enumerate(world.officer_ids):
        if k == sl_officer:
            continue
        officer_row[k] = len(rows)
        rows.append(_user(f"o{world.officer_badges[k]}", world.officer_names[k], locked_hash,
                          "officer", "communities", officer_id=officer_id))
        scopes.append(world.officer_communities[k])
    duty_rows = []
    for i, station_id in enumerate(world.station_ids):
        duty_rows.append(len(rows))
        short = world.layout.subs[i].name.removesuffix("街道").removesuffix("镇")
        rows.append(_user(f"duty{i + 1}", f"{short}派出所值班所长", locked_hash,
                          "supervisor", "station", station_id=station_id))
        scopes.append([])
    ids = w.ids(User, len(rows))
    w.insert(User, [{**r, "id": i} for r, i in zip(rows, ids, strict=True)])
    w.insert(UserCommunity, [
        {"user_id": ids[r], "community_id": world.community_ids[c]}
        for r, cs in enumerate(scopes) for c in cs])
    world.logins = {r["username"]: ids[n] for n, r in enumerate(rows[:4])}
    world.grid_login_member = grid_member
    world.officer_user_ids = [ids[officer_row[k]] for k in range(len(world.officer_ids))]
    world.duty_user_ids = [ids[r] for r in duty_rows]
    w.update(Station, "duty_supervisor_id", zip(world.station_ids, world.duty_user_ids,
                                                strict=True))
    return len(rows)


def _user(username: str, display: str, password_hash: str, role: str, scope: str,
          **links: int) -> dict:
    return {"username": username, "display_name": display, "password_hash": password_hash,
            "role": role, "scope_kind": scope, "station_id": links.get("station_id"),
            "officer_id": links.get("officer_id"), "member_id": links.get("member_id"),
            "language": "zh", "active": True, "must_change_password": False}

