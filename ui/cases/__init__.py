"""Assistance files on screen: the forms and the home panel."""

from ui.cases import panel

__all__ = ["panel"]
