"""AppTest: a grid worker hears, on whatever page is open, that a report of theirs moved on or
that their team has a new shared task: a toast, a notice with its link in the page body, and
the number on 'my reports'. AppTest does not run `run_every` fragments by itself: each
`at.run()` reruns the page and the watch with it, as its 15-second refresh would."""

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


@pytest.fixture
def router(tmp_path: Path) -> str:
    path = tmp_path / "router.py"
    path.write_text(f"import runpy\nrunpy.run_path({str(ROOT / 'app.py')!r})\n")
    return str(path)


def _open(router: str, username: str, page: str) -> AppTest:
    at = sign_in(AppTest.from_file(router, default_timeout=30), username, f.PASSWORD)
    at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
    assert not at.exception, at.exception
    return at


def _step(env: AppEnv, actor, lead_id: int, action: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
    with env.session() as s:
        version = leads.get_lead(s, actor=actor, lead_id=lead_id).lead.version
        leads.act(s, actor=actor, lead_id=lead_id, action=action, shown_version=version,
                  note=note)


def _links(at: AppTest) -> list[str]:
    return [link.value for link in at.page_link]


def _link_labels(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.page_link]


def test_grid_worker_hears_on_any_page_with_a_link_in_the_page_body(
        env: AppEnv, router: str) -> None:
    with env.session() as s:
        w: World = build(s)
        lead_id = leads.report_lead(s, actor=w.grid1, category="help", urgency="routine",
                                    description="独居老人家门口有异味").id
    at = _open(router, w.grid1.username, "tasks")
    assert [t.value for t in at.toast] == []
    _step(env, w.officer1, lead_id, "accept")
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.toast] == [f"您上报的线索 #{lead_id} 已被民警接单。"]
    assert f"打开线索 #{lead_id}" in _link_labels(at)
    body = [link for link in at.main.get("page_link")]  # in the page body, not the sidebar
    assert any(link.proto.label == f"打开线索 #{lead_id}" for link in body)
    at.run()
    assert [t.value for t in at.toast] == []  # told once
    assert f"打开线索 #{lead_id}" in _link_labels(at)  # the notice stays until read

    _step(env, w.officer1, lead_id, "ask_info", "门牌号是多少？")
    with env.session() as s:
        task_id = leads.create_task(s, actor=w.officer1, lead_id=lead_id, title="上门看看",
                                    team_id=w.team1.id)
    at.run()
    assert [t.value for t in at.toast] == [f"您的队伍有新的共领任务 #{task_id}。  \n"
                                           "另有 1 条新消息，见页面顶部。"]
    labels = _link_labels(at)
    assert "查看共领任务" in labels and labels.count(f"打开线索 #{lead_id}") == 2

    at.button(key="notice_dismiss_3").click().run()  # the task's notice
    assert "查看共领任务" not in _link_labels(at)
    at.session_state["lead_id"] = lead_id  # opening the lead reads its notices
    at.switch_page(str(ROOT / "pages" / "lead.py")).run()
    assert not at.exception
    at.run()
    assert f"打开线索 #{lead_id}" not in _link_labels(at)


def test_officers_get_no_reporter_notices_and_grid_workers_no_urgent_toasts(
        env: AppEnv, router: str) -> None:
    with env.session() as s:
        w = build(s)
    grid = _open(router, w.grid1.username, "home")
    officer = _open(router, w.officer1.username, "home")
    with env.session() as s:
        lead_id = leads.report_lead(s, actor=w.grid1, category="fire", urgency="emergency",
                                    description="电动车起火").id
    grid.run()
    officer.run()
    assert [t.value for t in grid.toast] == []  # their own report is not news to them
    assert not any("已被民警接单" in t.value for t in officer.toast)
    _step(env, w.officer1, lead_id, "accept")
    grid.run()
    assert [t.value for t in grid.toast] == [f"您上报的线索 #{lead_id} 已被民警接单。"]
