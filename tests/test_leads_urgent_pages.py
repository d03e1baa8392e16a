"""AppTest: a new urgent lead is announced on whatever page the user has open, once.

AppTest does not run `run_every` fragments by itself; each `at.run()` below reruns the page
and with it the sidebar's watch, as its 15-second refresh would. The app is started from a
small script outside the project root: next to app.py, AppTest sees the pages/ folder and
runs later pages on their own (the old multipage mode), without app.py and its sidebar;
`streamlit run app.py` always runs app.py first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services import leads
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, sign_in  # noqa: F401
from tests.leads_world import World, build


@pytest.fixture
def env(app_env: AppEnv) -> AppEnv:  # noqa: F811 - the shared fixture, renamed
    return app_env


def _world(env: AppEnv) -> World:
    with env.session() as s:
        return build(s)


@pytest.fixture
def router(tmp_path: Path) -> str:
    """A script that runs app.py, as the server does on every rerun."""
    path = tmp_path / "router.py"
    path.write_text(f"import runpy\nrunpy.run_path({str(ROOT / 'app.py')!r})\n")
    return str(path)


def _open(router: str, username: str, page: str) -> AppTest:
    at = sign_in(AppTest.from_file(router, default_timeout=30), username, f.PASSWORD)
    at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
    assert not at.exception, at.exception
    return at


def _report(env: AppEnv, w: World, urgency: str = "urgent") -> int:
    with env.session() as s:
        return leads.report_lead(s, actor=w.grid1, category="fire", urgency=urgency,
                                 description="楼道电动车充电").id


def _toasts(at: AppTest) -> list[str]:
    return [t.value for t in at.toast]


def _links(at: AppTest) -> list[str]:
    return [link.value for link in at.page_link]


def test_supervisor_on_the_statistics_page_is_told_once(env: AppEnv, router: str) -> None:
    w = _world(env)
    _report(env, w)  # there before the sign-in: not news
    at = _open(router, w.supervisor.username, "statistics")
    assert _toasts(at) == []
    _report(env, w, "routine")
    at.run()
    assert _toasts(at) == []
    lead_id = _report(env, w, "emergency")
    at.run()
    assert not at.exception
    assert _toasts(at) == ["有新的紧急线索！当前待接 2 条。  \n"
                           f"最新一条：线索 #{lead_id}，链接在侧栏。"]
    assert f"紧急线索 #{lead_id}" in _links(at)  # the link to the lead, in the sidebar
    at.run()
    assert _toasts(at) == []  # not again on the next refresh
    assert f"紧急线索 #{lead_id}" in _links(at)


def test_officer_filling_a_form_is_told_of_a_lead_given_to_them(env: AppEnv, router: str) -> None:
    w = _world(env)
    at = _open(router, w.officer1.username, "report_lead")
    at.text_area(key="lead_form_description").input("正在填写的内容")
    lead_id = _report(env, w)  # dispatched to officer1
    at.run()
    assert _toasts(at) == [f"紧急线索 #{lead_id} 已派给您（新到 1 条），链接在侧栏。"]
    assert at.text_area(key="lead_form_description").value == "正在填写的内容"
    at.run()
    assert _toasts(at) == []


def test_inbox_and_sidebar_share_the_toast(env: AppEnv, router: str) -> None:
    w = _world(env)
    at = _open(router, w.supervisor.username, "leads")
    _report(env, w)
    at.run()  # both the sidebar's watch and the inbox's live table look
    assert len(_toasts(at)) == 1
    at.run()
    assert _toasts(at) == []


def test_grid_worker_is_not_told(env: AppEnv, router: str) -> None:
    w = _world(env)
    at = _open(router, w.grid1.username, "home")
    _report(env, w, "emergency")
    at.run()
    assert not at.exception and _toasts(at) == [] and not [
        x for x in _links(at) if x.startswith("紧急线索")]


def test_the_next_sign_in_in_the_same_browser_starts_afresh(env: AppEnv, router: str) -> None:
    w = _world(env)
    at = _open(router, w.supervisor.username, "home")
    lead_id = _report(env, w)
    at.run()
    assert f"紧急线索 #{lead_id}" in _links(at)
    at.button(key="sign_out").click().run()
    at = sign_in(at, w.district_sup.username, f.PASSWORD)  # same browser session
    at.run()
    assert not at.exception and _toasts(at) == [] and f"紧急线索 #{lead_id}" not in _links(at)
