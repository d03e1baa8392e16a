"""Leads on screen: report form, inbox widgets, step forms, tasks, notices, photos, panel."""

from ui.leads import notices, panel
from ui.leads.photos import UPLOAD_MB

__all__ = [
    "panel", "notices", "UPLOAD_MB",
]
