"""Home-page panels contributed by feature areas: each module here has `render(actor)`."""

from __future__ import annotations

import importlib
import pkgutil

from services.actor import Actor


def render_all(actor: Actor) -> None:
    """Render every area's panel in name order (alerts to acknowledge, overdue measures...)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.render(actor)
