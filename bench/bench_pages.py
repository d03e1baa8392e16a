"""Speed as a person feels it, in Chromium, on the default demo district (issue 17, item 8).

For every page, with the first role (commander, admin, officer, grid worker) whose menu has it:
seconds from the click on its menu link until the app is idle again (the script run that the
click started has ended), the first visit after signing in and again warm; the map page also
waits for deck.gl's canvas. The sign-in page: seconds from opening the address of a freshly
started server (its health check already answered) until the sign-in form is there and idle.
Each figure is the median of ROUNDS; each round signs in anew in a new browser context.

The floor, measured in the same run: a bare Streamlit app of two trivial pages under
st.navigation, served the same way; its page switch and its first page load are what
Streamlit itself costs on this machine today. Each figure is printed with its ratio to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

from bench.common import BENCH_DIR
from db.engine import make_engine
from db.migrate import upgrade

Report = Callable[[str, float, str, str], None]
ROUNDS = int(os.environ.get("PINGAN_BENCH_ROUNDS", "5"))
ROLES = ("commander", "admin", "officer", "grid")  # the first whose menu has a page measures it
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
BARE_APP = """
import streamlit as st

st.set_page_config(initial_sidebar_state="expanded")

def one():
    st.title("One")
    st.button("Press")

def two():
    st.title("Two")
    st.write("A second page")

st.navigation([st.Page(one, title="One", default=True),
               st.Page(two, title="Two", url_path="two")]).run()
"""


def _demo() -> Path:
    """The default demo district (`pingan demo load`, today's), built once a day and kept."""
    from services.core.clock import local_today
    from services.demo import load_demo

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    folder = BENCH_DIR / f"demo-{local_today().isoformat()}"
    done = folder / "loaded"
    if not done.exists():
        folder.mkdir(exist_ok=True)
        for old in folder.glob("pingan.db*"):
            old.unlink()
        began = time.perf_counter()
        engine = make_engine(f"sqlite:///{folder / 'pingan.db'}")
        upgrade(engine)
        load_demo(engine, today=local_today())
        engine.dispose()
        done.write_text(date.today().isoformat())
        print(f"(default demo loaded in {time.perf_counter() - began:.0f} s)", flush=True)
    return folder


def _wait_health(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"no answer from {url}")


@contextmanager
def _bare_server(app: str = BARE_APP) -> Iterator[str]:
    from tests.browser_util import free_port

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare.py"
        script.write_text(app, encoding="utf-8")
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_health(url, proc)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@contextmanager
def _pingan_server(folder: Path) -> Iterator[str]:
    from tests.browser_util import start_server

    url, proc = start_server(folder)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _context(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(120_000)
    return context


def _open(page: Any, url: str, ready: str) -> float:
    began = time.perf_counter()
    page.goto(url)
    page.locator(ready).first.wait_for()
    page.wait_for_selector(IDLE)
    return time.perf_counter() - began


def _click_and_wait(page: Any, link: Any, then: str, path: str | None = None) -> float:
    """Seconds from the click until the run it started has ended: the address shows the new
    page (Streamlit changes it when the page's run starts), or for a click that stays on the
    page `then` appears (it was not there before); then the app is idle with `then` there."""
    page.wait_for_selector(IDLE)  # a click during a rerun can be lost
    began = time.perf_counter()
    link.click()
    if path is not None:
        # the address itself, not a navigation event (a same-document change of address can
        # come before the wait starts: wait_for_url then waited for a "load" that never came)
        page.wait_for_function("p => location.pathname.replace(/\\/+$/, '') === p",
                               arg=path.rstrip("/"))
    page.locator(then).first.wait_for()
    page.wait_for_selector(IDLE)
    return time.perf_counter() - began


def _floor(browser: Any) -> tuple[float, float]:
    """The bare app: median first load and median page switch."""
    loads, switches = [], []
    with _bare_server() as url:
        for _ in range(ROUNDS):
            context = _context(browser)
            page = context.new_page()
            loads.append(_open(page, url + "/", "text=Press"))
            nav = page.locator('[data-testid="stSidebarNav"]')
            for name, path in (("Two", "/two"), ("One", "/")):
                switches.append(_click_and_wait(page, nav.get_by_role("link", name=name),
                                                f"text={name}", path))
            context.close()
    return median(loads), median(switches)


def _sign_in_page(browser: Any, folder: Path) -> list[float]:
    """A fresh server each time: the first visitor after a start."""
    times = []
    for _ in range(ROUNDS):
        with _pingan_server(folder) as url:
            context = _context(browser)
            times.append(_open(context.new_page(), url + "/", 'input[aria-label="用户名"]'))
            context.close()
    return times


def _pages_by_role() -> dict[str, list[tuple[str, str, str]]]:
    """(menu title, what shows it is drawn, address) per role, each under the first role."""
    from services.core.actor import ROLE_PERMS, Role
    from ui.core import nav
    from ui.core.i18n import translate

    roles = {"commander": Role.SUPERVISOR, "admin": Role.ADMIN, "officer": Role.OFFICER,
             "grid": Role.GRID_WORKER}
    taken: set[str] = set()
    plan: dict[str, list[tuple[str, str, str]]] = {}
    for username in ROLES:
        for spec in nav.PAGES:
            if spec.hidden or spec.path in taken or spec.perm not in ROLE_PERMS[roles[username]]:
                continue
            taken.add(spec.path)
            ready = '[data-testid="stDeckGlJsonChart"] canvas' if spec.path == "pages/map.py" \
                else CONTENT
            path = "/" if spec.path == "pages/home.py" else "/" + Path(spec.path).stem
            plan.setdefault(username, []).append((translate("zh", spec.title_key), ready, path))
    return plan


# What shows a page is drawn: its first element, not the cookie writer's frame (hidden, and
# first on the page while a cookie write waits for the browser's answer)
CONTENT = ('[data-testid="stMain"] [data-testid="stElementContainer"]'
           ':not([class*="st-key-pingan_cookie"])')


def _visit_all(browser: Any, url: str) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    from tests.browser_util import DEMO_PASSWORD, NAV

    first: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    for _ in range(ROUNDS):
        for username, pages in _pages_by_role().items():
            context = _context(browser)
            page = context.new_page()
            _open(page, url + "/", 'input[aria-label="用户名"]')
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            _click_and_wait(page, page.get_by_role("button", name="登录"), NAV)
            nav = page.locator(NAV)
            for times in (first, warm):
                for title, ready, path in pages:
                    link = nav.get_by_role("link", name=title, exact=True)
                    try:
                        took = _click_and_wait(page, link, ready, path)
                    except Exception as exc:
                        raise RuntimeError(f"{username}: {title} ({path}) not reached") from exc
                    times.setdefault(title, []).append(took)
            context.close()
    return first, warm


def run(report: Report) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser_util import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM:
        print("(page speed skipped: no Chromium)")
        return
    folder = _demo()
    load = f"load average {os.getloadavg()[0]:.1f}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        bare_load, bare_switch = _floor(browser)
        report("floor: bare Streamlit, first load, median", bare_load, "s", load)
        report("floor: bare Streamlit, page switch, median", bare_switch, "s", "")
        sign_in = _sign_in_page(browser, folder)
        report("sign-in page after a server start, median", median(sign_in), "s",
               f"target ≤ 2 s; {median(sign_in) / bare_load:.1f}× floor; worst {max(sign_in):.1f}")
        with _pingan_server(folder) as url:
            first, warm = _visit_all(browser, url)
        browser.close()
    for title in first:
        is_map = "地图" in title
        f, w = median(first[title]), median(warm[title])
        target = "map drawn ≤ 3 s" if is_map else "≤ 3 s first, ≤ 1.5 s warm"
        report(f"{title}: first visit after sign-in, median", f, "s",
               f"{target}; {f / bare_switch:.1f}× floor; worst {max(first[title]):.1f}")
        report(f"{title}: warm, median", w, "s", f"{w / bare_switch:.1f}× floor")
    print(f"({load} at the end: {os.getloadavg()[0]:.1f})")
