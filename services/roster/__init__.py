"""Team rosters, the "1+10+N" of every community: views, forms, bulk edit, import, export."""

from services.roster.common import SKILLS, TEAM_KINDS, UNIT_KINDS, available_at
from services.roster.helpers import Helper, who_can_help

__all__ = ["SKILLS", "TEAM_KINDS", "UNIT_KINDS", "Helper", "available_at", "who_can_help"]
