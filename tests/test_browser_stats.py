"""Real browser: the commander opens the statistics page, picks "since July", reads the figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import User
from services.accounts.auth import actor_for
from services.core.clock import local_today
from services.stats import fmt, incidents
from services.stats.periods import since_july
from tests import browser_util
from tests.browser_util import NAV, choose, sign_in, wait_idle

# The shared fixtures, under the names the test asks for.
browser, demo_dir, server = browser_util.browser, browser_util.demo_dir, browser_util.server

pytestmark = pytest.mark.browser


def _expected(folder: Path) -> tuple[str, str]:
    engine = make_engine(f"sqlite:///{folder / 'pingan.db'}")
    try:
        with session_scope(engine) as s:
            user = s.scalars(select(User).where(User.username == "commander")).one()
            got = incidents.compare_incidents(s, actor=actor_for(s, user),
                                              period=since_july(local_today()))
    finally:
        engine.dispose()
    return fmt.pct(got.by_category["criminal"].pct), fmt.pct(got.by_category["public_order"].pct)


def test_commander_reads_the_since_july_figures(browser, server, demo_dir) -> None:  # type: ignore[no-untyped-def]
    criminal, public_order = _expected(demo_dir)
    if date.today() == local_today():
        # The demo was loaded for today, so it gives the bureau's own figures. (browser_util
        # loads it for the machine's date; late in the UTC day Shanghai is already tomorrow.)
        assert (criminal, public_order) == ("-31.9 %", "-14.3 %")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "commander")
    page.locator(NAV).get_by_text("统计分析").click()
    wait_idle(page)
    choose(page, "stats_preset", "本月")
    # the month's figures replace the since-July ones once the rerun lands: wait for that
    expect(page.locator('[data-testid="stMetricDelta"]').filter(has_text=criminal)
           ).to_have_count(0)
    choose(page, "stats_preset", "7月以来（同比）")

    def delta(label: str):  # type: ignore[no-untyped-def]
        return page.locator('[data-testid="stMetric"]').filter(has=page.locator(
            '[data-testid="stMetricLabel"]', has_text=label)).locator(
            '[data-testid="stMetricDelta"]')

    # The figures are redrawn by the rerun the choice started: wait for them, not a time.
    expect(delta("刑事警情")).to_have_text(criminal)
    expect(delta("治安警情")).to_have_text(public_order)
    context.close()
