"""Start the Streamlit server on app.py with the app's code already imported.

Streamlit imports what a page needs during the first visitor's run, so the first person to
open the app after a start waited for every library and module (about 5 s on the 2-core
machine, the sign-in page taking 6.9 s against 1.3 s for a bare Streamlit app). Imported here,
before the server listens, that time is spent while the server starts: `pingan serve`, the
browser tests and the benchmarks start the app this way.

    python -m services.app_server --server.port 8501 [other streamlit options]
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ui", "services", "db")
SKIP = ("services.demo", "services.worker", "services.cli", "services.app_server")
V1_COMPONENTS = {"extra_streamlit_components"}
_log = logging.getLogger("pingan.app_server")


def warm() -> list[str]:
    """Import every module of the app's packages (not the pages, which are scripts, and not
    the command-line tools, which the app never runs); returns those that failed."""
    failed: list[str] = []
    # st.cache_data checks its settings when a function is decorated and, with no server
    # running yet, warns that it will use memory storage: it does not (the storage is chosen
    # at each call, by then from the running server); a component declared at import warns
    # of no script run. Both are true only of this moment: quiet meanwhile.
    from streamlit.runtime.caching import cache_data_api, cache_resource_api
    from streamlit.runtime.scriptrunner_utils import script_run_context

    def no_runtime(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("No runtime found", "Thread 'MainThread': "
                                                   "missing ScriptRunContext"))

    loggers = [logging.getLogger(m.__name__) for m in (cache_data_api, cache_resource_api,
                                                       script_run_context)]
    for x in loggers:
        x.addFilter(no_runtime)
    try:
        _import_all(failed)
    finally:
        for x in loggers:
            x.removeFilter(no_runtime)
    # A v1 component (the cookie writer's) registers with the server only when declared
    # inside a script run: forget the package that declares them on import, so the first run
    # imports it again, as it would have without this warm-up.
    for name in [m for m in sys.modules if m.split(".")[0] in V1_COMPONENTS]:
        del sys.modules[name]
    return failed


def _import_all(failed: list[str]) -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if info.name.startswith(SKIP) or ".migrations" in info.name:
                continue
            try:
                importlib.import_module(info.name)
            except Exception:  # noqa: BLE001 - a module that fails here fails on its page too
                _log.exception("could not import %s ahead of the first visit", info.name)
                failed.append(info.name)


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    warm()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
