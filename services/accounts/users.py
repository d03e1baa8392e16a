"""Managing accounts: list, create, reset password, enable/disable, unlock, change role and
scope (admin or CLI)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Community, Officer, Station, User, UserCommunity
from services.accounts.auth import end_all_sessions, hash_password
from services.accounts.passwords import check_password_policy
from services.core import audit
from services.core.actor import Actor, Perm, Role, require
from services.core.concurrency import last_change
from services.core.errors import Conflict, Invalid, NotFound
from services.core.text import clean_text
from services.leads import communities_reached, dispatch_waiting

SYSTEM = Actor(user_id=0, username="system", display_name="system", role=Role.ADMIN,
               scope_kind="district", community_ids=None)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
_FIELDS = ["username", "display_name", "role", "scope_kind", "station_id", "active"]
_MARKUP = set("<>[]`*_#|\\~")
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud over the phone


def one_time_password() -> str:
    """A random password to hand over once, e.g. k7m2-p9xq-4tzw (about 59 bits)."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    scope_kind: str
    active: bool
    locked: bool
    must_change_password: bool
    last_sign_in_at: datetime | None


def list_users(session: Session, *, actor: Actor) -> list[UserView]:
    require(actor, Perm.MANAGE_USERS)
    now = utcnow()
    rows = session.scalars(select(User).order_by(User.username)).all()
    return [
        UserView(u.id, u.username, u.display_name, u.role, u.scope_kind, u.active,
                 bool(u.locked_until and u.locked_until > now), u.must_change_password,
                 u.last_sign_in_at)
        for u in rows
    ]


@dataclass(frozen=True)
class ScopeChoices:
    stations: list[tuple[int, str]]
    communities: list[tuple[int, str]]
    officers: list[tuple[int, str]]


def scope_choices(session: Session, *, actor: Actor) -> ScopeChoices:
    """Stations, communities and officers an admin can attach to a new account."""
    require(actor, Perm.MANAGE_USERS)
    def pairs(model: Any) -> list[tuple[int, str]]:
        return [(i, n) for i, n in session.execute(select(model.id, model.name).order_by(model.id))]

    return ScopeChoices(pairs(Station), pairs(Community), pairs(Officer))


def create_user(
    session: Session, *, actor: Actor, username: str, display_name: str, role: str,
    password: str, scope_kind: str = "district", station_id: int | None = None,
    community_ids: list[int] | None = None, officer_id: int | None = None,
    member_id: int | None = None, must_change_password: bool = False,
) -> int:
    require(actor, Perm.MANAGE_USERS)
    name = (username or "").strip().lower()
    errors: dict[str, str] = {}
    if not _USERNAME.match(name):
        errors["username"] = "users.bad_username"
    if role not in {r.value for r in Role}:
        errors["role"] = "users.bad_role"
    problem = check_password_policy(password, username=name)
    if problem:
        errors["password"] = problem
    errors.update(_scope_errors(session, scope_kind, station_id, community_ids or []))
    if officer_id is not None and session.get(Officer, officer_id) is None:
        errors["officer"] = "users.bad_officer"
    try:
        display = clean_text(display_name, field="display_name", max_len=64)
        if _MARKUP & set(display):  # names show in titles: no markdown or HTML in them
            errors["display_name"] = "users.bad_display_name"
    except Invalid as exc:
        errors.update(exc.fields)
        display = ""
    if errors:
        raise Invalid(errors, max=64)
    if session.scalar(select(func.count()).where(func.lower(User.username) == name)):
        raise Invalid({"username": "users.exists"})
    user = User(username=name, display_name=display, password_hash=hash_password(password),
                role=role, scope_kind=scope_kind, station_id=station_id, officer_id=officer_id,
                member_id=member_id, must_change_password=must_change_password)
    session.add(user)
    session.flush()
    for cid in sorted(set(community_ids or [])):
        session.add(UserCommunity(user_id=user.id, community_id=cid))
    audit.record(session, actor=actor, action="user.create", entity="user", entity_id=user.id,
                 after={**audit.snapshot(user, _FIELDS), "community_ids": community_ids or []})
    return user.id


def _scope_errors(
    session: Session, scope_kind: str, station_id: int | None, community_ids: list[int]
) -> dict[str, str]:
    if scope_kind == "district":
        return {}
    if scope_kind == "station":
        found_station = station_id and session.get(Station, station_id)
        return {} if found_station else {"scope": "users.bad_scope"}
    if scope_kind == "communities" and community_ids:
        found = session.scalar(
            select(func.count()).select_from(Community).where(Community.id.in_(community_ids))
        )
        return {} if found == len(set(community_ids)) else {"scope": "users.bad_scope"}
    return {"scope": "users.bad_scope"}


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise NotFound()
    return user


def reset_password(session: Session, *, actor: Actor, username: str,
                   password: str | None = None) -> str:
    """Set a one-time password that must be changed at the next sign-in; returns it."""
    require(actor, Perm.MANAGE_USERS)
    user = _user(session, username)
    one_time = password or one_time_password()
    problem = check_password_policy(one_time, username=user.username)
    if problem:
        raise Invalid({"password": problem})
    user.password_hash = hash_password(one_time)
    user.must_change_password = True
    user.locked_until, user.failed_sign_ins = None, 0  # a reset also ends a lockout
    user.version += 1
    end_all_sessions(session, user.id, "password_reset")
    audit.record(session, actor=actor, action="user.password_reset", entity="user",
                 entity_id=user.id, after={"must_change_password": True})
    return one_time


def set_active(session: Session, *, actor: Actor, username: str, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions everywhere at once."""
    require(actor, Perm.MANAGE_USERS)
    user = _user(session, username)
    if not active and actor.user_id != SYSTEM.user_id:  # the CLI operator can always recover
        if user.id == actor.user_id:
            raise Invalid({"user": "users.not_yourself"})
        if user.role == Role.ADMIN and user.active and _active_admins(session) <= 1:
            raise Invalid({"user": "users.last_admin"})
    before = user.active
    user.active = active
    user.version += 1
    if not active:
        end_all_sessions(session, user.id, "disabled")
    audit.record(session, actor=actor, action="user.enable" if active else "user.disable",
                 entity="user", entity_id=user.id, before={"active": before},
                 after={"active": active})
    if active and not before:  # a station's duty supervisor back: the leads waiting for nobody
        dispatch_waiting(session, actor=actor,
                         community_ids=communities_reached(session, user_id=user.id))


# The scopes each role may have: an administrator sees the whole district; the command
# centre, a station's leadership and a wall screen a station or the district; a community
# officer and a grid worker their communities.
ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("district",), Role.SUPERVISOR: ("station", "district"),
    Role.DISPLAY: ("station", "district"), Role.OFFICER: ("communities",),
    Role.GRID_WORKER: ("communities",),
}


@dataclass(frozen=True)
class Access:
    """An account's role and scope as the access form shows them (and the version shown)."""

    username: str
    role: str
    scope_kind: str
    station_id: int | None
    community_ids: tuple[int, ...]
    version: int


def access_of(session: Session, *, actor: Actor, username: str) -> Access:
    require(actor, Perm.MANAGE_USERS)
    user = _user(session, username)
    ids = session.scalars(select(UserCommunity.community_id)
                          .where(UserCommunity.user_id == user.id)
                          .order_by(UserCommunity.community_id))
    return Access(user.username, user.role, user.scope_kind, user.station_id, tuple(ids),
                  user.version)


def check_access(session: Session, *, actor: Actor, username: str, role: str,
                 scope_kind: str, station_id: int | None = None,
                 community_ids: list[int] | None = None) -> User:
    """Raise Invalid (each message under its field) unless the change may be made: a known
    role, a scope that role may have and that is complete, not the admin's own account, not
    the last active admin demoted, and something actually changes. Writes nothing."""
    require(actor, Perm.MANAGE_USERS)
    user = _user(session, username)
    if user.id == actor.user_id and actor.user_id != SYSTEM.user_id:
        raise Invalid({"role": "users.access_not_yourself"})  # another admin does it
    errors = {} if role in {r.value for r in Role} else {"role": "users.bad_role"}
    if not errors and scope_kind not in ROLE_SCOPES[role]:
        errors["scope"] = "users.scope_not_for_role"
    else:
        errors.update(_scope_errors(session, scope_kind, station_id, community_ids or []))
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active \
            and _active_admins(session) <= 1:
        errors["role"] = "users.last_admin_demoted"
    if errors:
        raise Invalid(errors)
    now = access_of(session, actor=actor, username=username)
    if (now.role, now.scope_kind, now.station_id if scope_kind == "station" else None,
            now.community_ids if scope_kind == "communities" else ()) == (
            role, scope_kind, station_id if scope_kind == "station" else None,
            tuple(sorted(set(community_ids or []))) if scope_kind == "communities" else ()):
        raise Invalid(key="users.access_unchanged")
    return user


def change_access(session: Session, *, actor: Actor, username: str, role: str,
                  scope_kind: str, station_id: int | None = None,
                  community_ids: list[int] | None = None,
                  shown_version: int | None = None) -> None:
    """Change an account's role or scope. Every session of the account ends (old cookies
    die with the old rights); the user signs in again and gets a new token. With
    `shown_version`, a change saved meanwhile by someone else is a Conflict naming them."""
    user = check_access(session, actor=actor, username=username, role=role,
                        scope_kind=scope_kind, station_id=station_id,
                        community_ids=community_ids)
    if shown_version is not None and user.version != shown_version:
        who, when = last_change(session, "user", user.id)
        raise Conflict(who=who, when=when)
    old = set(session.scalars(select(UserCommunity.community_id)
                              .where(UserCommunity.user_id == user.id)))
    before = {**audit.snapshot(user, _FIELDS), "community_ids": sorted(old)}
    new = set(community_ids or []) if scope_kind == "communities" else set()
    user.role, user.scope_kind = role, scope_kind
    user.station_id = station_id if scope_kind == "station" else None
    for cid in old - new:
        session.execute(delete(UserCommunity).where(UserCommunity.user_id == user.id,
                                                    UserCommunity.community_id == cid))
    session.add_all(UserCommunity(user_id=user.id, community_id=c) for c in sorted(new - old))
    user.version += 1
    ended = end_all_sessions(session, user.id, "access_changed")
    audit.record(session, actor=actor, action="user.access_changed", entity="user",
                 entity_id=user.id, before=before,
                 after={**audit.snapshot(user, _FIELDS), "community_ids": sorted(new),
                        "sessions_ended": ended})


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN.value, User.active.is_(True))) or 0


def unlock(session: Session, *, actor: Actor, username: str) -> None:
    """End a lockout early: the failures before this moment no longer count."""
    require(actor, Perm.MANAGE_USERS)
    user = _user(session, username)
    before = user.locked_until
    user.locked_until, user.failed_sign_ins = None, 0
    audit.record(session, actor=actor, action="user.unlock", entity="user", entity_id=user.id,
                 before={"locked_until": before}, after={"locked_until": None})
