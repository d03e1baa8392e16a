"""Real browser: the demo officer adds a member, fixes a bad ID number, sees the team grow."""

from __future__ import annotations

import re
import time

import pytest

from services.validation import id_check_character
from tests.browser_util import (  # noqa: F401 - fixtures
    browser,
    demo_dir,
    server,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.browser
DESK = {"viewport": {"width": 1400, "height": 1100}}
FIRST17 = "50010419880808123"
GOOD = FIRST17 + id_check_character(FIRST17)
BAD = FIRST17 + ("1" if GOOD[-1] != "1" else "2")  # a wrong check digit


def _count(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator('[data-testid="stMetricValue"]').first.inner_text())


def _type(page, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(f".st-key-{key} input")
    box.fill(value)


def test_officer_adds_a_member_after_fixing_a_bad_id_number(browser, server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_context(**DESK).new_page()
    sign_in(page, server, "officer")
    page.locator('[data-testid="stSidebarNav"]').wait_for(state="attached", timeout=15_000)
    deadline = time.monotonic() + 15
    while not any(c["name"] == "pingan_session" for c in page.context.cookies()):
        assert time.monotonic() < deadline, "the session cookie was never written"
        page.wait_for_timeout(200)
    page.goto(server + "/community")
    wait_idle(page)
    assert page.get_by_role("heading", name=re.compile("双林社区")).is_visible()
    page.locator(".st-key-community_section").get_by_text("队员", exact=True).click()
    wait_idle(page)
    before = _count(page)

    _type(page, "member_add_name", "浏览器测试队员")
    _type(page, "member_add_phone", "139 2222 3333")
    _type(page, "member_add_id", BAD)
    page.locator(".st-key-member_add_submit button").click()
    wait_idle(page)
    page.get_by_text("校验位（最后一位）不正确").wait_for(timeout=15_000)
    assert _count(page) == before
    assert page.locator(".st-key-member_add_name input").input_value() == "浏览器测试队员"

    _type(page, "member_add_id", GOOD)
    page.locator(".st-key-member_add_submit button").click()
    page.get_by_text("已添加队员 浏览器测试队员").wait_for(timeout=15_000)
    wait_idle(page)
    assert _count(page) == before + 1
    assert page.get_by_text("校验位（最后一位）不正确").count() == 0
    page.context.close()
