"""Start the Streamlit server on app.py with the libraries and the services already imported.

Streamlit imports what a page needs during the first visitor's run, so the first person to
open the app after a start waited for every library and module (the sign-in page took 6.9 s
on the 2-core machine against 1.3 s for a bare Streamlit app). Imported here, before the
server listens, most of that time is spent while the server starts: `pingan serve`, the
browser tests and the benchmarks start the app this way.

    python -m services.cli.server --server.port 8501 [other streamlit options]
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The app's own packages without Streamlit in them (services and db never import it), and the
# libraries its pages use. The ui modules are left to the first run: they declare widgets,
# caches and components, which belong to a running server (imported before it, the menu's
# page links were not drawn and the cookie writer never registered).
PACKAGES = ("services", "db")
LIBRARIES = ("pandas", "numpy", "pydeck", "altair", "jwt", "sqlalchemy", "alembic",
             "openpyxl", "shapely", "bcrypt",
             "yaml", "requests", "captcha.image")  # the sign-in library's (0.2 s of its 0.3 s)
SKIP = ("services.demo", "services.worker", "services.cli", "services.cli.server",
        "db.migrations")
_log = logging.getLogger("pingan.app_server")


def warm() -> list[str]:
    """Import the libraries and every module of the app's packages (not the command-line
    tools and the demo builder, which the app never runs); returns those that failed."""
    failed = []
    names = list(LIBRARIES)
    for name in PACKAGES:
        package = importlib.import_module(name)
        names += [info.name for info in pkgutil.walk_packages(package.__path__, f"{name}.")
                  if not info.name.startswith(SKIP)]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that fails here fails on its page too
            _log.exception("could not import %s ahead of the first visit", name)
            failed.append(name)
    return failed


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    warm()
    # `python -m streamlit run app.py …` in this process (services import no Streamlit code)
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *argv]
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
