"""Sign-in: password checks, lockout counted in the database, server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import AuditLog, AuthSession, Community, SignInAttempt, User, UserCommunity
from services.accounts.passwords import check_password_policy
from services.core import audit
from services.core.actor import Actor, Role
from services.core.errors import AuthFailed, Invalid, Locked, NotFound

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
KEEP_ATTEMPTS = timedelta(days=90)  # then purged at the next successful sign-in
ACTIVITY_WRITE_EVERY = timedelta(seconds=30)
BCRYPT_ROUNDS = 12
# Compared against when the user does not exist, so that answer time does not tell.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()
_PG_SIGN_IN_LOCK = 7_411_002  # with hashtext(username): one attempt per name at a time
UNLOCKING_ACTIONS = ("user.unlock", "user.password_reset")  # failures before them do not count


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()


def _check(password: str, hashed: str) -> bool:
    raw = password.encode()
    usable = len(raw) <= 72 and b"\x00" not in raw  # bcrypt's limits; the policy keeps inside
    try:  # an unusable password still costs one bcrypt check: the answer time is the same
        return bcrypt.checkpw(raw if usable else b"-", hashed.encode()) and usable
    except ValueError:
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normal_username(username: str) -> str:
    """How a typed username is looked up and counted: no control characters, lower case."""
    cleaned = "".join(ch for ch in username if unicodedata.category(ch) != "Cc")
    return cleaned.strip().lower()[:64]


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

    Unknown, disabled and existing users take the same path: one bcrypt check, the same
    queries, the same error (AuthFailed, or Locked after five failures in 15 minutes, which
    unknown names get too). The caller commits even when this raises: the attempt counts.
    """
    now = now or utcnow()
    name = normal_username(username)
    if session.get_bind().dialect.name == "postgresql":  # app servers count one at a time
        session.execute(text("SELECT pg_advisory_xact_lock(:k, hashtext(:n))"),
                        {"k": _PG_SIGN_IN_LOCK, "n": name})
    user = session.scalar(select(User).where(func.lower(User.username) == name))
    ok = _check(password, user.password_hash if user else _DUMMY_HASH)
    locked_until = lock_state(session, name, user.id if user else None, now)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        locked_until = max(locked_until or now, user.locked_until)
    if locked_until is not None:
        audit.record(session, actor=None, actor_name=name, action="auth.sign_in_locked")
        raise Locked()
    if user is None or not user.active or not ok:
        session.add(SignInAttempt(username=name, at=now, success=False))
        session.flush()
        audit.record(session, actor=None, actor_name=name, action="auth.sign_in_failed")
        if lock_state(session, name, user.id if user else None, now) is not None:
            _note_lock(session, name, user, now)
        raise AuthFailed()
    session.add(SignInAttempt(username=name, at=now, success=True))
    _purge_old_attempts(session, now)
    user.failed_sign_ins, user.locked_until, user.last_sign_in_at = 0, None, now
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


def lock_state(session: Session, name: str, user_id: int | None, now: datetime) -> datetime | None:
    """Until when `name` is locked, or None: five failures within 15 minutes since the last
    success or admin unlock lock it for 15 minutes from the fifth. Attempts made while
    locked are not counted (so they do not prolong the lock), only audited."""
    last_ok = session.scalar(select(func.max(SignInAttempt.at)).where(
        SignInAttempt.username == name, SignInAttempt.success.is_(True)))
    unlocked = session.scalar(select(func.max(AuditLog.at)).where(
        AuditLog.action.in_(UNLOCKING_ACTIONS), AuditLog.entity == "user",
        AuditLog.entity_id == str(user_id or "")))
    since = max((t for t in (last_ok, unlocked, now - FAILURE_WINDOW - LOCK_FOR) if t),
                default=now)
    failures = session.scalars(
        select(SignInAttempt.at).where(
            SignInAttempt.username == name, SignInAttempt.success.is_(False),
            SignInAttempt.at > since, SignInAttempt.at <= now,
        ).order_by(SignInAttempt.at.desc()).limit(MAX_FAILURES)
    ).all()
    if len(failures) < MAX_FAILURES or failures[0] - failures[-1] >= FAILURE_WINDOW:
        return None
    until = failures[0] + LOCK_FOR
    return until if now < until else None


def _note_lock(session: Session, name: str, user: User | None, now: datetime) -> None:
    if user is not None:  # shown to the admin in the user list
        user.locked_until, user.failed_sign_ins = now + LOCK_FOR, MAX_FAILURES
    audit.record(session, actor=None, actor_name=name, action="auth.locked",
                 entity="user" if user else "", entity_id=user.id if user else "")


@dataclass(frozen=True)
class SessionCheck:
    """What one page run learns about its server-side session (read-only check)."""

    actor: Actor | None
    session_id: int | None = None
    must_change_password: bool = False
    end_reason: str | None = None  # the session must be ended now, for this reason
    touch_due: bool = False  # activity to be written (at most every ACTIVITY_WRITE_EVERY)


def check_session(
    session: Session, *, token: str, idle_minutes: float, activity: bool = True,
    now: datetime | None = None,
) -> SessionCheck:
    """Is the session named by `token` alive? Reads only; the caller writes the outcome."""
    now = now or utcnow()
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == _token_hash(token)))
    if row is None or row.ended_at is not None:
        return SessionCheck(None)
    user = session.get(User, row.user_id)
    reason = None
    if user is None or not user.active:
        reason = "disabled"
    elif now >= row.expires_at:
        reason = "expired"
    elif (now - row.last_active_at > timedelta(minutes=idle_minutes)
          and user.role != Role.DISPLAY):  # a wall screen is never touched, yet watched
        reason = "idle"
    if reason or user is None:
        return SessionCheck(None, row.id, end_reason=reason or "disabled")
    every = min(ACTIVITY_WRITE_EVERY, timedelta(minutes=idle_minutes) / 4)
    touch = activity and now - row.last_active_at >= every
    return SessionCheck(actor_for(session, user, row.id), row.id, user.must_change_password,
                        touch_due=touch)


def end_session(session: Session, *, session_id: int, reason: str,
                now: datetime | None = None) -> None:
    session.execute(
        update(AuthSession).where(AuthSession.id == session_id, AuthSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
    )


def touch_session(session: Session, *, session_id: int, now: datetime | None = None) -> None:
    session.execute(update(AuthSession).where(AuthSession.id == session_id)
                    .values(last_active_at=now or utcnow()))


def resume(
    session: Session, *, token: str, idle_minutes: float, activity: bool = True,
    now: datetime | None = None,
) -> Actor | None:
    """check_session and its outcome in one (writing) transaction; the actor or None.

    `activity=False` for automatic refreshes: they must not keep an idle session alive.
    """
    now = now or utcnow()
    check = check_session(session, token=token, idle_minutes=idle_minutes,
                          activity=activity, now=now)
    if check.end_reason and check.session_id is not None:
        end_session(session, session_id=check.session_id, reason=check.end_reason, now=now)
    elif check.touch_due and check.session_id is not None:
        touch_session(session, session_id=check.session_id, now=now)
    return check.actor


def sign_out(session: Session, *, actor: Actor, now: datetime | None = None) -> None:
    if actor.session_id is not None:
        end_session(session, session_id=actor.session_id, reason="sign_out", now=now)
    audit.record(session, actor=actor, action="auth.sign_out", entity="user",
                 entity_id=actor.user_id)


def end_all_sessions(session: Session, user_id: int, reason: str, keep: int | None = None) -> int:
    """End every live session of the user (but `keep`); returns how many ended."""
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.ended_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    result = session.execute(stmt.values(ended_at=utcnow(), end_reason=reason))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def end_every_session(session: Session, *, reason: str) -> int:
    """End every live session of every user (after a restore: old cookies must not return)."""
    result = session.execute(update(AuthSession).where(AuthSession.ended_at.is_(None))
                             .values(ended_at=utcnow(), end_reason=reason))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def sign_out_elsewhere(session: Session, *, actor: Actor) -> int:
    """End the user's sessions on other devices; this one stays."""
    ended = end_all_sessions(session, actor.user_id, "sign_out_elsewhere", keep=actor.session_id)
    audit.record(session, actor=actor, action="auth.sign_out_elsewhere", entity="user",
                 entity_id=actor.user_id, after={"sessions_ended": ended})
    return ended


def open_session(session: Session, user: User, *, expires_at: datetime,
                 now: datetime | None = None) -> SignIn:
    """A new server-side session and its token (only the token's SHA-256 is kept)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = AuthSession(token_hash=_token_hash(token), user_id=user.id, created_at=now,
                      last_active_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    return SignIn(actor_for(session, user, row.id), token, user.must_change_password)


def rotate_session(session: Session, *, actor: Actor, reason: str) -> SignIn:
    """End the actor's current session and open a new one with a new token, keeping the
    sign-in's absolute limit: a copy of the old cookie is dead from now on."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    now = utcnow()
    old = session.get(AuthSession, actor.session_id) if actor.session_id else None
    expires = old.expires_at if old is not None else now + timedelta(hours=12)
    if old is not None:
        end_session(session, session_id=old.id, reason=f"rotated_{reason}"[:24], now=now)
    return open_session(session, user, expires_at=expires, now=now)


def change_own_password(session: Session, *, actor: Actor, current: str,
                        new: str) -> SignIn:
    """The user's own change: asks for the current password; ends every session of theirs,
    this one included, and opens a new one: the caller must hand its token to the browser."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    if not _check(current, user.password_hash):
        raise Invalid({"current": "auth.current_wrong"})
    problem = check_password_policy(new, username=user.username)
    if problem is None and _check(new, user.password_hash):
        problem = "password.same_as_current"
    if problem:
        raise Invalid({"new": problem})
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    user.version += 1
    end_all_sessions(session, user.id, "password_changed", keep=actor.session_id)
    rotated = rotate_session(session, actor=actor, reason="password_changed")
    audit.record(session, actor=actor, action="user.password_changed", entity="user",
                 entity_id=user.id, after={"session_rotated": True})
    return rotated


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


def _purge_old_attempts(session: Session, now: datetime) -> int:
    """Forget sign-in attempts older than KEEP_ATTEMPTS; run with every successful sign-in.

    Lockout looks back 30 minutes and every attempt is also in the audit trail, so older rows
    serve nothing and would only grow the table. With the index on `at`, finding nothing to
    delete is one index probe; the purge itself is audited with its count.
    """
    cutoff = now - KEEP_ATTEMPTS
    result = session.execute(delete(SignInAttempt).where(SignInAttempt.at < cutoff))
    purged = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if purged:
        audit.record(session, actor=None, actor_name="system", action="auth.attempts_purged",
                     entity="sign_in_attempt",
                     after={"purged": purged, "before": cutoff.isoformat()})
    return purged
