"""Team rosters, the "1+10+N" of every community: views, forms, bulk edit, import, export."""

from services.roster.availtext import format_availability, parse_availability
from services.roster.bulk import save_team_members
from services.roster.common import (
    SKILLS,
    TEAM_KINDS,
    UNIT_KINDS,
    available_at,
    community_names,
    may_see_personal,
)
from services.roster.coverage import Gaps
from services.roster.export import export_roster
from services.roster.forms import (
    join_member,
    leave_team,
    save_member,
    save_team,
    save_unit,
    set_active,
)
from services.roster.helpers import Helper, who_can_help
from services.roster.importer import ImportPlan, ImportSummary, preview_import, run_import
from services.roster.importfile import FIELDS, Table, guess_mapping, read_table, template
from services.roster.importrows import RowResult
from services.roster.officers import (
    add_officer,
    assign_officer,
    edit_officer,
    officer_choices,
    set_officer_active,
)
from services.roster.reveal import reveal
from services.roster.views import (
    CommunityRoster,
    CommunitySummary,
    MemberView,
    OfficerView,
    TeamView,
    UnitView,
    community_roster,
    district_view,
)

__all__ = [
    "add_officer", "assign_officer", "available_at", "community_names", "community_roster",
    "CommunityRoster", "CommunitySummary", "district_view", "edit_officer", "export_roster",
    "FIELDS", "format_availability", "Gaps", "guess_mapping", "Helper", "ImportPlan",
    "ImportSummary", "join_member", "leave_team", "may_see_personal", "MemberView",
    "officer_choices", "OfficerView", "parse_availability", "preview_import", "read_table",
    "reveal", "RowResult", "run_import", "save_member", "save_team", "save_team_members",
    "save_unit", "set_active", "set_officer_active", "SKILLS", "Table", "TEAM_KINDS",
    "TeamView", "template", "UNIT_KINDS", "UnitView", "who_can_help", "who_can_helpFIELDS",
]
