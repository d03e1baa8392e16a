"""Home-page panels contributed by feature areas, in name order: each has `render(actor)`."""

from __future__ import annotations

from services.core.actor import Actor
from ui import alerts, cases, leads, roster


def render_all(actor: Actor) -> None:
    """Render every area's panel (alerts to acknowledge, overdue measures, leads, roster gaps)."""
    for area in (alerts, cases, leads, roster):
        area.panel.render(actor)
