"""Statistics on screen: controls, views, charts, tables of figures, the incident import."""

from ui.stats.controls import audited

__all__ = [
    "audited",
]
