"""`make test` runs on two xdist workers: the browser tests all on one (one demo server, one
Chromium), every other module whole on one."""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

from tests.conftest import scheduler_class


def test_browser_tests_share_a_worker_and_modules_stay_whole() -> None:
    cls = scheduler_class()
    assert issubclass(cls, LoadScopeScheduling)

    def scope(nodeid: str) -> str:
        return cls._split_scope(object.__new__(cls), nodeid)

    assert scope("tests/test_browser_alerts.py::test_a") == scope(
        "tests/test_browser_language_scan.py::test_b[admin-en]") == "browser"
    assert scope("tests/test_sheets.py::test_a[x@y]") == scope("tests/test_sheets.py::test_b")
    assert scope("tests/test_sheets.py::test_a") != scope("tests/test_i17_audit.py::test_a")
