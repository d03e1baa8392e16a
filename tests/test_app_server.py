"""The app server imports the libraries and services before it listens
(services/cli/server.py), so the first visitor does not wait for them; `pingan serve` and the
browser tests start it that way."""

from __future__ import annotations

import sys

from services.cli import server as app_server


def test_every_module_the_pages_use_is_imported_before_the_first_visit() -> None:
    assert app_server.warm() == []  # none failed (a failure is logged and named)
    for name in ("pandas", "pydeck", "services.leads.report", "services.stats.leads",
                 "services.board.map", "db.models"):
        assert name in sys.modules


def test_a_module_that_cannot_be_imported_is_named(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = app_server.importlib.import_module

    def broken(name: str):  # type: ignore[no-untyped-def]
        if name == "services.core.places":
            raise ImportError("broken on purpose")
        return real(name)

    monkeypatch.setattr(app_server.importlib, "import_module", broken)
    assert app_server.warm() == ["services.core.places"]
