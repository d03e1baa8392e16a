"""AppTest: the task pages driven by widget keys: an officer cancels tasks (the reason's
message under its field), members see why, a claimant gives a task back."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.test_leads_tasks_cancel import _setup, _status, _task

PAGES = {name: str(ROOT / "pages" / f"{name}.py") for name in ("tasks", "lead")}


def _open(username: str, page: str) -> AppTest:
    at = sign_in(new_app(), username, f.PASSWORD)
    assert not at.exception, at.exception
    return at.switch_page(PAGES[page]).run()


def _after(at: AppTest, key: str) -> Any:
    """The element drawn right after the widget `key`, inside the same form."""
    for form in at.get("form"):
        kids = list(form.children.values())
        keys = [getattr(k, "key", None) for k in kids]
        if key in keys:
            return kids[keys.index(key) + 1]
    raise AssertionError(f"no form holds {key}")


def _table(at: AppTest, column: str) -> Any:
    """The table with that column (a table without row selection reports no key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_officer_cancels_a_task_through_the_form_and_members_see_why(app_env: AppEnv) -> None:
    with app_env.session() as s:
        x = _setup(s)
        task, other = _task(s, x, title="上门查看"), _task(s, x, title="夜间巡逻")
        officer, grid1 = x.w.officer1.username, x.w.grid1.username
    at = _open(officer, "tasks")
    form = f"task_cancel_{task}"
    at.multiselect(key="tasks_status").set_value(["open", "claimed", "cancelled"]).run()
    at.text_area(key=f"{form}_reason").input("  ")
    at.button(key=f"{form}_submit").click().run()
    assert not at.exception
    shown = _after(at, f"{form}_reason")  # the message sits right under the field
    assert shown.type == "error" and shown.value == "此项必填。"
    assert at.text_area(key=f"{form}_reason").value == "  "  # what was typed stays
    assert at.multiselect(key="tasks_status").value == ["open", "claimed", "cancelled"]
    at.text_area(key=f"{form}_reason").input("居民已自行修好\x07")
    at.button(key=f"{form}_submit").click().run()
    assert _after(at, f"{form}_reason").value == "内容含有不允许的控制字符。"
    assert at.text_area(key=f"{form}_reason").value == "居民已自行修好\x07"
    assert _status(app_env.engine, task) == "open"

    at.text_area(key=f"{form}_reason").input("居民已自行修好")
    at.button(key=f"{form}_submit").click().run()
    assert not at.exception and f"任务 #{task} 已取消。" in texts(at)
    assert _status(app_env.engine, task) == "cancelled" and _status(app_env.engine, other) == "open"
    assert any("原因：居民已自行修好" in e.value for e in at.text)
    assert f"{form}_submit" not in [b.key for b in at.button]  # nothing left to cancel

    at = _open(grid1, "tasks")  # a team member: by default only what is still open
    buttons = [b.key for b in at.button]
    assert f"task_claim_{other}" in buttons and f"task_claim_{task}" not in buttons
    at.multiselect(key="tasks_status").set_value(["cancelled"]).run()
    assert any("原因：居民已自行修好" in e.value for e in at.text)
    assert not [b for b in at.button if b.key.endswith((f"_{task}", f"{task}_submit"))]

    at = _open(officer, "tasks")  # the lead's page lists its tasks and cancels them too
    at.query_params["id"] = str(x.lead_id)
    at.switch_page(PAGES["lead"]).run()
    table = _table(at, "任务标题")
    assert list(table.iloc[:, 0]) == [other, task]  # newest first
    assert list(table.iloc[:, 2]) == ["待领取", "已取消"]
    assert "原因：居民已自行修好" in table.iloc[1, 5]
    at.text_area(key=f"task_cancel_{other}_reason").input(f"与 #{task} 重复")
    at.button(key=f"task_cancel_{other}_submit").click().run()
    assert not at.exception and f"任务 #{other} 已取消。" in texts(at)
    timeline = _table(at, "环节")
    assert list(timeline.iloc[-2:, 1]) == ["取消共领任务"] * 2
    assert list(timeline.iloc[-2:, 4]) == ["居民已自行修好", f"与 #{task} 重复"]


def test_a_member_claims_then_gives_the_task_back_by_its_buttons(app_env: AppEnv) -> None:
    with app_env.session() as s:
        x = _setup(s)
        task = _task(s, x)
        grid1 = x.w.grid1.username
    at = _open(grid1, "tasks")
    at.button(key=f"task_claim_{task}").click().run()
    assert _status(app_env.engine, task) == "claimed"
    at.button(key=f"task_unclaim_{task}").click().run()
    assert not at.exception and f"任务 #{task} 已退回" in texts(at)
    assert _status(app_env.engine, task) == "open"
    assert f"task_claim_{task}" in [b.key for b in at.button]
