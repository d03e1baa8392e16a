"""Real browser: demo users sign in and see their pages; direct URLs need signing in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from services.actor import ROLE_PERMS, Role
from tests.browser_util import ROOT, sign_in, wait_idle
from ui import nav
from ui.i18n import translate

pytestmark = pytest.mark.browser
DEMO_USERS = {"admin": Role.ADMIN, "commander": Role.SUPERVISOR, "officer": Role.OFFICER,
              "grid": Role.GRID_WORKER}
EXISTING = [p for p in nav.PAGES if (ROOT / p.path).exists()]


def _url_path(spec: nav.PageSpec) -> str:
    return "" if spec.path == "pages/home.py" else spec.path.removeprefix("pages/")[:-3]


@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_each_demo_user_signs_in_and_sees_their_pages(browser, server, username) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, username)
    sidebar = page.locator('[data-testid="stSidebarNav"]')
    sidebar.wait_for()
    shown = sidebar.inner_text()
    role = DEMO_USERS[username]
    for spec in EXISTING:
        title = translate("zh", spec.title_key)
        visible = spec.perm in ROLE_PERMS[role] and not spec.hidden
        assert (title in shown) == visible, (username, title)
    # the home page's figures: wait for the fifth, as they may still be drawing
    expect(page.locator('[data-testid="stMetric"]').nth(4)).to_be_visible()
    context.close()


@pytest.mark.parametrize("spec", EXISTING, ids=[p.path for p in EXISTING])
def test_direct_url_without_signing_in_shows_only_the_sign_in_form(browser, server, spec) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/{_url_path(spec)}")
    wait_idle(page)
    page.get_by_label("密码").wait_for(state="visible", timeout=30_000)
    # No role menu and no page content: only the form (and the demo notice) is drawn.
    assert page.get_by_text("退出登录").count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_wrong_password_shows_the_message(browser, server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "commander", "not-the-password")
    page.get_by_text("用户名或密码错误").wait_for(state="visible", timeout=30_000)
    context.close()
