"""Sign-in, lockout, server-side sessions, password changes and scopes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.base import utcnow
from db.ddl import drop_audit_guard
from db.models import AuditLog, SignInAttempt
from services.accounts import auth
from services.core import audit
from services.core.errors import AuthFailed, Invalid, Locked
from tests import factories as f


def _try(session, username, password, now=None):
    try:
        return auth.sign_in(session, username=username, password=password, now=now)
    except (AuthFailed, Locked) as exc:
        return exc


def test_sign_in_opens_a_session_and_resolves_scope(session):
    c1, c2 = f.community(session), f.community(session)
    f.user(session, "officer", communities=[c1], username="li")
    result = _try(session, "LI", f.PASSWORD)
    assert isinstance(result, auth.SignIn)
    assert result.actor.community_ids == frozenset({c1.id})
    assert result.actor.in_scope(c1.id) and not result.actor.in_scope(c2.id)
    again = auth.resume(session, token=result.token, idle_minutes=30)
    assert again is not None and again.user_id == result.actor.user_id


def test_wrong_password_unknown_and_disabled_users_get_the_same_error(session):
    f.user(session, "officer", username="wang")
    f.user(session, "officer", username="zhao", active=False)
    errors = [_try(session, "wang", "nope-nope"), _try(session, "ghost", f.PASSWORD),
              _try(session, "zhao", f.PASSWORD)]
    assert all(type(e) is AuthFailed and e.key == "auth.failed" for e in errors)
    assert session.scalar(select(func.count()).select_from(SignInAttempt)) == 3


def test_five_failures_lock_for_fifteen_minutes_even_with_the_right_password(session):
    f.user(session, "officer", username="sun")
    t0 = utcnow()
    for i in range(5):
        assert isinstance(_try(session, "sun", "wrong-pass", t0 + timedelta(seconds=i)),
                          AuthFailed)
    assert isinstance(_try(session, "sun", f.PASSWORD, t0 + timedelta(minutes=1)), Locked)
    later = _try(session, "sun", f.PASSWORD, t0 + timedelta(minutes=16))
    assert isinstance(later, auth.SignIn)


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(session):
    f.user(session, "officer", username="qian")
    t0 = utcnow()
    for i in range(8):
        _try(session, "qian", "wrong-pass", t0 + timedelta(minutes=4 * i))
    assert isinstance(_try(session, "qian", f.PASSWORD, t0 + timedelta(minutes=33)),
                      auth.SignIn)


def test_sign_out_idle_and_absolute_limits_end_the_session(session):
    f.user(session, "officer", username="zhou")
    t0 = utcnow()
    a = _try(session, "zhou", f.PASSWORD, t0)
    # automatic refreshes do not count as activity: 31 idle minutes end the session
    assert auth.resume(session, token=a.token, idle_minutes=30, activity=False,
                       now=t0 + timedelta(minutes=29))
    assert auth.resume(session, token=a.token, idle_minutes=30, activity=False,
                       now=t0 + timedelta(minutes=31)) is None
    b = _try(session, "zhou", f.PASSWORD, t0)
    auth.sign_out(session, actor=b.actor)
    assert auth.resume(session, token=b.token, idle_minutes=30, now=t0) is None
    c = _try(session, "zhou", f.PASSWORD, t0)
    for h in range(1, 12):
        assert auth.resume(session, token=c.token, idle_minutes=90, now=t0 + timedelta(hours=h))
    assert auth.resume(session, token=c.token, idle_minutes=90,
                       now=t0 + timedelta(hours=12, minutes=1)) is None


def test_password_change_needs_current_password_policy_and_ends_other_sessions(session):
    f.user(session, "officer", username="wu")
    a = _try(session, "wu", f.PASSWORD)
    other = _try(session, "wu", f.PASSWORD)
    with pytest.raises(Invalid) as bad_current:
        auth.change_own_password(session, actor=a.actor, current="nope", new="a fine new one")
    assert bad_current.value.fields == {"current": "auth.current_wrong"}
    for weak, key in [("short", "password.too_short"), ("password123", "password.common"),
                      ("x" * 65, "password.too_long"), ("密" * 30, "password.too_many_bytes")]:
        with pytest.raises(Invalid) as exc:
            auth.change_own_password(session, actor=a.actor, current=f.PASSWORD, new=weak)
        assert exc.value.fields == {"new": key}
    rotated = auth.change_own_password(session, actor=a.actor, current=f.PASSWORD,
                                       new="a fine new one")
    assert auth.resume(session, token=other.token, idle_minutes=30) is None
    assert auth.resume(session, token=a.token, idle_minutes=30) is None  # rotated (issue 14)
    assert auth.resume(session, token=rotated.token, idle_minutes=30) is not None
    assert isinstance(_try(session, "wu", "a fine new one"), auth.SignIn)


def test_every_sign_in_event_is_audited_and_the_chain_verifies(session):
    f.user(session, "officer", username="zheng")
    _try(session, "zheng", "wrong-pass")
    ok = _try(session, "zheng", f.PASSWORD)
    auth.sign_out(session, actor=ok.actor)
    actions = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["auth.sign_in_failed", "auth.sign_in", "auth.sign_out"]
    assert audit.verify_chain(session) == audit.ChainReport(3, None)
    row = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()[1]
    drop_audit_guard(session.connection())  # the table is append-only: tamper as its owner
    row.actor_name = "someone-else"
    session.flush()
    assert audit.verify_chain(session).first_broken_id == row.id
