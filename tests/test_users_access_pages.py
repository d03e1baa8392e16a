"""AppTest: an administrator changes an account's role and scope on the users page (the
scopes the role may have, field messages, a confirmation); the database holds the change,
the audit trail has it, the account's old session token is dead. Nobody else reaches it,
and the service refuses them too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AuditLog, User, UserCommunity
from services.accounts import auth, users
from services.core.errors import Invalid, PermissionDenied
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401

PAGE = str(ROOT / "pages" / "admin_users.py")
FORM = "users_access_li"


def _district(env: AppEnv) -> tuple[int, int, int]:
    with env.session() as s:
        station = f.station(s, name="跳磴派出所")
        one = f.community(s, name="双林社区", station_=station)
        two = f.community(s, name="金鳌社区", station_=station)
        f.user(s, "admin", username="chief")
        f.user(s, "admin", username="deputy")
        f.user(s, "grid_worker", communities=[one], username="li")
        f.user(s, "officer", communities=[one], username="wang")
        return one.id, two.id, station.id


def _errors(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(e.value for e in at.error)


def _alive(env: AppEnv, token: str) -> bool:
    with env.session() as s:
        return auth.resume(s, token=token, idle_minutes=30) is not None


def test_an_admin_changes_a_role_and_scope_after_confirming(app_env: AppEnv) -> None:  # noqa: F811
    one, two, station = _district(app_env)
    with app_env.session() as s:
        before = auth.sign_in(s, username="li", password=f.PASSWORD)  # li's browser
    at = sign_in(new_app(), "chief", f.PASSWORD)
    at.switch_page(PAGE).run()
    at.selectbox(key="users_pick").set_value("li").run()
    assert at.selectbox(key=f"{FORM}_role").value == "grid_worker"
    assert at.multiselect(key=f"{FORM}_communities").value == [one]

    at.selectbox(key=f"{FORM}_role").set_value("supervisor").run()  # scopes follow the role
    assert at.radio(key=f"{FORM}_scope_supervisor").options == ["本所", "全区"]
    at.radio(key=f"{FORM}_scope_supervisor").set_value("station").run()
    at.button(key=f"{FORM}_review").click().run()  # no station chosen
    assert not at.exception, at.exception
    assert "范围不完整" in _errors(at) and f"{FORM}_apply" not in [b.key for b in at.button]
    assert at.selectbox(key=f"{FORM}_role").value == "supervisor"  # the choice stays

    at.selectbox(key=f"{FORM}_role").set_value("officer").run()
    assert at.radio(key=f"{FORM}_scope_officer").options == ["所辖社区"]
    at.multiselect(key=f"{FORM}_communities").set_value([two]).run()
    at.button(key=f"{FORM}_review").click().run()
    assert not at.exception, at.exception
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "网格员 · 所辖社区：双林社区" in warning and "社区民警 · 所辖社区：金鳌社区" in warning
    with app_env.session() as s:  # nothing written before the confirmation
        assert s.scalar(select(User.role).where(User.username == "li")) == "grid_worker"
    assert _alive(app_env, before.token)

    at.button(key=f"{FORM}_apply").click().run()
    assert not at.exception, at.exception
    assert "角色和范围已更改" in texts(at)
    assert not _alive(app_env, before.token)  # the old cookie is dead at once
    with app_env.session() as s:
        li = s.scalars(select(User).where(User.username == "li")).one()
        assert (li.role, li.scope_kind, li.station_id) == ("officer", "communities", None)
        assert set(s.scalars(select(UserCommunity.community_id).where(
            UserCommunity.user_id == li.id))) == {two}
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "user.access_changed")).one()
        assert entry.actor_name == "chief" and entry.entity_id == str(li.id)
        assert (entry.before["role"], entry.before["community_ids"]) == ("grid_worker", [one])
        assert (entry.after["role"], entry.after["community_ids"]) == ("officer", [two])
        assert entry.after["sessions_ended"] == 1
        after = auth.sign_in(s, username="li", password=f.PASSWORD)  # signs in again: new rights
        assert after.actor.role == "officer" and after.actor.community_ids == {two}

    at.selectbox(key="users_pick").set_value("wang").run()  # a supervisor of the station
    at.selectbox(key="users_access_wang_role").set_value("supervisor").run()
    at.radio(key="users_access_wang_scope_supervisor").set_value("station").run()
    at.selectbox(key="users_access_wang_station").set_value(station).run()
    at.button(key="users_access_wang_review").click().run()
    at.button(key="users_access_wang_apply").click().run()
    assert not at.exception, at.exception
    with app_env.session() as s:
        wang = s.scalars(select(User).where(User.username == "wang")).one()
        assert (wang.role, wang.scope_kind, wang.station_id) == ("supervisor", "station", station)
        assert s.scalar(select(UserCommunity.community_id).where(
            UserCommunity.user_id == wang.id)) is None


def test_cancel_writes_nothing_and_ones_own_account_is_refused(app_env: AppEnv) -> None:  # noqa: F811
    _district(app_env)
    at = sign_in(new_app(), "chief", f.PASSWORD)
    at.switch_page(PAGE).run()
    at.selectbox(key="users_pick").set_value("li").run()
    at.selectbox(key=f"{FORM}_role").set_value("officer").run()
    at.button(key=f"{FORM}_review").click().run()
    at.button(key=f"{FORM}_back").click().run()
    assert f"{FORM}_apply" not in [b.key for b in at.button]
    at.selectbox(key="users_pick").set_value("chief").run()
    at.selectbox(key="users_access_chief_role").set_value("supervisor").run()
    at.button(key="users_access_chief_review").click().run()
    assert "不能更改自己的角色和范围" in _errors(at)
    with app_env.session() as s:
        assert s.scalar(select(User.role).where(User.username == "li")) == "grid_worker"
        assert s.scalar(select(User.role).where(User.username == "chief")) == "admin"
        assert s.scalar(select(AuditLog.id).where(
            AuditLog.action == "user.access_changed")) is None


def test_nobody_but_an_admin_reaches_it(app_env: AppEnv) -> None:  # noqa: F811
    one, two, _ = _district(app_env)
    for username in ("wang", "li"):
        at = sign_in(new_app(), username, f.PASSWORD)
        with pytest.raises(ValueError):  # not in their menu
            at.switch_page(PAGE)
        at = sign_in(new_app(PAGE), username, f.PASSWORD)  # nor by a direct URL
        assert not at.exception, at.exception
        keys = [w.key for w in (*at.button, *at.selectbox, *at.radio)]
        assert not [k for k in keys if k and k.startswith("users_")], username
        assert "您没有权限" in _errors(at), _errors(at)
    with app_env.session() as s:
        officer = f.actor(s, s.scalars(select(User).where(User.username == "wang")).one())
    with pytest.raises(PermissionDenied), app_env.session() as s:
        users.change_access(s, actor=officer, username="li", role="admin",
                            scope_kind="district")
    with pytest.raises(PermissionDenied), app_env.session() as s:
        users.change_access(s, actor=officer, username="wang", role="officer",
                            scope_kind="communities", community_ids=[one, two])
    with pytest.raises(Invalid) as err, app_env.session() as s:  # the role's scopes only
        admin = f.actor(s, s.scalars(select(User).where(User.username == "chief")).one())
        users.change_access(s, actor=admin, username="li", role="officer",
                            scope_kind="district")
    assert err.value.fields == {"scope": "users.scope_not_for_role"}
    with app_env.session() as s:
        assert s.scalar(select(User.role).where(User.username == "li")) == "grid_worker"
        refused = s.scalars(select(AuditLog.action).where(AuditLog.actor_name == "wang")).all()
        assert refused.count("auth.permission_denied") >= 3  # the page's and the service's
