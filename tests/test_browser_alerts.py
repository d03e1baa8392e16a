"""Real browser: the commander publishes an alert to 双林社区, the grid worker acknowledges it and
reports a sighting, the officer sees the urgent lead, the commander closes it as caught.

Each user moves through the app by its own links after signing in (no typed URLs), so the
story does not depend on when the session cookie reaches the browser.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_util import NAV, open_page, sign_in, wait_idle

pytestmark = pytest.mark.browser
TITLE = "协查一名持刀抢劫嫌疑人"
SIGHTING = "双林路菜市场旁出租屋有一名男子与通报照片相似，正往江边方向走"


def _key(page, key: str):  # type: ignore[no-untyped-def]
    """The element Streamlit wraps a keyed widget in."""
    return page.locator(f".st-key-{key}")


def _user(chromium, base: str, username: str):  # type: ignore[no-untyped-def]
    """A signed-in page. A rerun of the sign-in page while the fields are being filled (the
    cookie component reporting in) can clear them on a busy machine: then sign in again."""
    page = chromium.new_context().new_page()
    nav = page.locator(NAV)
    for _ in range(3):
        sign_in(page, base, username)
        with contextlib.suppress(PlaywrightTimeout):  # still on the sign-in form: again
            nav.wait_for(state="attached")
        if nav.count():
            wait_idle(page)
            return page
    raise AssertionError(f"{username} could not sign in")


def _pick_community(page, name: str) -> None:  # type: ignore[no-untyped-def]
    box = _key(page, "alert_form_communities")
    for _ in range(4):  # the list opens a moment after the click when the server is busy,
        wait_idle(page)  # and a rerun landing meanwhile can drop the choice: then again
        if box.get_by_text(name).count():
            return
        box.locator("input").click()
        page.keyboard.type(name)
        option = page.get_by_role("option", name=name)
        try:
            option.click(timeout=10_000)
            page.keyboard.press("Escape")
            box.get_by_text(name).wait_for()
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        return
    raise AssertionError(f"could not choose {name}")


def _publish(commander) -> int:  # type: ignore[no-untyped-def]
    open_page(commander, "协查通报", commander.get_by_text("撰写协查通报"))
    commander.get_by_text("撰写协查通报").click()
    _key(commander, "alert_form_origin_region").locator("input").fill("四川省某市公安局")
    _key(commander, "alert_form_title").locator("input").fill(TITLE)
    _key(commander, "alert_form_subject").locator("textarea").fill("男，约30岁，左臂有纹身")
    _pick_community(commander, "双林社区")
    _key(commander, "alert_form_publish").locator("button").click()
    commander.wait_for_url(re.compile(r".*/alert\?id=\d+"))
    commander.get_by_text("已发布，发送给").wait_for()
    wait_idle(commander)
    return int(re.search(r"id=(\d+)", commander.url).group(1))  # type: ignore[union-attr]


def _acknowledge_and_report(grid, server: str, alert_id: int) -> int:  # type: ignore[no-untyped-def]
    # A grid worker's home now opens on reporting (the phone home): the alert by its link.
    grid.goto(f"{server}/alert?id={alert_id}")
    wait_idle(grid)
    grid.get_by_text(TITLE).first.wait_for()
    _key(grid, "alert_ack").locator("button").click()
    grid.get_by_text("已签收，共触达").wait_for()
    wait_idle(grid)
    _key(grid, "alert_sighting_text").locator("textarea").fill(SIGHTING)
    _key(grid, "alert_sighting_submit").locator("button").click()
    sent = grid.get_by_text(re.compile(r"已作为紧急线索 #\d+ 上报"))
    sent.wait_for()
    grid.get_by_text("您已于").wait_for()  # acknowledged, as the page says
    return int(re.search(r"#(\d+)", sent.inner_text()).group(1))  # type: ignore[union-attr]


def _officer_sees(officer, lead_id: int) -> None:  # type: ignore[no-untyped-def]
    officer.get_by_text(TITLE).first.wait_for()  # on the home panel too
    officer.get_by_role("link", name="查看").first.click()
    officer.get_by_role("link", name=re.compile(rf"线索 #{lead_id}")).click()
    officer.get_by_test_id("stText").get_by_text(SIGHTING).wait_for()
    officer.get_by_text("紧急").first.wait_for()
    officer.get_by_text("已派单").first.wait_for()


def _close(commander) -> None:  # type: ignore[no-untyped-def]
    # The page's live figures rerun every 5 s, and a click during a rerun can be lost: each
    # action waits for the app to be idle. (A CI under stress-ng timed out here waiting for the
    # closed alert; this alone has not been shown to cure it.)
    wait_idle(commander)
    commander.get_by_text("结束通报").first.click()
    _key(commander, "alert_close_caught").locator("input").fill("1")
    _key(commander, "alert_close_note").locator("textarea").fill("嫌疑人已在江边被抓获，感谢大家")
    wait_idle(commander)
    _key(commander, "alert_close_submit").locator("button").click()
    commander.get_by_text(re.compile("已结束：已抓获，抓获 1 人")).wait_for()


def test_alert_from_publication_to_caught(browser, server) -> None:  # type: ignore[no-untyped-def]
    commander = _user(browser, server, "commander")
    alert_id = _publish(commander)
    grid = _user(browser, server, "grid")
    lead_id = _acknowledge_and_report(grid, server, alert_id)
    officer = _user(browser, server, "officer")
    _officer_sees(officer, lead_id)
    assert alert_id > 0
    _close(commander)
    for page in (commander, grid, officer):
        page.context.close()
