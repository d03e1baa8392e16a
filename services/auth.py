"""Accounts and sign-in: password hashing, lockout, server-side sessions, scopes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import AuthSession, Community, SignInAttempt, User, UserCommunity
from services import audit
from services.actor import Actor, Perm, Role, require
from services.errors import AuthFailed, Invalid, Locked, NotFound
from services.passwords import check_password_policy

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
ACTIVITY_WRITE_EVERY = timedelta(seconds=30)
# Compared against when the user does not exist, so that answer time does not tell.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds=12)).decode()
BCRYPT_ROUNDS = 12


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()


def _check(password: str, hashed: str) -> bool:
    raw = password.encode()
    if len(raw) > 72:  # bcrypt refuses more; the policy keeps new passwords shorter
        return False
    try:
        return bcrypt.checkpw(raw, hashed.encode())
    except ValueError:
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_for(session: Session, user: User, session_id: int | None = None) -> Actor:
    """Resolve the user's role and scope to an Actor."""
    communities: frozenset[int] | None
    if user.scope_kind == "district":
        communities = None
    elif user.scope_kind == "station":
        communities = frozenset(
            session.scalars(select(Community.id).where(Community.station_id == user.station_id))
        )
    else:
        communities = frozenset(
            session.scalars(
                select(UserCommunity.community_id).where(UserCommunity.user_id == user.id)
            )
        )
    return Actor(
        user_id=user.id, username=user.username, display_name=user.display_name,
        role=Role(user.role), scope_kind=user.scope_kind, community_ids=communities,
        station_id=user.station_id, officer_id=user.officer_id, member_id=user.member_id,
        language=user.language, session_id=session_id,
    )


@dataclass(frozen=True)
class SignIn:
    actor: Actor
    token: str
    must_change_password: bool


def sign_in(
    session: Session, *, username: str, password: str, settings_hours: float = 12.0,
    now: datetime | None = None,
) -> SignIn:
    """Check the password, apply lockout, and open a server-side session.

    Raises AuthFailed for a wrong password, unknown or disabled user alike, and Locked
    while the account is locked (a locked account never reveals whether the password was
    right). Attempts are recorded in the caller's transaction, which must be committed
    even when this raises: use `record_and_raise` semantics via the returned error.
    """
    now = now or utcnow()
    name = username.strip().lower()[:64]
    user = session.scalar(select(User).where(func.lower(User.username) == name))
    ok = _check(password, user.password_hash if user else _DUMMY_HASH)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _attempt(session, name, False, now)
        raise Locked(until=user.locked_until)
    if user is None or not user.active or not ok:
        _attempt(session, name, False, now)
        if user is not None:
            _maybe_lock(session, user, now)
        audit.record(session, actor=None, actor_name=name, action="auth.sign_in_failed")
        raise AuthFailed()
    _attempt(session, name, True, now)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    token = secrets.token_urlsafe(32)
    row = AuthSession(
        token_hash=_token_hash(token), user_id=user.id, created_at=now, last_active_at=now,
        expires_at=now + timedelta(hours=settings_hours),
    )
    session.add(row)
    session.flush()
    actor = actor_for(session, user, row.id)
    audit.record(session, actor=actor, action="auth.sign_in", entity="user", entity_id=user.id)
    return SignIn(actor, token, user.must_change_password)


def _attempt(session: Session, username: str, success: bool, now: datetime) -> None:
    session.add(SignInAttempt(username=username, at=now, success=success))
    session.flush()


def _maybe_lock(session: Session, user: User, now: datetime) -> None:
    since = now - FAILURE_WINDOW
    last_ok = session.scalar(
        select(func.max(SignInAttempt.at)).where(
            func.lower(SignInAttempt.username) == user.username.lower(),
            SignInAttempt.success.is_(True),
        )
    )
    if last_ok is not None and last_ok > since:
        since = last_ok
    failures = session.scalar(
        select(func.count()).where(
            func.lower(SignInAttempt.username) == user.username.lower(),
            SignInAttempt.success.is_(False),
            SignInAttempt.at > since,
        )
    ) or 0
    user.failed_sign_ins = failures
    if failures >= MAX_FAILURES:
        user.locked_until = now + LOCK_FOR
        audit.record(session, actor=None, actor_name=user.username, action="auth.locked",
                     entity="user", entity_id=user.id)


def resume(
    session: Session, *, token: str, idle_minutes: float, activity: bool = True,
    now: datetime | None = None,
) -> Actor | None:
    """The actor of a live server-side session, or None (ended, idle, expired, user disabled).

    `activity=False` for automatic refreshes: they must not keep an idle session alive.
    """
    now = now or utcnow()
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == _token_hash(token)))
    if row is None or row.ended_at is not None:
        return None
    user = session.get(User, row.user_id)
    reason = None
    if user is None or not user.active:
        reason = "disabled"
    elif now >= row.expires_at:
        reason = "expired"
    elif now - row.last_active_at > timedelta(minutes=idle_minutes):
        reason = "idle"
    if reason:
        row.ended_at, row.end_reason = now, reason
        return None
    if activity and now - row.last_active_at >= ACTIVITY_WRITE_EVERY:
        row.last_active_at = now
    assert user is not None
    return actor_for(session, user, row.id)


def sign_out(session: Session, *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    if actor.session_id is not None:
        session.execute(
            update(AuthSession)
            .where(AuthSession.id == actor.session_id, AuthSession.ended_at.is_(None))
            .values(ended_at=now, end_reason="sign_out")
        )
    audit.record(session, actor=actor, action="auth.sign_out", entity="user",
                 entity_id=actor.user_id)


def end_all_sessions(session: Session, user_id: int, reason: str, keep: int | None = None) -> None:
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.ended_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    session.execute(stmt.values(ended_at=utcnow(), end_reason=reason))


def change_own_password(session: Session, *, actor: Actor, current: str, new: str) -> None:
    """The user's own change: asks for the current password; ends their other sessions."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    if not _check(current, user.password_hash):
        raise Invalid({"current": "auth.current_wrong"})
    problem = check_password_policy(new, username=user.username)
    if problem:
        raise Invalid({"new": problem})
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    user.version += 1
    end_all_sessions(session, user.id, "password_changed", keep=actor.session_id)
    audit.record(session, actor=actor, action="user.password_changed", entity="user",
                 entity_id=user.id)


def set_language(session: Session, *, actor: Actor, language: str) -> None:
    if language not in {"zh", "en"}:
        raise Invalid({"language": "error.invalid"})
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    before = user.language
    user.language = language
    audit.record(session, actor=actor, action="user.language", entity="user",
                 entity_id=user.id, before={"language": before}, after={"language": language})


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    scope_kind: str
    active: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None


def list_users(session: Session, *, actor: Actor) -> list[UserView]:
    require(actor, Perm.MANAGE_USERS)
    rows = session.scalars(select(User).order_by(User.username)).all()
    return [
        UserView(u.id, u.username, u.display_name, u.role, u.scope_kind, u.active,
                 u.locked_until, u.last_sign_in_at)
        for u in rows
    ]


def purge_old_attempts(session: Session, *, older_than_days: int = 90) -> int:
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = session.execute(delete(SignInAttempt).where(SignInAttempt.at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
