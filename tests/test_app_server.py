"""The app server imports the app's code before it listens (services/app_server.py), so the
first visitor does not wait for it; `pingan serve` and the browser tests start it that way."""

from __future__ import annotations

import sys

from services import app_server


def test_every_module_the_pages_use_is_imported_before_the_first_visit() -> None:
    assert app_server.warm() == []  # none failed (a failure is logged and named)
    for name in ("ui.auth", "ui.board_map", "services.leads.report", "services.stats.leads",
                 "db.models"):
        assert name in sys.modules
    # the cookie writer's package is left for the first run to import, inside a script run,
    # where its component registers with the server (the browser tests sign in through it)
    assert not [m for m in sys.modules if m.startswith("extra_streamlit_components")]


def test_a_module_that_cannot_be_imported_is_named(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = app_server.importlib.import_module

    def broken(name: str):  # type: ignore[no-untyped-def]
        if name == "ui.charts":
            raise ImportError("broken on purpose")
        return real(name)

    monkeypatch.setattr(app_server.importlib, "import_module", broken)
    assert app_server.warm() == ["ui.charts"]
