"""A new emergency lead on the command board with its alarm playing, in Chromium, ten times:
seconds from the grid worker's submit (report_lead committed, as the form's submit does) to
the commander's board showing its flashing banner with the siren's audio element playing."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from statistics import median

from sqlalchemy import select

from bench.common import sqlite_million
from db.engine import session_scope
from db.models import Community, User
from services import leads
from services.accounts.auth import actor_for
from ui.board.alarm import ALARM_EVERY

Report = Callable[[str, float, str, str], None]
TIMES = 10
PLAYING = ("id => !!document.querySelector(`.pingan-alarm[data-lead=\"${id}\"]`) && "
           "[...document.querySelectorAll('audio')].some(a => !a.paused && a.currentTime > 0)")


def _submit(engine) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine, write=True) as s:
        grid = actor_for(s, s.scalars(select(User).where(User.username == "grid")).one())
        community = s.scalar(select(Community.id).where(Community.name == "双林社区"))
        return leads.report_lead(s, actor=grid, category="fire", urgency="emergency",
                                 description="居民楼冒烟（基准测试）", community_id=community).id


def alarm_latency(report: Report) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, NAV, sign_in, start_server, wait_idle

    if not CHROMIUM:
        print("(alarm latency skipped: no Chromium)")
        return
    engine = sqlite_million()
    url = engine.url.render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory() as data_dir:
        base, proc = start_server(__import__("pathlib").Path(data_dir),
                                  {"PINGAN_DATABASE_URL": url})
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
                page = browser.new_context().new_page()
                page.set_default_timeout(120_000)
                sign_in(page, base, "commander")
                page.locator(NAV).wait_for(state="attached")
                wait_idle(page)
                page.get_by_role("link", name="指挥台").first.click()
                page.locator(".st-key-board_sound_enable button").click()
                page.get_by_text("声音已开启").wait_for()
                times = []
                for _ in range(TIMES):
                    lead_id = _submit(engine)
                    started = time.perf_counter()
                    page.wait_for_function(PLAYING, arg=lead_id, timeout=60_000)
                    times.append(time.perf_counter() - started)
                    wait_idle(page)
                    page.locator(f".st-key-board_ack_{lead_id} button").click()
                    page.locator(f'.pingan-alarm[data-lead="{lead_id}"]').wait_for(
                        state="detached")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report("new emergency on the board, alarm playing (Chromium), median", median(times), "s",
           f"target ≤ 6 s; worst {max(times):.1f} s of {TIMES}; alarm read every {ALARM_EVERY}; "
           f"load average {os.getloadavg()[0]:.1f}")
