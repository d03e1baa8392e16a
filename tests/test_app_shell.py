"""AppTest: the sign-in gate, navigation by role, every page booting for every role."""

from __future__ import annotations

import pytest

from services.core.actor import ROLE_PERMS, Role
from tests import factories as f
from tests.apptest_util import APP, ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from ui.core import nav

ROLES = [r.value for r in Role]


def _people(env: AppEnv) -> dict[str, str]:
    with env.session() as s:
        c = f.community(s, name="双林社区")
        f.grid(s, c)
        o = f.officer(s, c)
        names = {}
        for role in ROLES:
            u = f.user(s, role, communities=[c] if role in {"officer", "grid_worker"} else None,
                       username=f"u_{role}",
                       officer_id=o.id if role == "officer" else None)
            names[role] = u.username
    return names


def test_without_signing_in_only_the_form_shows(app_env: AppEnv) -> None:
    at = new_app().run()
    assert not at.exception
    assert at.text_input(key="login_username") and at.text_input(key="login_password")
    assert len(at.metric) == 0


def test_wrong_password_says_so_without_revealing_the_user(app_env: AppEnv) -> None:
    _people(app_env)
    at = sign_in(new_app(), "u_officer", "wrong password")
    unknown = sign_in(new_app(), "nobody", "wrong password")
    assert at.error[0].value == unknown.error[0].value
    assert "用户名或密码错误" in at.error[0].value


@pytest.mark.parametrize("role", ROLES)
def test_every_page_boots_for_every_role(app_env: AppEnv, role: str) -> None:
    names = _people(app_env)
    at = sign_in(new_app(), names[role], f.PASSWORD)
    assert not at.exception, at.exception
    if role == "grid_worker":  # a phone-first home: the report button, not figures
        assert at.button(key="home_report") and not at.metric, texts(at)
    else:
        assert at.metric, texts(at)  # the home page's figures
    # AppTest can only switch to pages in the role's navigation; the others are refused by
    # their guard, which tests/test_permission_matrix.py checks page by page.
    actor_pages = [p for p in nav.PAGES if (ROOT / p.path).exists() and p.perm in ROLE_PERMS[role]]
    for spec in actor_pages:
        at.switch_page(str(ROOT / spec.path)).run()
        assert not at.exception, (spec.path, at.exception)


@pytest.mark.parametrize("path", [p.path for p in nav.PAGES if (ROOT / p.path).exists()])
def test_direct_page_without_signing_in_shows_only_the_sign_in_form(
    app_env: AppEnv, path: str
) -> None:
    _people(app_env)
    at = new_app(str(ROOT / path)).run()
    assert not at.exception
    assert at.text_input(key="login_username")
    assert len(at.metric) == 0 and len(at.dataframe) == 0


@pytest.mark.parametrize("url", ["not a url", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
def test_a_bad_database_setting_stops_the_app_with_a_message(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("PINGAN_DATABASE_URL", url)
    at = new_app().run()
    assert not at.exception
    # The message is Markdown with the setting escaped (PINGAN\_DATABASE\_URL): read it as shown.
    assert any("PINGAN_DATABASE_URL" in e.value.replace("\\", "") for e in at.error)
    assert not at.text_input  # no sign-in form while the database is unusable


def test_outside_demo_mode_a_weak_key_stops_the_app(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGAN_DEMO", "0")
    monkeypatch.setenv("PINGAN_SECRET_KEY", "short")
    at = new_app().run()
    assert any("PINGAN_SECRET_KEY" in e.value.replace("\\", "") for e in at.error)
    assert not at.text_input


def test_language_switch_is_remembered_for_the_user(app_env: AppEnv) -> None:
    names = _people(app_env)
    at = sign_in(new_app(), names["officer"], f.PASSWORD)
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert "Hello" in texts(at)
    again = sign_in(new_app(), names["officer"], f.PASSWORD)
    assert "Hello" in texts(again)
