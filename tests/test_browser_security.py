"""Real browser: a copied cookie dies with sign-out, the sixth failure locks, idle pages end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from tests import browser_util
from tests import factories as f
from tests.browser_util import NAV, sign_in, start_server, wait_idle

pytestmark = pytest.mark.browser
browser = browser_util.browser  # the fixture


@pytest.fixture(scope="module")
def people_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small database of its own (no demo district needed): one community, a few users."""
    path = tmp_path_factory.mktemp("security")
    engine = make_engine(f"sqlite:///{path / 'pingan.db'}")
    upgrade(engine)
    with session_scope(engine, write=True) as s:
        c = f.community(s, name="双林社区")
        for name in ("li", "locked", "idle", "slow"):
            f.user(s, "officer", communities=[c], username=name)
    engine.dispose()
    return path


def _server(path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    browser_util._need_browser()
    url, proc = start_server(path, extra_env=env)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(people_dir: Path) -> Iterator[str]:
    yield from _server(people_dir)


@pytest.fixture(scope="module")
def idle_server(people_dir: Path) -> Iterator[str]:
    yield from _server(people_dir, {"PINGAN_IDLE_MINUTES": "0.05"})  # 3 seconds


def _session_cookies(context) -> list:  # type: ignore[no-untyped-def]
    page = context.pages[0]
    for _ in range(50):  # the cookie component writes it just after the sign-in run
        cookies = [c for c in context.cookies() if c["name"] == "pingan_session"]
        if cookies:
            return context.cookies()
        page.wait_for_timeout(200)
    raise AssertionError("the session cookie was never written")


def _open_with(chromium, base: str, cookies: list):  # type: ignore[no-untyped-def]
    context = chromium.new_context()
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(base + "/")
    wait_idle(page)
    return context, page


def test_sign_out_makes_a_copied_cookie_useless(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    first = browser.new_context()
    page = first.new_page()
    sign_in(page, server, "li", f.PASSWORD)
    page.locator(NAV).wait_for()
    cookies = _session_cookies(first)

    copy, copied_page = _open_with(browser, server, cookies)
    copied_page.locator(NAV).wait_for()  # before sign-out the copy is signed in: the test bites
    copy.close()

    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("您已退出登录").wait_for()

    stolen, stolen_page = _open_with(browser, server, cookies)
    stolen_page.get_by_label("密码").wait_for()  # the sign-in form, once the page has drawn
    assert stolen_page.locator(NAV).count() == 0
    stolen.close()
    first.close()


def test_the_cookie_is_written_even_when_the_page_reruns_before_its_writer_loads(  # type: ignore[no-untyped-def]
        browser, server: str) -> None:
    """On a busy machine the cookie component's frame loads after the next rerun has already
    removed it (a light page reruns fast). Here its frames are held until the user has moved
    to another page, a whole-app rerun: the write must still reach the browser."""
    context = browser.new_context()
    held = []
    def hold(route) -> None:  # type: ignore[no-untyped-def]
        held.append(route)

    context.route("**/component/*cookie_manager*/**", hold)
    page = context.new_page()
    sign_in(page, server, "slow", f.PASSWORD)
    page.locator(NAV).wait_for()
    page.locator(NAV).get_by_role("link").nth(1).click()  # another page: the app reruns
    wait_idle(page)
    assert held, "the cookie component's frame was never asked for"
    assert not [c for c in context.cookies() if c["name"] == "pingan_session"]
    context.unroute("**/component/*cookie_manager*/**", hold)
    for route in held:  # frames that are gone may refuse; the page's current one must load
        try:
            route.continue_()
        except Exception:  # noqa: BLE001, S110 - a frame already removed from the page
            pass
    cookies = _session_cookies(context)  # waits for the write
    copy, copied_page = _open_with(browser, server, cookies)
    copied_page.locator(NAV).wait_for()  # the written cookie signs a new tab in
    copy.close()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("您已退出登录").wait_for()
    for _ in range(100):  # the deletion is drawn on the run after the sign-out
        if not [c for c in context.cookies() if c["name"] == "pingan_session"]:
            break
        page.wait_for_timeout(200)
    else:
        raise AssertionError("the cookie was not deleted at sign-out")
    context.close()


def test_the_sixth_wrong_password_shows_the_lockout_message(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/")
    wait_idle(page)
    for attempt in range(1, 7):  # one page, as a person retrying would
        page.get_by_label("用户名").fill("locked")
        page.get_by_label("密码").fill(f"wrong password {attempt}")
        page.get_by_role("button", name="登录").click()
        wait_idle(page)
        failed = page.get_by_text("用户名或密码错误").is_visible()
        locked = page.get_by_text("登录失败次数过多").is_visible()
        assert (failed, locked) == ((True, False) if attempt < 6 else (False, True)), attempt
    sign_in(page, server, "locked", f.PASSWORD)  # the right password does not help now
    assert page.get_by_text("登录失败次数过多").is_visible()
    assert page.locator(NAV).count() == 0
    context.close()


def test_an_idle_session_asks_to_sign_in_again(browser, idle_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, idle_server, "idle", f.PASSWORD)
    # No wait for the menu: on this busy machine the first run after a start can take longer
    # than the 3-second limit, so the menu may be gone before it is looked for (the wait
    # used to pass on Streamlit's own page list, there before any sign-in). The notice below
    # follows only a session that was there and ended.
    # no clicks: the page's own heartbeat (not activity) finds the session idle and ends it
    page.get_by_text("登录已过期").wait_for()
    expect(page.get_by_label("密码")).to_be_visible()
    # the home figures are gone once the run that drew the form is over
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(0)
    context.close()
