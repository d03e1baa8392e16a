"""Real browser: the demo officer adds a member, fixes a bad ID number, sees the team grow."""

from __future__ import annotations

import re
import time

import pytest

from services.core.validation import id_check_character
from tests.browser_util import (  # noqa: F401 - fixtures
    NAV,
    browser,
    demo_dir,
    open_page,
    server,
    sign_in,
    signed_in,
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
    signed_in(page)
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
    page.get_by_text("校验位（最后一位）不正确").wait_for()
    assert _count(page) == before
    assert page.locator(".st-key-member_add_name input").input_value() == "浏览器测试队员"

    _type(page, "member_add_id", GOOD)
    page.locator(".st-key-member_add_submit button").click()
    page.get_by_text("已添加队员 浏览器测试队员").wait_for()
    wait_idle(page)
    assert _count(page) == before + 1
    assert page.get_by_text("校验位（最后一位）不正确").count() == 0
    page.context.close()


def _team_and_grid(folder) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """The demo officer's community, one of its active teams and one of its grids."""
    from sqlalchemy import select

    from db.engine import make_engine, session_scope
    from db.models import Community, Grid, Team, User

    engine = make_engine(f"sqlite:///{folder / 'pingan.db'}")
    try:
        with session_scope(engine) as s:
            user = s.scalars(select(User).where(User.username == "officer")).one()
            community = s.scalars(select(Community)
                                  .where(Community.officer_id == user.officer_id)
                                  .order_by(Community.id)).first()
            assert community is not None
            team = s.scalars(select(Team).where(Team.community_id == community.id,
                                                Team.active.is_(True))
                             .order_by(Team.id)).first()
            grid = s.scalars(select(Grid).where(Grid.community_id == community.id)
                             .order_by(Grid.id)).first()
            assert team is not None and grid is not None
            return community.name, team.name, grid.name
    finally:
        engine.dispose()


def _metrics(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The counts shown, once the page has finished drawing them (label -> value)."""
    deadline = time.monotonic() + 30
    while True:
        wait_idle(page)
        labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        if labels and len(labels) == len(values):
            return dict(zip(labels, values, strict=True))
        assert time.monotonic() < deadline, (labels, values)
        page.wait_for_timeout(300)


def test_officer_imports_a_file_with_a_bad_row_and_takes_the_good_ones(  # type: ignore[no-untyped-def]
        browser, server, demo_dir) -> None:  # noqa: F811
    community, team, grid = _team_and_grid(demo_dir)
    ids = [f"5001041990{n + 1:02d}1512{n}" for n in range(3)]  # born 1990-0n-15
    ids = [i + id_check_character(i) for i in ids]
    ids[2] = ids[2][:-1] + ("1" if ids[2][-1] != "1" else "2")  # a wrong check digit
    lines = ["社区,队伍,姓名,手机号码,身份证号码,网格,可参与时间"] + [
        f"{community},{team},导入队员{n},1980000{n:04d},{ids[n]},{grid},周末" for n in range(3)]
    data = ("\n".join(lines) + "\n").encode("utf-8-sig")

    page = browser.new_context(**DESK).new_page()
    sign_in(page, server, "officer")
    page.locator(NAV).wait_for(state="attached")
    open_page(page, "名册导入", page.locator('[data-testid="stFileUploaderDropzoneInput"]'),
              state="attached")
    upload = {"name": "名册.csv", "mimeType": "text/csv", "buffer": data}
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
    wait_idle(page)
    page.get_by_role("button", name="检查文件").click()
    wait_idle(page)
    page.get_by_text("有 1 行存在问题").wait_for()
    page.get_by_text("只导入其余 2 行", exact=False).first.wait_for()
    # the explicit choice: the button says what it leaves out
    page.get_by_role("button", name="只导入没有问题的 2 行，有问题的 1 行不导入").click()
    page.get_by_text("导入完成。结果如下：").wait_for()
    metrics = _metrics(page)
    assert (metrics["新增"], metrics["有错误"]) == ("2", "1")

    # the same file again changes nothing
    page.get_by_role("button", name="检查文件").click()
    wait_idle(page)
    page.get_by_role("button", name="只导入没有问题的 2 行").wait_for()
    metrics = _metrics(page)
    assert (metrics["新增"], metrics["无变化"], metrics["有错误"]) == ("0", "2", "1")
    page.context.close()
