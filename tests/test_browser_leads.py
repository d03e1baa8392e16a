"""Real browser: a lead from the grid worker's phone to the officer, the commander, and back."""

from __future__ import annotations

import re

import pytest

from tests.browser_util import (  # fixtures come from conftest's plugin
    choose,
    sign_in,
    signed_in,
    wait_idle,
)

pytestmark = pytest.mark.browser
TOTAL = re.compile(r"第 [\d,]+ / [\d,]+ 页，共 ([\d,]+) 条")  # counts grouped: 1,234
PHONE = {"viewport": {"width": 412, "height": 915}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1400, "height": 1000}}


def _sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in, then wait for the session cookie: direct URLs after this need it."""
    sign_in(page, base, username)
    signed_in(page)


def _total(page) -> int:  # type: ignore[no-untyped-def]
    match = TOTAL.search(page.get_by_text(TOTAL).first.inner_text())
    assert match
    return int(match.group(1).replace(",", ""))


def _report_from_phone(page, base: str, text: str) -> int:  # type: ignore[no-untyped-def]
    page.goto(base + "/report_lead")
    wait_idle(page)
    choose(page, "lead_form_category", "消防隐患")  # the form's first box is now the place
    page.get_by_label("情况描述（必填，最多 2000 字）").fill(text)
    page.keyboard.press("Tab")
    wait_idle(page)
    page.get_by_role("button", name="提交线索").click()
    wait_idle(page)
    if page.get_by_role("button", name="仍作为新线索提交").count():
        page.get_by_role("button", name="仍作为新线索提交").click()  # similar leads nearby
        wait_idle(page)
    done = page.get_by_text(re.compile(r"线索 #\d+ 已提交")).inner_text()
    return int(re.search(r"#(\d+)", done).group(1))  # type: ignore[union-attr]


def _step(page, action: str, done: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
    """Take a step through its form, found by the widget keys of the lead page."""
    if note:
        page.locator(f'[class*="st-key-lead_note_{action}_"] textarea').fill(note)
    page.locator(f".st-key-lead_do_{action} button").click()
    page.get_by_text(f"已完成：{done}").wait_for()
    wait_idle(page)


def test_lead_from_report_to_closed_with_the_reply(browser, server) -> None:  # type: ignore[no-untyped-def]
    officer = browser.new_context(**DESK).new_page()
    _sign_in(officer, server, "officer")
    officer.goto(server + "/leads")
    wait_idle(officer)
    # The default order is by deadline, so an overdue lead of the demo's would come first;
    # the officer sorts newest first to open the report that just came in.
    officer.get_by_text("更多筛选").click()
    choose(officer, "leads_f_sort", "最新在前")
    before = _total(officer)

    grid = browser.new_context(**PHONE).new_page()
    _sign_in(grid, server, "grid")
    lead_id = _report_from_phone(grid, server, "小区3栋楼道有电动车充电，存在火灾隐患")
    # The officer's page is not reloaded: the live inbox shows the new lead by itself.
    officer.get_by_text(re.compile(rf"共 {before + 1:,} 条")).wait_for()

    wait_idle(officer)
    table = officer.locator('[data-testid="stDataFrame"]').first.bounding_box()
    assert table is not None
    officer.mouse.move(table["x"] + 18, table["y"] + 35 + 18)  # the row selector shows on hover
    officer.mouse.click(table["x"] + 18, table["y"] + 35 + 18)  # the first row's selector
    officer.get_by_text(f"线索 #{lead_id}").first.wait_for()
    wait_idle(officer)
    _step(officer, "accept", "接单")
    _step(officer, "resolve", "办结并回复", "已联系物业清理，并张贴安全提示")

    commander = browser.new_context(**DESK).new_page()
    _sign_in(commander, server, "commander")
    commander.goto(f"{server}/lead?id={lead_id}")
    wait_idle(commander)
    commander.get_by_text(f"线索 #{lead_id}").first.wait_for()
    _step(commander, "verify", "核查通过")
    _step(commander, "close", "关闭")

    grid.goto(f"{server}/lead?id={lead_id}")
    wait_idle(grid)
    grid.get_by_text("状态：已关闭").wait_for()
    assert grid.get_by_text("已联系物业清理，并张贴安全提示").first.is_visible()
    for page in (officer, grid, commander):
        page.context.close()
