"""Real browser: the 110 dispatch export through the incident import page, totalled into the
daily counts; the database holds exactly the incidents the file lists, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from services.core.clock import local_today
from services.stats.periods import since_july
from tests import sheet_files as sf
from tests.browser_util import (  # noqa: F401 - fixtures
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
MEANING = {"盗窃": "criminal", "诈骗": "criminal", "纠纷": "other", "交通事故": "other",
           "打架斗殴": "public_order", "噪音扰民": "public_order", "重复报警": "skip"}


def _places(folder: Path) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from db.engine import make_engine, session_scope
    from db.models import Community, Station

    engine = make_engine(f"sqlite:///{folder / 'pingan.db'}")
    try:
        with session_scope(engine) as s:
            rows = s.execute(select(Station.name, Community.name).join(
                Community, Community.station_id == Station.id).order_by(Community.id).limit(3))
            return [(a, b) for a, b in rows]
    finally:
        engine.dispose()


def _counts(folder: Path) -> dict[tuple[object, str, str], int]:
    from sqlalchemy import select

    from db.engine import make_engine, session_scope
    from db.models import Community, IncidentCount

    engine = make_engine(f"sqlite:///{folder / 'pingan.db'}")
    try:
        with session_scope(engine) as s:
            rows = s.execute(select(IncidentCount.day, IncidentCount.category, Community.name,
                                    IncidentCount.count).join(Community))
            return {(d, c, n): k for d, c, n, k in rows}
    finally:
        engine.dispose()


def _sign_in(page, server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in once the form is drawn and idle, and see that it took (under a heavy load a
    rerun can redraw the form between the typing and the click: then type again)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        page.goto(server + "/")
        page.get_by_label("密码").wait_for(state="visible", timeout=120_000)
        wait_idle(page, 120_000)
        sign_in(page, server, username)
        try:
            signed_in(page, timeout=60_000)
        except PlaywrightTimeout:
            continue
        wait_idle(page, 120_000)
        return
    raise AssertionError("the sign-in never took")


def _import(page, server: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    open_page(page, "警情导入", page.locator('[data-testid="stFileUploaderDropzoneInput"]'),
              state="attached")
    upload = {"name": "110接处警导出.xlsx", "buffer": data,
              "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
    wait_idle(page, 120_000)
    page.get_by_text("逐条警情（110 接处警导出，每行一起）").first.wait_for()
    run = page.get_by_role("button", name="开始导入")
    run.wait_for()
    wait_idle(page, 120_000)
    run.click()
    page.get_by_text("导入完成", exact=False).first.wait_for(timeout=120_000)


def test_the_dispatch_export_is_totalled_into_daily_counts_once(  # type: ignore[no-untyped-def]
        browser, server, demo_dir) -> None:  # noqa: F811
    places = _places(demo_dir)
    # A month well before both halves of the since-July comparison, so the bureau's figures
    # that the statistics test reads from the same shared demo stay the demo's own.
    july = since_july(local_today()).first
    start = datetime.combine(july.replace(year=july.year - 1) - timedelta(days=60),
                             datetime.min.time())
    rows = sf.dispatch_rows(places, 70, first_day=start)
    data = sf.dispatch_export(rows)
    before = _counts(demo_dir)
    page = browser.new_context(**DESK).new_page()
    _sign_in(page, server, "admin")
    _import(page, server, data)
    after = _counts(demo_dir)
    added = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    assert {k: v for k, v in added.items() if v} == sf.dispatch_totals(rows, MEANING)

    _import(page, server, data)  # the same export again: nothing counted twice
    assert _counts(demo_dir) == after
    page.context.close()
