"""The roster import page in the real browser: a 20,000-row .xlsx from upload to done, beside
the same import through the services in this run (the issue's floor: within 1.5 times)."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import Community, Grid, Team, User
from services import roster
from services.accounts.auth import actor_for

Report = Callable[..., None]
ROWS = 20_000
RUNS = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# In the page: the wall-clock time (the same clock as time.time here) at which the app last
# went from running to idle.
IDLE_CLOCK = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.pinganIdleAt = Date.now() / 1000;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'notRunning') {
      if (window.pinganRunning) window.pinganIdleAt = Date.now() / 1000;
      window.pinganRunning = false;
    } else {
      window.pinganRunning = true;
    }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def _file(db: Path) -> bytes:
    from tests import roster_files as rf

    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as s:
        officer = s.scalars(select(User).where(User.username == "officer")).one()
        c = s.scalars(select(Community).where(Community.officer_id == officer.officer_id)
                      .order_by(Community.id)).first()
        assert c is not None
        teams = list(s.scalars(select(Team.name).where(Team.community_id == c.id,
                                                       Team.active.is_(True))))
        grids = list(s.scalars(select(Grid.name).where(Grid.community_id == c.id)))
    engine.dispose()
    rows, _ = rf.member_rows(c.name, teams, grids, ROWS, start=1_200_000)
    return rf.to_xlsx(rf.HEADERS_ZH, rows)


def _service(db: Path, data: bytes) -> tuple[float, dict[str, float]]:
    from ui.roster.common import import_aliases

    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as s:
        actor = actor_for(s, s.scalars(select(User).where(User.username == "officer")).one())
    started = time.perf_counter()
    table = roster.read_table(data, "名册.xlsx")
    mapping = roster.guess_mapping("members", table.headers, table.hidden)
    phases = {"read": time.perf_counter() - started}
    with session_scope(engine, write=True) as s:
        roster.preview_import(s, actor=actor, kind="members", table=table, mapping=mapping,
                              aliases=import_aliases())
    phases["check (the preview)"] = time.perf_counter() - started - sum(phases.values())
    with session_scope(engine, write=True) as s:
        roster.run_import(s, actor=actor, kind="members", table=table, mapping=mapping,
                          aliases=import_aliases(), valid_only=True)
    took = time.perf_counter() - started
    phases["import (check again + write)"] = took - sum(phases.values())
    engine.dispose()
    return took, phases


def _page(folder: Path, data: bytes) -> tuple[float, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    from tests.browser_util import (
        CHROMIUM,
        CHROMIUM_ARGS,
        IDLE,
        NAV,
        sign_in,
        start_server,
        wait_idle,
    )

    url, proc = start_server(folder)
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        context.set_default_timeout(120_000)  # a hang fails the bench, not waits forever
        page = context.new_page()
        sign_in(page, url, "officer")
        page.locator(NAV).wait_for(state="attached")
        wait_idle(page)
        page.get_by_role("link", name="名册导入").first.click()
        wait_idle(page)
        # A phase runs from the clerk's action to the moment the page went idle with the
        # control they need next on it, as the page itself noted the time: Playwright polls a
        # long wait every 0.5 s, which would add up to half a second to a phase the clerk did
        # not wait for.
        page.evaluate(IDLE_CLOCK)
        phases: dict[str, float] = {}

        def phase(name: str, begun: float, then: Any) -> None:
            then.wait_for()
            page.wait_for_selector(IDLE)
            phases[name] = page.evaluate("window.pinganIdleAt") - begun

        begun = time.time()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            {"name": "名册.xlsx", "mimeType": XLSX, "buffer": data})
        check = page.get_by_role("button", name="检查文件")
        phase("upload and read", begun, check)
        begun = time.time()
        check.click()
        commit = page.get_by_role("button", name="只导入没有问题的")
        phase("check (the preview)", begun, commit)
        begun = time.time()
        commit.click()
        phase("import (check again + write)", begun, page.get_by_text("导入完成。结果如下："))
        took = sum(phases.values())
        context.close()
        return took, phases
    finally:
        browser.close()
        pw.stop()
        proc.terminate()
        proc.wait(timeout=30)


def run(report: Report) -> None:
    from bench.bench_roster import demo_db
    from tests.browser_util import CHROMIUM

    if not CHROMIUM:
        report("roster import page: skipped", 0, "", f"no Chromium at {CHROMIUM}")
        return
    demo = demo_db()
    data = _file(demo)
    # Both sides three times, alternating, each on a fresh copy of the demo: the medians and
    # their ratio, as one run alone moved by a fifth on a shared machine.
    runs: list[tuple[float, dict[str, float], float, dict[str, float]]] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            shutil.copy(demo, Path(a) / "pingan.db")
            shutil.copy(demo, Path(b) / "pingan.db")
            service, service_phases = _service(Path(a) / "pingan.db", data)
            page, phases = _page(Path(b), data)
        runs.append((service, service_phases, page, phases))
    service = statistics.median(r[0] for r in runs)
    page = statistics.median(r[2] for r in runs)
    each = ", ".join(f"{r[2] / r[0]:.2f}" for r in runs)
    report(f"roster import {ROWS:,} rows: services (read + check + write), median of {RUNS}",
           service, "s", "the floor of the line below")
    report(f"roster import {ROWS:,} rows: page in Chromium, upload to done, median of {RUNS}",
           page, "s", f"{page / service:.2f} × the services' time (target ≤ 1.5 ×; "
           f"each run: {each})")
    for phase in runs[0][1]:
        report(f"  services phase: {phase}", statistics.median(r[1][phase] for r in runs), "s")
    for phase in runs[0][3]:
        report(f"  page phase: {phase}", statistics.median(r[3][phase] for r in runs), "s")
