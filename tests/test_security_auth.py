"""Sign-in security: lockout across app servers, unknown users indistinguishable, sessions end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session

from db.base import utcnow
from db.engine import make_engine, session_scope
from db.models import AuditLog, AuthSession, SignInAttempt, User
from services.accounts import auth, passwords, users
from services.core.errors import AuthFailed, Invalid, Locked
from tests import factories as f
from tests.conftest import PG_URL

WRONG = "not the password"


def _try(engine: Engine, name: str, password: str, now=None):  # type: ignore[no-untyped-def]
    """One sign-in in its own committed transaction, as the sign-in form does it."""
    with session_scope(engine, write=True) as s:  # committed even when refused, like the form
        try:
            return auth.sign_in(s, username=name, password=password, now=now)
        except (AuthFailed, Locked) as exc:
            return exc


@pytest.fixture
def twin(engine: Engine) -> Iterator[Engine]:
    """A second engine on the same database: another app server."""
    if engine.dialect.name == "sqlite":
        other = make_engine(engine.url.render_as_string(hide_password=False))
    else:
        with engine.connect() as conn:
            path = conn.scalar(text("SHOW search_path"))
        assert PG_URL
        other = make_engine(PG_URL, connect_args={"options": f"-csearch_path={path}"})
    yield other
    other.dispose()


def _people(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        f.user(s, "officer", username="sun")
        f.user(s, "officer", username="off", active=False)


def test_lockout_holds_across_two_app_servers(engine: Engine, twin: Engine) -> None:
    _people(engine)
    t0 = utcnow() - timedelta(minutes=5)
    servers = [engine, twin, engine, twin, engine]
    for i, server in enumerate(servers):
        assert type(_try(server, "sun", WRONG, t0 + timedelta(seconds=i))) is AuthFailed
    # the sixth attempt, on either server, with the right password too: locked
    assert type(_try(twin, "sun", f.PASSWORD)) is Locked
    assert type(_try(engine, "sun", f.PASSWORD)) is Locked
    with session_scope(twin) as s:
        assert s.scalar(select(User.locked_until).where(User.username == "sun")) is not None


def test_unknown_and_disabled_names_lock_exactly_like_real_ones(engine: Engine) -> None:
    _people(engine)
    for name in ("sun", "ghost", "off"):
        answers = [type(_try(engine, name, WRONG)).__name__ for _ in range(6)]
        assert answers == ["AuthFailed"] * 5 + ["Locked"], name


def test_the_same_work_is_done_for_unknown_disabled_and_real_users(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No timing assertion: the same bcrypt calls and the same number of SQL statements."""
    _people(engine)
    real_check = bcrypt.checkpw
    calls: list[bytes] = []

    def counting(password: bytes, hashed: bytes) -> bool:
        calls.append(hashed[:7])
        return real_check(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda *a: statements.append(a[2].split()[0].upper()))
    work = {}
    for name, password in (("sun", WRONG), ("ghost", WRONG), ("off", f.PASSWORD),
                           ("ghost", "x" * 80), ("sun", "x" * 80)):
        calls.clear()
        statements.clear()
        assert type(_try(engine, name, password)) is AuthFailed
        work[(name, len(password))] = (len(calls), tuple(s for s in statements if s != "SELECT"),
                                       len(statements))
    assert len(set(work.values())) == 1, work
    assert next(iter(work.values()))[0] == 1  # exactly one bcrypt check, always
    # the dummy hash costs what a real one costs
    assert auth._DUMMY_HASH.startswith(f"$2b${auth.BCRYPT_ROUNDS:02d}$")


def test_attempts_while_locked_do_not_prolong_the_lock(engine: Engine) -> None:
    _people(engine)
    t0 = utcnow() - timedelta(minutes=40)
    for i in range(5):
        _try(engine, "sun", WRONG, t0 + timedelta(minutes=i))
    for i in range(10):  # hammering during the lock
        assert type(_try(engine, "sun", WRONG, t0 + timedelta(minutes=5, seconds=i))) is Locked
    assert isinstance(_try(engine, "sun", f.PASSWORD, t0 + timedelta(minutes=19, seconds=1)),
                      auth.SignIn)


def test_admin_unlock_and_reset_end_a_lockout_and_forget_the_failures(engine: Engine) -> None:
    _people(engine)
    with session_scope(engine, write=True) as s:
        admin = f.actor(s, f.user(s, "admin", username="chief"))
    for _ in range(5):
        _try(engine, "sun", WRONG)
    assert type(_try(engine, "sun", f.PASSWORD)) is Locked
    with session_scope(engine, write=True) as s:
        users.unlock(s, actor=admin, username="sun")
    assert type(_try(engine, "sun", WRONG)) is AuthFailed  # old failures no longer count
    assert isinstance(_try(engine, "sun", f.PASSWORD), auth.SignIn)
    for _ in range(6):
        _try(engine, "sun", WRONG)
    with session_scope(engine, write=True) as s:
        one_time = users.reset_password(s, actor=admin, username="sun")
    result = _try(engine, "sun", one_time)
    assert isinstance(result, auth.SignIn) and result.must_change_password


def test_disabling_a_user_or_resetting_ends_every_session_at_once(engine: Engine) -> None:
    _people(engine)
    with session_scope(engine, write=True) as s:
        admin = f.actor(s, f.user(s, "admin", username="chief"))
    tokens = [_try(engine, "sun", f.PASSWORD).token for _ in range(3)]
    with session_scope(engine, write=True) as s:
        users.set_active(s, actor=admin, username="sun", active=False)
    with session_scope(engine, write=True) as s:
        assert [auth.resume(s, token=t, idle_minutes=30) for t in tokens] == [None] * 3
        reasons = set(s.scalars(select(AuthSession.end_reason)))
    assert reasons == {"disabled"}
    with session_scope(engine, write=True) as s:
        users.set_active(s, actor=admin, username="sun", active=True)
    token = _try(engine, "sun", f.PASSWORD).token
    with session_scope(engine, write=True) as s:
        users.reset_password(s, actor=admin, username="sun")
        assert auth.resume(s, token=token, idle_minutes=30) is None


def test_session_tokens_are_stored_only_as_hashes(engine: Engine) -> None:
    _people(engine)
    token = _try(engine, "sun", f.PASSWORD).token
    with session_scope(engine) as s:
        stored = s.scalars(select(AuthSession.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64


def test_refreshes_do_not_count_as_activity_but_clicks_do(session: Session) -> None:
    f.user(session, "officer", username="zhou")
    t0 = utcnow()
    token = auth.sign_in(session, username="zhou", password=f.PASSWORD, now=t0).token
    for minute in range(5, 30, 5):  # a live page refreshing itself every 5 minutes
        assert auth.resume(session, token=token, idle_minutes=30, activity=False,
                           now=t0 + timedelta(minutes=minute))
    assert auth.resume(session, token=token, idle_minutes=30, activity=False,
                       now=t0 + timedelta(minutes=31)) is None
    other = auth.sign_in(session, username="zhou", password=f.PASSWORD, now=t0).token
    for minute in range(20, 200, 20):  # a user clicking every 20 minutes stays signed in
        assert auth.resume(session, token=other, idle_minutes=30,
                           now=t0 + timedelta(minutes=minute))


def test_a_short_idle_limit_writes_activity_often_enough(session: Session) -> None:
    f.user(session, "officer", username="qin")
    t0 = utcnow()
    token = auth.sign_in(session, username="qin", password=f.PASSWORD, now=t0).token
    for second in range(2, 30, 2):  # idle limit 3 s, a click every 2 s
        assert auth.resume(session, token=token, idle_minutes=0.05,
                           now=t0 + timedelta(seconds=second)), second


@pytest.mark.parametrize("name", ["li\x00", "\x00", "li\u202e", "li\x1b[31m", "", " " * 80,
                                  "😀" * 70, "' OR 1=1 --"])
def test_strange_usernames_are_answered_without_errors(engine: Engine, name: str) -> None:
    _people(engine)
    assert type(_try(engine, name, WRONG)) is AuthFailed
    with session_scope(engine) as s:
        stored = s.scalars(select(SignInAttempt.username)).all()
    assert all("\x00" not in u and len(u) <= 64 for u in stored)


def test_password_policy_length_list_and_no_composition_rules() -> None:
    check = passwords.check_password_policy
    assert len(passwords.common_passwords()) >= 5000
    assert check("short12") == "password.too_short"
    assert check("x" * 65) == "password.too_long"
    assert check("密" * 25) == "password.too_many_bytes"
    for common in ("password123", "qwertyuiop", "woaini1314", "1qaz2wsx", "88888888",
                   "Iloveyou2024", "pingan-demo"):
        assert check(common) == "password.common", common
    assert check("zhangsan01", username="zhangsan01") == "password.common"
    for fine in ("correct horse battery", "所有的警察都很棒哦", "lowercaseonly words",
                 "12345 walked home", "a" + "b" * 63):
        assert check(fine) is None, fine


def test_changing_ones_password_asks_for_the_current_and_refuses_the_same(session: Session) -> None:
    f.user(session, "officer", username="wei")
    result = auth.sign_in(session, username="wei", password=f.PASSWORD)
    with pytest.raises(Invalid) as same:
        auth.change_own_password(session, actor=result.actor, current=f.PASSWORD,
                                 new=f.PASSWORD)
    assert same.value.fields == {"new": "password.same_as_current"}
    with pytest.raises(Invalid) as wrong:
        auth.change_own_password(session, actor=result.actor, current=WRONG, new="new pass 42")
    assert wrong.value.fields == {"current": "auth.current_wrong"}
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_attempts_older_than_90_days_are_purged_at_the_next_successful_sign_in(
    engine: Engine,
) -> None:
    _people(engine)
    now = utcnow()
    with session_scope(engine, write=True) as s:
        for days in (400, 120, 91):  # forgotten
            s.add(SignInAttempt(username="sun", at=now - timedelta(days=days), success=False))
        s.add(SignInAttempt(username="sun", at=now - timedelta(days=89), success=True))  # kept
    for i in range(3):  # recent failures: kept, they still count towards a lockout
        assert type(_try(engine, "sun", WRONG, now - timedelta(minutes=3 - i))) is AuthFailed
    with session_scope(engine) as s:  # failures alone purge nothing
        assert s.scalar(select(func.count()).select_from(SignInAttempt)) == 7
    assert isinstance(_try(engine, "sun", f.PASSWORD, now), auth.SignIn)
    with session_scope(engine) as s:
        ages = sorted((now - at).days for at in s.scalars(select(SignInAttempt.at)))
        assert ages == [0, 0, 0, 0, 89]
        purges = s.execute(select(AuditLog.actor_name, AuditLog.after).where(
            AuditLog.action == "auth.attempts_purged")).all()
        assert [(who, after["purged"]) for who, after in purges] == [("system", 3)]
    assert isinstance(_try(engine, "sun", f.PASSWORD, now), auth.SignIn)
    with session_scope(engine) as s:  # nothing more to purge: no second entry
        assert s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "auth.attempts_purged")) == 1
