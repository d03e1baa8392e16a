"""A grid worker's report from a phone, in Chromium at 390 x 844 (issue 16's figures).

One round: open the sign-in page, sign in, tap 上报线索, take the position the browser gives
(granted, at the worker's own grid), take a photo with a fake camera, choose a category, type
one sentence, submit, and wait for the confirmation with the lead's number. Counted:

- taps: every click on a control of the app (buttons, the category list and its option, the
  locate button when the form has not located by itself). Typing into a field is typing, not a
  tap, as on a phone where the keyboard's "next" key moves between fields; the taps that
  only focus a field are counted apart and printed beside.
- waiting: the seconds from each tap until the control needed next is there and the app idle
  (the time a person stands and waits), summed; the typing itself is not counted.
- the notice: the officer to whom the lead went accepts it (through the service, as their
  form would); seconds until the grid worker's open page shows the notice with its link.

The floor, in the same run: a bare Streamlit app's button rerun, measured the same way, times
the number of taps: what Streamlit itself would make the worker wait for as many taps.
Each figure is the median of ROUNDS rounds on the default demo district (bench_pages builds it).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

from bench.bench_pages import IDLE, ROUNDS, _bare_server, _demo, _pingan_server

Report = Callable[[str, float, str, str], None]
BARE_COUNTER = """
import streamlit as st

st.session_state.setdefault("n", 0)
if st.button("Press"):
    st.session_state.n += 1
st.write(f"Pressed {st.session_state.n}")
"""


class Worker:
    """The grid worker's hand: counts taps and the seconds spent waiting for the app."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.context = page.context
        self.taps = 0
        self.focus_taps = 0
        self.waited = 0.0
        self.steps: dict[str, float] = {}  # seconds waited after each step, by step

    def tap(self, step: str, target: Any, then: Any) -> None:
        """Tap `target`, then wait until `then` (a locator, or a JavaScript condition) is
        there and the app is idle."""
        self.page.wait_for_selector(IDLE)
        began = time.perf_counter()
        target.click()
        self.taps += 1
        if isinstance(then, str):  # a condition on the page, in JavaScript
            self.page.wait_for_function(then)
        else:
            then.first.wait_for()
        self.page.wait_for_selector(IDLE)
        self.wait(step, time.perf_counter() - began)

    def wait(self, step: str, seconds: float) -> None:
        self.waited += seconds
        self.steps[step] = self.steps.get(step, 0.0) + seconds

    def type_into(self, field: Any, text: str) -> None:
        self.focus_taps += 1
        field.click()
        field.fill(text)


def _one_report(browser: Any, base: str, where: tuple[float, float]) -> tuple[Worker, int]:
    from tests.browser_util import DEMO_PASSWORD, NAV
    from tests.test_browser_phone import PHONE

    context = browser.new_context(**PHONE, geolocation={
        "latitude": where[0], "longitude": where[1], "accuracy": 15},
        permissions=["geolocation", "camera"])
    context.set_default_timeout(120_000)
    page = context.new_page()
    w = Worker(page)
    began = time.perf_counter()
    page.goto(base + "/")
    page.get_by_label("用户名").wait_for()
    page.wait_for_selector(IDLE)
    w.wait("open", time.perf_counter() - began)
    w.type_into(page.get_by_label("用户名"), "grid")
    w.type_into(page.get_by_label("密码"), DEMO_PASSWORD)
    w.tap("sign in", page.get_by_role("button", name="登录"),
          page.locator(".st-key-home_report button"))
    page.locator(NAV).wait_for(state="attached")
    w.tap("report", page.locator(".st-key-home_report button"),
          page.locator('[data-testid="stCameraInput"] video'))
    where_text = page.get_by_text(re.compile("事发地点："))
    if not where_text.is_visible():  # the form locates by itself once allowed
        w.tap("locate", page.locator('[data-testid="pl-locate"]'), where_text)
    page.wait_for_function("() => { const v = document.querySelector("
                           "'[data-testid=stCameraInput] video'); return v && v.readyState >= 2; }")
    w.tap("photo", page.get_by_role("button", name=re.compile("Take Photo|拍照")),
          page.get_by_role("button", name=re.compile("Clear photo|清除")))
    w.tap("category list", page.locator(".st-key-lead_form_category [role=combobox]"),
          page.get_by_role("option", name="可疑人员/车辆"))
    w.tap("category", page.get_by_role("option", name="可疑人员/车辆"),  # chosen: the box's value
          "() => document.querySelector('.st-key-lead_form_category input')?.value"
          " === '可疑人员/车辆'")
    w.type_into(page.locator(".st-key-lead_form_description textarea"), "有人在单元门口拍照踩点")
    done = page.get_by_text(re.compile(r"线索 #(\d+) 已提交"))
    again = page.get_by_role("button", name="仍作为新线索提交")
    w.tap("submit", page.locator(".st-key-lead_submit button"), done.or_(again))
    if again.count():  # an earlier round's lead is nearby: the worker confirms it is new
        w.tap("confirm new", again, done)
    lead_id = int(re.search(r"#(\d+)", done.inner_text()).group(1))  # type: ignore[union-attr]
    return w, lead_id


def _notice_after_acceptance(w: Worker, base: str, folder: Path, lead_id: int) -> float:
    """The worker leaves the report page open on 'my tasks'; the officer accepts; seconds until
    the notice with its link is in the page body."""
    from services import leads
    from tests.test_browser_phone import _as, _holder

    page = w.page
    page.goto(f"{base}/tasks")
    page.locator('[data-testid="stMain"]').wait_for()
    page.wait_for_selector(IDLE)

    def accept(s: Any, officer: Any) -> int:
        version = leads.get_lead(s, actor=officer, lead_id=lead_id).lead.version
        return leads.act(s, actor=officer, lead_id=lead_id, action="accept",
                         shown_version=version).id

    _as(folder, _holder(folder, lead_id), accept)
    began = time.perf_counter()
    page.locator('[data-testid="stMain"]').get_by_text(f"打开线索 #{lead_id}").wait_for()
    return time.perf_counter() - began


def _bare_rerun(browser: Any) -> float:
    """Median seconds from a tap on a bare Streamlit app's button until it is idle again."""
    times = []
    with _bare_server(BARE_COUNTER) as url:
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(url + "/")
        page.get_by_text("Pressed 0").wait_for()
        for n in range(1, ROUNDS * 2 + 1):
            page.wait_for_selector(IDLE)
            began = time.perf_counter()
            page.get_by_role("button", name="Press").click()
            page.get_by_text(f"Pressed {n}").wait_for()
            page.wait_for_selector(IDLE)
            times.append(time.perf_counter() - began)
        page.context.close()
    return median(times)


def run(report: Report) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser_util import CHROMIUM, CHROMIUM_ARGS
    from tests.test_browser_phone import FAKE_CAMERA, own_grid

    if not CHROMIUM:
        print("(phone report skipped: no Chromium)")
        return
    folder = _demo()
    lat, lon, _grid = own_grid(folder)
    load = f"load average {os.getloadavg()[0]:.1f}"
    taps, focus, waits, notices = [], [], [], []
    steps: dict[str, list[float]] = {}
    per_round: list[dict[str, float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=[*CHROMIUM_ARGS, *FAKE_CAMERA])
        bare = _bare_rerun(browser)
        with _pingan_server(folder) as url:
            for i in range(ROUNDS):
                # a little apart each round, so no round meets the last one's "nearby" prompt
                w, lead_id = _one_report(browser, url, (lat + 0.0002 * i, lon))
                taps.append(w.taps)
                focus.append(w.focus_taps)
                waits.append(w.waited)
                per_round.append(w.steps)
                for step, seconds in w.steps.items():
                    steps.setdefault(step, []).append(seconds)
                notices.append(_notice_after_acceptance(w, url, folder, lead_id))
                w.context.close()
        browser.close()
    n = median(taps)
    report("floor: bare Streamlit, one tap's rerun, median", bare, "s", load)
    report("phone report: taps on the app's controls, median", n, "taps",
           f"target ≤ 8 (the nearby prompt's one included); worst {max(taps)}; "
           f"plus {median(focus):.0f} taps that focus a field")
    # The path has no "nearby lead" prompt; a round meets one when a lead was reported
    # within 200 m in the last day (the demo's, or an earlier round's), and pays one more tap.
    path = [total - w_steps.get("confirm new", 0.0) for total, w_steps in zip(waits, per_round,
                                                                               strict=True)]
    report("phone report: seconds waiting for the app, the issue's path, median", median(path),
           "s", f"target ≤ 6 s; {median(path) / (bare * n):.1f}× floor ({n:.0f} bare reruns); "
           f"worst {max(path):.1f}")
    report("phone report: the same with the nearby-lead prompt, median", median(waits), "s",
           f"{sum('confirm new' in x for x in per_round)} of {len(per_round)} rounds met it; "
           f"worst {max(waits):.1f}")
    for step, seconds in steps.items():
        report(f"  of which after '{step}', median", median(seconds), "s",
               f"{len(seconds)} rounds")
    report("officer's acceptance to the notice on the open page, median", median(notices), "s",
           f"target ≤ 20 s; worst {max(notices):.1f}; the page's watch runs every 15 s; {load}")
