"""Real browser: the map draws from the app alone (every request recorded), layers switch."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import browser_util
from tests.browser_util import ROOT, sign_in, signed_in, wait_idle

pytestmark = pytest.mark.browser
browser, demo_dir, server = browser_util.browser, browser_util.demo_dir, browser_util.server
CHART = '[data-testid="stDeckGlJsonChart"]'
DOCS_SHOT = ROOT / "docs" / "map.png"


def outside(requests: list[str], base: str) -> str:
    """What went anywhere but the app itself (data: and blob: stay local), as a message."""
    urls = sorted({u for u in requests if not (
        u.startswith(base + "/") or u == base or u.startswith(("data:", "blob:")))})
    hint = (" (a ':material/...:' page_icon in st.set_page_config makes the browser fetch the"
            " favicon from fonts.gstatic.com: use an emoji or a local image)"
            if any("materialsymbols" in u for u in urls) else "")
    return f"requests left the app: {urls}{hint}" if urls else ""


def open_map(page: Any, base: str) -> None:
    """Open the map page and wait until deck.gl has drawn its canvas."""
    page.goto(base + "/map")
    page.wait_for_selector(f"{CHART} canvas")
    wait_idle(page)


def colours_in(png: bytes) -> int:
    """How many distinct colours a screenshot holds (a blank canvas has one or two)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        return len(img.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def chart_shot(page: Any) -> bytes:
    """The chart once deck.gl has finished drawing after the rerun: two shots in a row alike
    (software WebGL on a busy machine can take seconds for a frame)."""
    wait_idle(page)
    shot: bytes = page.locator(CHART).screenshot()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        again: bytes = page.locator(CHART).screenshot()
        if again == shot and colours_in(shot) > 2:
            return shot
        shot = again
    return shot


def use_language(page: Any, name: str) -> None:
    """Switch the UI language from the sidebar (it is remembered on the account)."""
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()
    wait_idle(page)


def _server_map(data_dir: Path, username: str) -> dict[str, Any]:
    """The map the server draws for this user by default (same services, same database)."""
    from sqlalchemy import select

    from db.engine import make_engine, session_scope
    from db.models import User
    from services import maps
    from services.accounts.auth import actor_for
    from ui.maps.build import MapOptions, build_map

    engine = make_engine(f"sqlite:///{data_dir / 'pingan.db'}")
    with session_scope(engine) as s:
        actor = actor_for(s, s.scalars(select(User).where(User.username == username)).one())
        layers = maps.DEFAULT_LAYERS | ({"grids"} if maps.grids_by_default(actor) else set())
        view = maps.map_view(s, actor=actor, filters=maps.MapFilters(), layers=layers)
    engine.dispose()
    deck, _ = build_map(view, MapOptions(layers=layers))
    spec: dict[str, Any] = json.loads(deck.to_json())
    return spec


def _pixel(view: dict[str, float], lon: float, lat: float) -> tuple[float, float]:
    """Offset in CSS pixels of (lon, lat) from the view's centre (Web Mercator, 512 px tiles)."""
    scale = 512 * 2 ** view["zoom"] / (2 * math.pi)

    def xy(lo: float, la: float) -> tuple[float, float]:
        merc = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return math.radians(lo) * scale, -merc * scale

    x, y = xy(lon, lat)
    cx, cy = xy(view["longitude"], view["latitude"])
    return x - cx, y - cy


def _on_canvas(page: Any, view: dict[str, float], lon: float, lat: float) -> tuple[float, float]:
    box = page.locator(f"{CHART} canvas").first.bounding_box()
    dx, dy = _pixel(view, lon, lat)
    return box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy


def _loneliest(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The point farthest from any other, so that a click picks exactly it."""
    def gap(p: dict[str, Any]) -> float:
        return min((math.hypot(p["lon"] - q["lon"], p["lat"] - q["lat"])
                    for q in points if q is not p), default=1.0)

    return max(points, key=gap)


def _signed_in_map(chromium: Any, base: str, username: str) -> tuple[Any, Any, list[str]]:
    """A fresh context recording every request, signed in, on the drawn map, in Chinese."""
    context = chromium.new_context(viewport={"width": 1440, "height": 1200})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    sign_in(page, base, username)
    signed_in(page)  # /map is opened by URL next: the session cookie must be there
    use_language(page, "中文")
    open_map(page, base)
    return context, page, requests


def test_map_draws_offline_and_layers_switch(browser, server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context, page, requests = _signed_in_map(browser, server, "commander")
    before = chart_shot(page)
    assert colours_in(before) > 20, "the deck.gl canvas is blank"
    legend = page.locator(".map-legend")
    assert "未结线索" in legend.first.inner_text()

    page.get_by_role("button", name="队伍覆盖").click()  # the team coverage layer
    wait_idle(page)
    page.get_by_text("网格无在岗队员").first.wait_for()
    after = chart_shot(page)
    assert after != before and colours_in(after) > 20

    page.get_by_role("button", name="队伍覆盖").click()
    wait_idle(page)
    use_language(page, "English")  # the README's screenshot; CI has no Chinese fonts
    page.get_by_text("Open leads", exact=True).first.wait_for()
    chart_shot(page)
    shot = tmp_path / "map.png"
    page.locator('[data-testid="stMain"]').screenshot(path=str(shot))
    if os.environ.get("PINGAN_UPDATE_DOCS"):
        shutil.copyfile(shot, DOCS_SHOT)
    use_language(page, "中文")
    context.close()
    assert not outside(requests, server), outside(requests, server)


def test_a_lead_clicked_on_the_map_opens_its_page(browser, server, demo_dir) -> None:  # type: ignore[no-untyped-def]
    spec = _server_map(demo_dir, "commander")
    points = {layer["id"]: layer for layer in spec["layers"]}["leads"]["data"]
    assert points, "the demo has leads in the last 7 days"
    lead = _loneliest(points)
    context, page, requests = _signed_in_map(browser, server, "commander")
    chart_shot(page)  # the frame is drawn: deck.gl can pick what lies under the mouse
    x, y = _on_canvas(page, spec["initialViewState"], lead["lon"], lead["lat"])
    tip = page.locator(".deck-tooltip").get_by_text(f"线索 #{lead['id']}", exact=False)
    deadline = time.monotonic() + 90
    while True:  # hover again until deck.gl answers: it picks only once the layer is ready
        page.mouse.move(x - 3, y)
        page.mouse.move(x, y)
        try:
            tip.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:
            assert time.monotonic() < deadline, "no tooltip for the lead under the mouse"
    page.mouse.click(x, y)
    wait_idle(page)
    if (ROOT / "pages/lead.py").exists():
        page.wait_for_url("**/lead*")
    else:
        page.get_by_text("该页面尚未开放").wait_for()
    context.close()
    assert not outside(requests, server), outside(requests, server)


def test_an_officer_sees_their_own_community(browser, server, demo_dir) -> None:  # type: ignore[no-untyped-def]
    spec = _server_map(demo_dir, "officer")
    layers = {layer["id"]: layer for layer in spec["layers"]}
    mine = layers["communities"]["data"]["features"]
    assert len(mine) == 1 and "grids" in layers  # a close view: grids from the start
    context, page, requests = _signed_in_map(browser, server, "officer")
    assert colours_in(chart_shot(page)) > 20
    grids = layers["grids"]["data"]["features"]
    ring = grids[0]["geometry"]["coordinates"][0]
    lon = sum(c[0] for c in ring[:-1]) / (len(ring) - 1)
    lat = sum(c[1] for c in ring[:-1]) / (len(ring) - 1)
    x, y = _on_canvas(page, spec["initialViewState"], lon, lat)
    tip = page.locator(".deck-tooltip").get_by_text("网格", exact=False)
    deadline = time.monotonic() + 90
    while True:  # hover again until deck.gl answers: it picks only once the layer is ready
        page.mouse.move(x - 3, y)
        page.mouse.move(x, y)
        try:
            tip.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:
            assert time.monotonic() < deadline, page.locator(".deck-tooltip").all_inner_texts()
    context.close()
    assert not outside(requests, server), outside(requests, server)
