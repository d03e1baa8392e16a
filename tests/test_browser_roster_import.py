"""Real browser, roster import page: a station's workbook with a cover sheet, a merged title
row, a hidden last-year phone column and an ID column Excel stored as numbers. The database
afterwards holds the visible phones and no damaged ID."""

from __future__ import annotations

import pytest

from tests import roster_corpus as rc
from tests.browser_util import (  # noqa: F401 - fixtures
    NAV,
    browser,
    demo_dir,
    open_page,
    server,
    sign_in,
    wait_idle,
)
from tests.test_browser_roster import DESK, _metrics, _team_and_grid

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _stored(folder, names: list[str]) -> dict[str, tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from db.engine import make_engine, session_scope
    from db.models import Member

    engine = make_engine(f"sqlite:///{folder / 'pingan.db'}")
    try:
        with session_scope(engine) as s:
            return {n: (p, i) for n, p, i in s.execute(
                select(Member.name, Member.phone, Member.id_number)
                .where(Member.name.in_(names)))}
    finally:
        engine.dispose()


def test_title_rows_hidden_phone_column_and_excel_number_ids(  # type: ignore[no-untyped-def]
        browser, server, demo_dir) -> None:  # noqa: F811
    community, team, _ = _team_and_grid(demo_dir)
    true, damaged = rc.damaged_but_valid()
    headers = ["社区", "队伍", "姓名", "手机号码", "联系电话", "身份证号码"]
    rows: list[list[object]] = [
        [community, team, "表格队员甲", "13700000001", "13811110001", rc.make_id(401)],
        [community, team, "表格队员乙", "13700000002", "13811110002", rc.make_id(402)],
        [community, team, "表格队员丙", "13700000003", "13811110003", rc.excel_float(true)]]
    data = rc.xlsx(rows, headers, title=f"{community}{team}名册（2026年）",
                   hidden=("手机号码",), cover=True)

    page = browser.new_context(**DESK).new_page()
    sign_in(page, server, "officer")
    page.locator(NAV).wait_for(state="attached")
    wait_idle(page)
    open_page(page, "名册导入", page.locator('[data-testid="stFileUploaderDropzoneInput"]'),
              state="attached")
    upload = {"name": "名册.xlsx", "mimeType": XLSX, "buffer": data}
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
    wait_idle(page)
    page.locator(".st-key-imp_sheet").wait_for()  # a cover sheet: the sheet is a choice
    page.get_by_role("button", name="检查文件").click()
    wait_idle(page)
    page.get_by_text("有 1 行存在问题").wait_for()
    page.get_by_role("button", name="只导入没有问题的 2 行，有问题的 1 行不导入").click()
    page.get_by_text("导入完成。结果如下：").wait_for()
    metrics = _metrics(page)
    assert (metrics["新增"], metrics["有错误"]) == ("2", "1")
    assert page.locator(".st-key-imp_commit_valid").count() == 0  # done: not offered again
    # one table: the refused row with its reason (the plan's own table is not drawn again)
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    page.context.close()

    stored = _stored(demo_dir, ["表格队员甲", "表格队员乙", "表格队员丙"])
    assert stored == {"表格队员甲": ("13811110001", rc.make_id(401)),
                      "表格队员乙": ("13811110002", rc.make_id(402))}
    assert damaged not in {i for _, i in stored.values()}


def _someone(folder, community: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """An active member of the community: (name, phone)."""
    from sqlalchemy import select

    from db.engine import make_engine, session_scope
    from db.models import Community, Member, Membership, Team

    engine = make_engine(f"sqlite:///{folder / 'pingan.db'}")
    try:
        with session_scope(engine) as s:
            row = s.execute(select(Member.name, Member.phone)
                            .join(Membership, Membership.member_id == Member.id)
                            .join(Team, Team.id == Membership.team_id)
                            .join(Community, Community.id == Team.community_id)
                            .where(Community.name == community, Member.active.is_(True))
                            .order_by(Member.id)).first()
            assert row is not None
            return row[0], row[1]
    finally:
        engine.dispose()


def test_a_shared_phone_is_decided_on_the_page_and_nobody_is_renamed(  # type: ignore[no-untyped-def]
        browser, server, demo_dir) -> None:  # noqa: F811
    community, team, _ = _team_and_grid(demo_dir)
    name, phone = _someone(demo_dir, community)
    data = rc.csv_bytes([[community, team, "同户家属", phone, ""]])

    page = browser.new_context(**DESK).new_page()
    sign_in(page, server, "officer")
    page.locator(NAV).wait_for(state="attached")
    wait_idle(page)
    open_page(page, "名册导入", page.locator('[data-testid="stFileUploaderDropzoneInput"]'),
              state="attached")
    upload = {"name": "名册.csv", "mimeType": "text/csv", "buffer": data}
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
    wait_idle(page)
    page.get_by_role("button", name="检查文件").click()
    wait_idle(page)
    page.get_by_text("还有 1 行需要您确认是否同一人").wait_for()
    assert _metrics(page)["需确认"] == "1"
    assert page.locator(".st-key-imp_commit").count() == 0  # no import before the answer
    page.locator(".st-key-imp_decide_2").get_by_text("不同的人（新增）").click()
    wait_idle(page)
    page.locator(".st-key-imp_commit button").click()
    page.get_by_text("导入完成。结果如下：").wait_for()
    page.context.close()

    stored = _stored(demo_dir, [name, "同户家属"])
    assert stored[name][0] == phone and stored["同户家属"][0] == phone  # two people, one phone

