"""Real browser: the command board's alarm. The commander opens 指挥台 and enables sound with
one click; a new emergency lead flashes on the board with its countdown running down and the
siren's audio element playing; acknowledging stops it. Every wait is for a state."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import Community, LeadEvent, User
from services import board, leads
from services.accounts.auth import actor_for
from tests.browser_util import NAV, open_page, sign_in, wait_idle

pytestmark = pytest.mark.browser
PLAYING = "() => [...document.querySelectorAll('audio')].some(a => !a.paused && a.currentTime > 0)"
SILENT = "() => ![...document.querySelectorAll('audio')].some(a => !a.paused)"


def _report_emergency(demo_dir: Path) -> int:
    """The grid worker of 双林社区 reports an emergency (through the service, as submit does)."""
    engine = make_engine(f"sqlite:///{demo_dir / 'pingan.db'}")
    with session_scope(engine, write=True) as s:
        grid = s.scalars(select(User).where(User.username == "grid")).one()
        actor = actor_for(s, grid)
        community = s.scalar(select(Community.id).where(Community.name == "双林社区"))
        lead_id = leads.report_lead(s, actor=actor, category="fire", urgency="emergency",
                                    description="居民楼三楼冒烟，有人被困",
                                    community_id=community).id
    engine.dispose()
    return lead_id


def _ack_by(demo_dir: Path, lead_id: int) -> int | None:
    engine = make_engine(f"sqlite:///{demo_dir / 'pingan.db'}")
    with session_scope(engine) as s:
        who = s.scalar(select(LeadEvent.actor_user_id).where(LeadEvent.lead_id == lead_id,
                                                              LeadEvent.action == board.ACK))
    engine.dispose()
    return who


def _open_board(chromium, base: str):  # type: ignore[no-untyped-def]
    page = chromium.new_context().new_page()
    nav = page.locator(NAV)
    for _ in range(3):
        sign_in(page, base, "commander")
        with contextlib.suppress(PlaywrightTimeout):
            nav.wait_for(state="attached")
        if nav.count():
            break
    wait_idle(page)
    open_page(page, "指挥台", page.get_by_text("声音未开启"))
    return page


def _countdown(page, lead_id: int) -> int:  # type: ignore[no-untyped-def]
    text = page.locator(f'.pingan-alarm[data-lead="{lead_id}"] .pingan-countdown').inner_text()
    minutes, seconds = text.strip().split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def test_alarm_plays_after_enabling_counts_down_and_stops_on_acknowledgement(
        server: str, browser, demo_dir: Path) -> None:  # type: ignore[no-untyped-def]
    page = _open_board(browser, server)
    page.locator(".st-key-board_sound_enable button").click()
    page.get_by_text("声音已开启").wait_for()
    lead_id = _report_emergency(demo_dir)
    banner = page.locator(f'.pingan-alarm[data-lead="{lead_id}"]')
    banner.wait_for(timeout=60_000)  # the next refresh of the board (every 5 s)
    page.wait_for_function(PLAYING, timeout=60_000)
    first = _countdown(page, lead_id)
    assert 0 < first <= 5 * 60  # an emergency has five minutes to be accepted
    page.wait_for_function(  # the countdown runs down with the refreshes
        f"""() => {{ const e = document.querySelector(
            '.pingan-alarm[data-lead="{lead_id}"] .pingan-countdown');
            if (!e) return false; const [m, s] = e.textContent.trim().split(':').slice(-2);
            return Number(m) * 60 + Number(s) < {first}; }}""", timeout=60_000)
    assert banner.evaluate("e => getComputedStyle(e).animationName") == "pingan-flash"
    # acknowledge every emergency sounding (the demo may have its own), ours last
    for _ in range(20):
        wait_idle(page)
        others = page.locator(".pingan-alarm").evaluate_all(
            "els => els.map(e => Number(e.dataset.lead))")
        if not others:
            break
        target = next((i for i in others if i != lead_id), others[0])
        page.locator(f".st-key-board_ack_{target} button").click()
        page.locator(f'.pingan-alarm[data-lead="{target}"]').wait_for(state="detached",
                                                                      timeout=60_000)
    page.wait_for_function(SILENT, timeout=60_000)
    assert banner.count() == 0
    assert _ack_by(demo_dir, lead_id) is not None
