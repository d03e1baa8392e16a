"""Real browser: demo users sign in and see their pages; direct URLs need signing in; no page
is named before signing in, even to the first visitor after a start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.core.actor import ROLE_PERMS, Role
from tests.browser_util import DEMO_PASSWORD, NAV, ROOT, sign_in, start_server, wait_idle
from ui.core import nav
from ui.core.i18n import translate

pytestmark = pytest.mark.browser
DEMO_USERS = {"admin": Role.ADMIN, "commander": Role.SUPERVISOR, "officer": Role.OFFICER,
              "grid": Role.GRID_WORKER}
EXISTING = [p for p in nav.PAGES if (ROOT / p.path).exists()]
# Records every element of Streamlit's own menu as it is added, so that a list shown for a
# moment (before a later message hides it) is caught too.
WATCH_STREAMLIT_MENU = """
window.__streamlitMenu = [];
new MutationObserver(() => {
  for (const el of document.querySelectorAll('[data-testid^="stSidebarNav"]'))
    window.__streamlitMenu.push(el.innerText || el.getAttribute('data-testid'));
}).observe(document, {childList: true, subtree: true});
"""


def _url_path(spec: nav.PageSpec) -> str:
    return "" if spec.path == "pages/home.py" else spec.path.removeprefix("pages/")[:-3]


@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_each_demo_user_signs_in_and_sees_their_pages(browser, server, username) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, username)
    sidebar = page.locator(NAV)
    role = DEMO_USERS[username]
    titles = {translate("zh", spec.title_key): spec.perm in ROLE_PERMS[role] and not spec.hidden
              for spec in EXISTING}
    for title in (t for t, visible in titles.items() if visible):  # the links after the
        expect(sidebar).to_contain_text(title, timeout=120_000)  # section headers may lag
    wait_idle(page)
    shown = sidebar.inner_text()
    for title, visible in titles.items():
        assert (title in shown) == visible, (username, title)
    if role == Role.GRID_WORKER:  # the phone home: one big report button, then own reports
        expect(page.locator(".st-key-home_report button")).to_be_visible()
        assert page.locator('[data-testid="stMetric"]').count() == 0
    else:  # the home page's figures: wait for the fifth, as they may still be drawing
        expect(page.locator('[data-testid="stMetric"]').nth(4)).to_be_visible()
    context.close()


@pytest.mark.parametrize("spec", EXISTING, ids=[p.path for p in EXISTING])
def test_direct_url_without_signing_in_shows_only_the_sign_in_form(browser, server, spec) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/{_url_path(spec)}")
    wait_idle(page)
    page.get_by_label("密码").wait_for(state="visible")
    # No role menu and no page content: only the form (and the demo notice) is drawn.
    assert page.get_by_text("退出登录").count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_wrong_password_shows_the_message(browser, server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "commander", "not-the-password")
    page.get_by_text("用户名或密码错误").wait_for(state="visible")
    context.close()


@pytest.mark.parametrize("first_url", ["", "admin_users"])
def test_a_fresh_server_names_no_page_before_sign_in(browser, demo_dir, first_url) -> None:  # type: ignore[no-untyped-def]
    """Streamlit lists the scripts under pages/ (app, account, admin audit ...) until the app
    registers its navigation, which the first sign-in after a start used to do. Its menu is
    off (client.showSidebarNavigation); the app draws its own once someone signs in, also when
    the first page opened is a direct URL (which Streamlit then runs without app.py)."""
    url, proc = start_server(demo_dir)
    try:
        context = browser.new_context()
        context.add_init_script(WATCH_STREAMLIT_MENU)
        page = context.new_page()
        page.goto(f"{url}/{first_url}")
        page.get_by_label("密码").wait_for(state="visible")
        wait_idle(page)
        shown = page.locator('[data-testid="stApp"]').inner_text()
        stems = ["app"] + [Path(spec.path).stem for spec in EXISTING]
        named = [n for n in stems for form in (n, n.replace("_", " "))
                 if re.search(rf"\b{form}\b", shown, re.IGNORECASE)]
        assert named == [], shown
        assert page.locator(NAV).count() == 0
        page.get_by_label("用户名").fill("admin")  # signed in where the visitor is
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        menu = page.locator(NAV)
        menu.get_by_text(translate("zh", "page.admin_audit")).wait_for()
        wait_idle(page)
        if first_url:  # the page asked for, now with the menu
            title = translate("zh", "page.admin_users")
            expect(page.get_by_role("heading", name=title)).to_be_visible()
            assert page.url.rstrip("/").endswith(f"/{first_url}")
        assert page.evaluate("window.__streamlitMenu") == []  # never, not even for a moment
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_the_uploader_speaks_chinese_and_states_its_own_limit(browser, server) -> None:  # type: ignore[no-untyped-def]
    """Streamlit writes 'Upload' and '5MB per file • JPG, PNG' whatever the language: in
    Chinese the button says 选择文件 and the label says the limit."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "grid")
    page.locator(NAV).wait_for()
    wait_idle(page)
    page.locator(NAV).get_by_role("link", name=translate("zh", "page.report_lead")).click()
    uploader = page.locator('[data-testid="stFileUploader"]').first
    uploader.wait_for()
    wait_idle(page)
    shown = uploader.inner_text()
    assert "Upload" not in shown and "per file" not in shown, shown
    assert translate("zh", "leads.photos_label", limit=5) in shown
    word = uploader.locator('button [data-testid="stMarkdownContainer"]').evaluate(
        "el => getComputedStyle(el, '::after').content")
    assert word == '"选择文件"'
    context.close()
