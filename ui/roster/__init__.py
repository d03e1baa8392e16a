"""Rosters on screen: views, member forms, bulk edit, social units, the import, panel."""

from ui.roster import panel

__all__ = ["panel"]
