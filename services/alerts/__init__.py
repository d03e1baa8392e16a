"""Assist-investigation alerts (协查通报): write, publish to a recipient list, acknowledge,
report sightings as urgent leads, count who was mobilised, close with an outcome."""

from services.alerts.common import (
    OUTCOMES,
    ROLES,
    SKILLS,
    STATUSES,
    TEAM_KINDS,
    AlertView,
    Target,
    mobilisation,
)
from services.alerts.drafts import amend, close_alert, save_draft
from services.alerts.expiry import expire_alerts
from services.alerts.photos import read_photo
from services.alerts.publish import Reach, preview, publish, recipients_for
from services.alerts.read import (
    AlertDetail,
    AlertRow,
    Counts,
    Mine,
    Pending,
    Sighting,
    area_choices,
    counts,
    get_alert,
    list_alerts,
    recent_outcomes,
    to_acknowledge,
)
from services.alerts.respond import acknowledge, record_mobilised, report_sighting

__all__ = [
    "acknowledge", "AlertDetail", "AlertRow", "AlertView", "amend", "area_choices",
    "close_alert", "Counts", "counts", "expire_alerts", "get_alert", "list_alerts", "Mine",
    "mobilisation", "OUTCOMES", "Pending", "preview", "publish", "Reach", "read_photo",
    "recent_outcomes", "recipients_for", "record_mobilised", "report_sighting", "ROLES",
    "save_draft", "Sighting", "SKILLS", "STATUSES", "Target", "TEAM_KINDS", "to_acknowledge",
]
