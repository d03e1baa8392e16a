"""Real browser: a copied cookie dies with sign-out, the sixth failure locks, idle pages end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from tests import browser_util
from tests import factories as f
from tests.browser_util import sign_in, start_server, wait_idle

pytestmark = pytest.mark.browser
browser = browser_util.browser  # the fixture
NAV = '[data-testid="stSidebarNav"]'


@pytest.fixture(scope="module")
def people_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small database of its own (no demo district needed): one community, a few users."""
    path = tmp_path_factory.mktemp("security")
    engine = make_engine(f"sqlite:///{path / 'pingan.db'}")
    upgrade(engine)
    with session_scope(engine, write=True) as s:
        c = f.community(s, name="双林社区")
        for name in ("li", "locked", "idle"):
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
    assert stolen_page.get_by_label("密码").is_visible()
    assert stolen_page.locator(NAV).count() == 0
    stolen.close()
    first.close()


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
    page.locator(NAV).wait_for()
    # no clicks: the page's own heartbeat (not activity) finds the session idle and ends it
    page.get_by_text("登录已过期").wait_for(timeout=30_000)
    assert page.get_by_label("密码").is_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0  # the home figures are gone
    context.close()
