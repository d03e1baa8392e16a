"""Real-browser fixtures: a Streamlit server over a small demo district, and headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest

from db.engine import make_engine
from db.migrate import upgrade
from services.core.clock import local_today

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage"]
DEMO_PASSWORD = "pingan-demo"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
NAV = ".st-key-nav_menu"  # the app's own menu (ui.shell.menu); Streamlit's is switched off


def _need_browser() -> None:
    if CHROMIUM is None:
        if os.environ.get("PINGAN_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (PINGAN_REQUIRE_BROWSER) but not installed")
        pytest.skip("no Chromium installed: apt-get install chromium to run browser tests")


def free_port() -> int:
    """A port nobody listens on now (the system's choice), for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    data_dir: Path, extra_env: dict[str, str] | None = None
) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    env = {**os.environ, "PINGAN_DATABASE_URL": f"sqlite:///{data_dir / 'pingan.db'}",
           "PINGAN_DATA_DIR": str(data_dir), "PINGAN_DEMO": "1", **(extra_env or {})}
    env.pop("PINGAN_SECRET_KEY", None)
    log = open(data_dir / f"server-{port}.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli.server",  # as `pingan serve` starts it
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return url, proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the Streamlit server did not start: see " + log.name)


# Test modules import these fixtures, which makes pytest see one fixture per module; the
# work itself is shared here so that the session has one demo, one server, one Chromium.
_shared: dict[str, Any] = {}
_cleanups: list[Callable[[], None]] = []


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo district in a SQLite file, loaded once per test session."""
    if "demo" not in _shared:
        from services.demo import load_demo

        path = tmp_path_factory.mktemp("demo")
        engine = make_engine(f"sqlite:///{path / 'pingan.db'}")
        upgrade(engine)
        load_demo(engine, leads=3000, today=local_today())
        engine.dispose()
        _shared["demo"] = path
    return cast(Path, _shared["demo"])


@pytest.fixture(scope="session")
def server(demo_dir: Path) -> str:
    _need_browser()
    if "server" not in _shared:
        url, proc = start_server(demo_dir)
        _shared["server"] = url

        def stop() -> None:
            proc.terminate()
            proc.wait(timeout=20)

        _cleanups.append(stop)
    return cast(str, _shared["server"])


@pytest.fixture(scope="session")
def browser() -> object:
    _need_browser()
    if "browser" not in _shared:
        from playwright.sync_api import expect, sync_playwright

        expect.set_options(timeout=120_000)  # expect() waits as long as the contexts do
        pw = sync_playwright().start()
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _shared["browser"] = _PatientBrowser(b)
        _cleanups.append(pw.stop)
        _cleanups.append(b.close)
    return _shared["browser"]


class _PatientBrowser:
    """The shared Chromium, whose new contexts (and expect()) wait longer than Playwright's
    30 s (5 s) default: a busy two-core CI machine can take that long to rerun a page."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        context.set_default_timeout(120_000)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


def _open_pages() -> list[Any]:
    """Every page still open in the shared Chromium (a failed test leaves its own open)."""
    browser = _shared.get("browser")
    if browser is None:
        return []
    with contextlib.suppress(Exception):  # a browser that died has nothing to show
        return [page for context in browser.contexts for page in context.pages]
    return []


def failure_report(out_dir: Path) -> str:
    """What a failed browser test leaves to read: each open page's address, whether the app
    was running a script, the main area's text and a screenshot, and the end of the shared
    server's log. A failure on a busy CI machine is seldom reproduced at will."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = []
    for n, page in enumerate(_open_pages()):
        lines = [f"--- page {n}: {page.url}"]
        with contextlib.suppress(Exception):
            state = page.locator('[data-testid="stApp"]').get_attribute(
                "data-test-script-state", timeout=5_000)
            lines.append(f"script state: {state}")
        with contextlib.suppress(Exception):
            shot = out_dir / f"page-{n}.png"
            page.screenshot(path=str(shot), full_page=True, timeout=20_000)
            lines.append(f"screenshot: {shot}")
        with contextlib.suppress(Exception):
            text = page.locator('[data-testid="stMain"]').inner_text(timeout=5_000)
            lines.append(text[-4000:])
        parts.append("\n".join(lines))
    logs = sorted(Path(_shared["demo"]).glob("server-*.log")) if "demo" in _shared else []
    for log in logs:
        parts.append(f"--- {log.name} (end)\n" + log.read_text(errors="replace")[-3000:])
    return "\n".join(parts)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed and item.get_closest_marker("browser"):
        out = Path(os.environ.get("PINGAN_TEST_ARTIFACTS", ROOT / "data" / "test-artifacts"))
        safe = "".join(c if c.isalnum() else "_" for c in item.nodeid)[-120:]
        with contextlib.suppress(Exception):  # the report must not fail over its extras
            report.sections.append(("what the browser showed", failure_report(out / safe)))
    return report


def shutdown() -> None:
    """Close what the browser tests opened (called once at the end of the session)."""
    while _cleanups:
        with contextlib.suppress(Exception):  # best effort at exit
            _cleanups.pop()()
    _shared.clear()


def wait_idle(page: object, timeout: float | None = None) -> None:
    """Act only when the app is idle: a click during a rerun can be lost."""
    page.wait_for_selector(IDLE, timeout=timeout)  # type: ignore[attr-defined]
    page.wait_for_timeout(200)  # type: ignore[attr-defined]
    page.wait_for_selector(IDLE, timeout=timeout)  # type: ignore[attr-defined]


def open_page(page: Any, name: str, ready: Any, *, state: str = "visible",
              tries: int = 3) -> None:
    """Open a page from the app's menu: click its link, wait until `ready` (a locator on that
    page) is in `state` and the app idle. A menu click that lands while a rerun starts (the
    one the sign-in's cookie write asks for, a fragment's timer) can be lost: CI with both
    cores busy waited 120 s for the roster import page that never came. The wait is for the
    page; when it has not come after 40 s, the link is clicked again (at most `tries` in all)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    link = page.locator(NAV).get_by_role("link", name=name, exact=True)
    for attempt in range(tries):
        wait_idle(page)
        link.click()
        try:
            ready.first.wait_for(state=state,
                                 timeout=40_000 if attempt < tries - 1 else None)
            break
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
    wait_idle(page)


def sign_in(page: object, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/")  # type: ignore[attr-defined]
    wait_idle(page)
    page.get_by_label("用户名").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("密码").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="登录").click()  # type: ignore[attr-defined]
    wait_idle(page)


def choose(page: Any, key: str, option: str, tries: int = 4) -> None:
    """Pick an option of the selectbox with widget key `key`. The list can open a moment
    after the click, or close again when a rerun lands while it opens: try again then."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{key} [role=combobox]")
    box.wait_for(state="visible")
    for _ in range(tries):
        wait_idle(page)
        box.click()
        try:
            page.get_by_role("option", name=option).click(timeout=15_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        wait_idle(page)
        if box.input_value() == option:
            return
    raise AssertionError(f"could not choose {option!r} in {key}")


def signed_in(page: Any, timeout: float | None = None) -> None:
    """Wait until the sign-in has taken: the role's menu is drawn and the session cookie is
    written. Direct URLs opened after this need the cookie."""
    page.locator(NAV).wait_for(state="attached", timeout=timeout)
    deadline = time.monotonic() + 60
    while not any(c["name"] == "pingan_session" for c in page.context.cookies()):
        assert time.monotonic() < deadline, "the session cookie was never written"
        page.wait_for_timeout(200)
