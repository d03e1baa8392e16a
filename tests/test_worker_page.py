"""The administration settings page shows the worker's last sweep, and warns when it is old."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from db.models import WorkerLease
from services import worker
from services.core import clock
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in  # noqa: F401

PAGE = str(ROOT / "pages/admin_settings.py")


def _page(env: AppEnv):  # type: ignore[no-untyped-def]
    with env.session() as s:
        f.user(s, "admin", username="chief")
    at = sign_in(new_app(), "chief", f.PASSWORD)
    assert not at.exception
    return at.switch_page(PAGE).run()


def test_never_swept_is_a_warning(app_env: AppEnv) -> None:
    at = _page(app_env)
    assert not at.exception
    assert any("从未" in w.value for w in at.warning)


def test_a_recent_sweep_shows_its_counts(app_env: AppEnv) -> None:
    assert worker.sweep(app_env.engine, "host:1:abc") is not None
    at = _page(app_env)
    assert not at.exception and not at.warning
    assert any("最近一次运行" in m.value for m in at.success)
    frame = at.dataframe[0].value
    assert list(frame.iloc[:, 0])[:4] == ["待派线索已派发", "超期线索已升级", "逾期帮扶措施已标记",
                                          "协查通报已过期"]
    assert len(frame) == len(worker.JOBS) and set(frame.iloc[:, 1]) == {0}


def test_every_job_has_a_label_in_both_languages() -> None:
    from ui.core.i18n import LANGUAGES, catalogue

    for lang in LANGUAGES:
        assert [j.name for j in worker.JOBS if f"worker.job.{j.name}" not in catalogue(lang)] == []


def test_an_old_sweep_is_a_warning(app_env: AppEnv) -> None:
    worker.sweep(app_env.engine, "host:1:abc")
    with app_env.session() as s:
        s.execute(update(WorkerLease).values(
            last_sweep_at=clock.now() - timedelta(minutes=5), last_error="escalated"))
    at = _page(app_env)
    assert any("5 分钟" in w.value for w in at.warning)
    assert any("超期线索已升级" in e.value for e in at.error)  # the job that failed, by name
