"""Statistics: the bureau's figures for an actor's scope, computed in SQL, plus import/export."""

from services.stats import fmt
from services.stats.briefing import STYLE
from services.stats.categories import TARGETS, normal_name
from services.stats.fmt import DASH, Text
from services.stats.importer import ImportPlan, import_incidents, plan_import
from services.stats.importfile import detect_mode, guess_mapping, read_export
from services.stats.importmap import places
from services.stats.periods import since_july

__all__ = [
    "DASH", "detect_mode", "fmt", "guess_mapping", "import_incidents", "ImportPlan",
    "normal_name", "places", "plan_import", "read_export", "since_july", "STYLE", "TARGETS",
    "Text",
]
