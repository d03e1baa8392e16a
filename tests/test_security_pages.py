"""AppTest: user administration, forced password change, audit search, sign-in banner, refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import AuditLog, AuthSession, User
from services.accounts import auth
from tests import apptest_util
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, new_app, sign_in, texts

app_env = apptest_util.app_env  # the fixture
WRONG = "wrong password"

PAGE = {name: str(ROOT / f"pages/{name}.py") for name in
        ("admin_users", "admin_audit", "admin_settings", "account", "home")}


def _people(env: AppEnv) -> dict[str, str]:
    with env.session() as s:
        c = f.community(s, name="双林社区")
        f.user(s, "admin", username="chief")
        f.user(s, "admin", username="deputy")
        f.user(s, "officer", communities=[c], username="li")
        f.user(s, "grid_worker", communities=[c], username="wang")
    return {"admin": "chief", "officer": "li", "grid": "wang"}


def _admin(env: AppEnv, page: str):  # type: ignore[no-untyped-def]
    _people(env)
    at = sign_in(new_app(), "chief", f.PASSWORD)
    assert not at.exception
    return at.switch_page(PAGE[page]).run()


def test_add_user_shows_the_one_time_password_once_and_it_must_be_changed(app_env) -> None:  # type: ignore[no-untyped-def]
    at = _admin(app_env, "admin_users")
    at.text_input(key="users_new_username").input("zhao")
    at.text_input(key="users_new_display").input("赵警官")
    at.selectbox(key="users_new_role").set_value("officer")
    at.radio(key="users_new_scope").set_value("district")
    at.button(key="users_add_submit").click().run()
    assert not at.exception
    assert len(at.code) == 1
    one_time = at.code[0].value
    at.run()  # any next run: gone
    assert len(at.code) == 0
    with app_env.session() as s:
        assert s.scalar(select(User.must_change_password).where(User.username == "zhao"))

    user = sign_in(new_app(), "zhao", one_time)
    assert not user.exception
    assert user.text_input(key="pw_new") and not user.metric  # nothing but the change form
    user.switch_page(PAGE["home"]).run()
    assert user.text_input(key="pw_new") and not user.metric
    user.text_input(key="pw_current").input(one_time)
    user.text_input(key="pw_new").input("my own long passphrase")
    user.text_input(key="pw_repeat").input("my own long passphrase")
    user.button(key="pw_submit").click().run()
    assert not user.exception  # the new cookie is written; the user goes on with a click
    user.button(key="must_change_continue").click().run()
    assert user.metric and "pw_new" not in [w.key for w in user.text_input]


def test_bad_new_user_shows_field_messages(app_env) -> None:  # type: ignore[no-untyped-def]
    at = _admin(app_env, "admin_users")
    at.text_input(key="users_new_username").input("Bad Name!")
    at.radio(key="users_new_scope").set_value("communities")
    at.button(key="users_add_submit").click().run()
    shown = " ".join(e.value for e in at.error)
    assert "用户名须为" in shown and "范围不完整" in shown and "此项必填" in shown
    assert len(at.code) == 0


def test_disable_ends_sessions_and_unlock_and_reset_work(app_env) -> None:  # type: ignore[no-untyped-def]
    at = _admin(app_env, "admin_users")
    with app_env.session() as s:
        session_of_li = auth.sign_in(s, username="li", password=f.PASSWORD)
        for _ in range(5):
            try:
                auth.sign_in(s, username="wang", password=WRONG)
            except auth.AuthFailed:
                pass
    at.run()
    at.selectbox(key="users_pick").set_value("li")
    at.run()
    at.button(key="users_disable").click().run()
    assert not at.exception and "已停用" in texts(at)
    with app_env.session() as s:
        assert auth.resume(s, token=session_of_li.token, idle_minutes=30) is None
    at.selectbox(key="users_pick").set_value("wang").run()
    at.button(key="users_unlock").click().run()
    assert "已解除锁定" in texts(at)
    at.selectbox(key="users_pick").set_value("wang").run()
    at.button(key="users_reset").click().run()
    assert len(at.code) == 1
    assert not sign_in(new_app(), "wang", at.code[0].value).exception


def test_an_admin_cannot_disable_themself(app_env) -> None:  # type: ignore[no-untyped-def]
    at = _admin(app_env, "admin_users")
    at.selectbox(key="users_pick").set_value("chief").run()
    at.button(key="users_disable").click().run()
    assert "不能停用自己的账号" in texts(at)
    with app_env.session() as s:
        assert s.scalar(select(User.active).where(User.username == "chief"))


def test_audit_page_searches_and_checks_the_chain(app_env) -> None:  # type: ignore[no-untyped-def]
    at = _admin(app_env, "admin_audit")
    assert not at.exception
    frame = at.dataframe[0].value
    assert "登录" in set(frame.iloc[:, 3])  # the action's label (auth.sign_in)
    at.text_input(key="audit_actor").input("nobody").run()
    assert at.dataframe[0].value.empty
    at.text_input(key="audit_actor").input("chief")
    at.selectbox(key="audit_action").set_value("auth.").run()
    frame = at.dataframe[0].value
    assert len(frame) >= 1 and set(frame.iloc[:, 2]) == {"chief"}
    at.button(key="audit_verify").click().run()
    assert any("审计链完整" in m.value for m in at.success)


def test_banner_is_saved_and_shown_as_plain_text_on_the_sign_in_page(app_env) -> None:  # type: ignore[no-untyped-def]
    at = _admin(app_env, "admin_settings")
    notice = "仅限授权人员使用 <script>alert(1)</script> [link](http://evil.example)"
    at.text_area(key="settings_banner").input(notice)
    at.button(key="settings_banner_save").click().run()
    assert not at.exception
    login = new_app().run()
    assert notice in [e.value for e in login.text]
    assert all("<script>" not in m.value for m in login.markdown)


def test_a_refused_page_is_audited_and_shows_nothing(app_env) -> None:  # type: ignore[no-untyped-def]
    _people(app_env)
    at = sign_in(new_app(PAGE["admin_users"]), "wang", f.PASSWORD)  # a direct URL
    assert not at.exception
    assert "没有权限" in at.error[0].value and len(at.dataframe) == 0
    with app_env.session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "auth.permission_denied")).one()
    assert row.actor_name == "wang" and row.after == {"perm": "manage_users",
                                                      "where": "admin_users.py"}


def test_account_page_changes_password_and_signs_out_elsewhere(app_env) -> None:  # type: ignore[no-untyped-def]
    _people(app_env)
    with app_env.session() as s:
        elsewhere = auth.sign_in(s, username="li", password=f.PASSWORD)
    at = sign_in(new_app(), "li", f.PASSWORD)
    at.switch_page(PAGE["account"]).run()
    at.button(key="sign_out_elsewhere").click().run()
    assert not at.exception
    with app_env.session() as s:
        assert auth.resume(s, token=elsewhere.token, idle_minutes=30) is None
        live = s.scalar(select(func.count()).select_from(AuthSession).where(
            AuthSession.ended_at.is_(None)))
    assert live == 1
    at.text_input(key="pw_current").input(f.PASSWORD)
    at.text_input(key="pw_new").input("password123")
    at.text_input(key="pw_repeat").input("password123")
    at.button(key="pw_submit").click().run()
    assert any("太常见" in e.value for e in at.error)
