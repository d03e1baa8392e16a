"""Assist-investigation alerts on screen: the form, the actions, the small map, the home panel."""

from ui.alerts import panel

__all__ = ["panel"]
