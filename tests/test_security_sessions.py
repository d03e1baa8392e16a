"""Issue 14, finding 7: a password change or a role/scope change rotates the session token:
the old token (and every copy of the cookie that carries it) is dead at once."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from db.engine import session_scope
from db.models import AuditLog, AuthSession, UserCommunity
from services.accounts import auth, users
from services.core.errors import Invalid
from tests import factories as f
from tests.apptest_util import AppEnv, app_env, new_app, sign_in  # noqa: F401

NEW = "a fine new passphrase"


def _alive(engine: Engine, token: str) -> bool:
    with session_scope(engine, write=True) as s:
        return auth.resume(s, token=token, idle_minutes=30) is not None


def test_changing_ones_password_kills_the_old_token_and_hands_a_new_one(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        f.user(s, "officer", username="wei")
    with session_scope(engine, write=True) as s:
        here = auth.sign_in(s, username="wei", password=f.PASSWORD)
        elsewhere = auth.sign_in(s, username="wei", password=f.PASSWORD)
    with session_scope(engine, write=True) as s:
        rotated = auth.change_own_password(s, actor=here.actor, current=f.PASSWORD, new=NEW)
    assert rotated.token != here.token and rotated.actor.session_id != here.actor.session_id
    assert not _alive(engine, here.token)  # a copy of this browser's cookie: dead
    assert not _alive(engine, elsewhere.token)
    assert _alive(engine, rotated.token)
    with session_scope(engine) as s:
        old, new = (s.get(AuthSession, i) for i in (here.actor.session_id,
                                                    rotated.actor.session_id))
        assert old is not None and new is not None
        assert old.end_reason == "rotated_password_changed"
        assert new.expires_at == old.expires_at  # the sign-in's absolute limit is kept


def test_a_role_or_scope_change_ends_every_session_of_the_account(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        one, two = f.community(s), f.community(s)
        f.user(s, "grid_worker", username="liu", communities=[one])
        admin = f.actor(s, f.user(s, "admin", username="root"))
    with session_scope(engine, write=True) as s:
        before = auth.sign_in(s, username="liu", password=f.PASSWORD)
    with session_scope(engine, write=True) as s:
        users.change_access(s, actor=admin, username="liu", role="officer",
                            scope_kind="communities", community_ids=[two.id])
    assert not _alive(engine, before.token)
    with session_scope(engine, write=True) as s:
        after = auth.sign_in(s, username="liu", password=f.PASSWORD)
        assert after.actor.role == "officer" and after.actor.community_ids == {two.id}
        assert set(s.scalars(select(UserCommunity.community_id))) == {two.id}
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "user.access_changed")).one()
        assert entry.before["role"] == "grid_worker" and entry.after["sessions_ended"] == 1
    with session_scope(engine, write=True) as s:  # scope only, same role: the same
        users.change_access(s, actor=admin, username="liu", role="officer",
                            scope_kind="communities", community_ids=[one.id, two.id])
    assert not _alive(engine, after.token)


def test_the_last_admin_cannot_be_demoted(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        admin = f.actor(s, f.user(s, "admin", username="root"))
        community = f.community(s).id
    with pytest.raises(Invalid) as err, session_scope(engine, write=True) as s:
        users.change_access(s, actor=admin, username="root", role="officer",
                            scope_kind="communities", community_ids=[community])
    assert err.value.fields == {"role": "users.access_not_yourself"}  # nor by themself
    with pytest.raises(Invalid) as err, session_scope(engine, write=True) as s:  # the CLI
        users.change_access(s, actor=users.SYSTEM, username="root", role="officer",
                            scope_kind="communities", community_ids=[community])
    assert err.value.fields == {"role": "users.last_admin_demoted"}


def test_the_account_page_hands_the_browser_the_new_token(app_env: AppEnv) -> None:  # noqa: F811
    from tests.apptest_util import ROOT

    with app_env.session() as s:
        f.user(s, "officer", username="wei")
    at = sign_in(new_app(), "wei", f.PASSWORD)
    old = at.session_state["auth_token"]
    at.switch_page(str(ROOT / "pages" / "account.py")).run()
    at.text_input(key="pw_current").input(f.PASSWORD)
    at.text_input(key="pw_new").input(NEW)
    at.text_input(key="pw_repeat").input(NEW)
    at.button(key="pw_submit").click().run()
    assert not at.exception
    new = at.session_state["auth_token"]
    assert new != old and not _alive(app_env.engine, old) and _alive(app_env.engine, new)
    at.run()  # the page goes on, signed in with the new token
    assert at.session_state["auth_token"] == new and at.text_input(key="pw_new")
