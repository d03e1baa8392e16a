"""The pages Pingan has, who may open each, and a page's path for links
(the menu itself: ui.shell.menu)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.core.actor import Actor, Perm

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root
    title_key: str
    icon: str
    perm: Perm
    section: str
    hidden: bool = False  # reached from another page (a lead's page), not from the menu


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/home.py", "page.home", ":material/home:", Perm.VIEW_HOME, "nav.workspace"),
    PageSpec("pages/report_lead.py", "page.report_lead", ":material/add_alert:",
             Perm.REPORT_LEAD, "nav.workspace"),
    PageSpec("pages/leads.py", "page.leads", ":material/inbox:", Perm.VIEW_LEADS,
             "nav.workspace"),
    PageSpec("pages/lead.py", "page.lead", ":material/description:", Perm.VIEW_LEADS,
             "nav.workspace", hidden=True),
    PageSpec("pages/tasks.py", "page.tasks", ":material/task:", Perm.VIEW_LEADS, "nav.workspace"),
    PageSpec("pages/roster.py", "page.roster", ":material/groups:", Perm.VIEW_ROSTER, "nav.teams"),
    PageSpec("pages/community.py", "page.community", ":material/holiday_village:",
             Perm.VIEW_ROSTER, "nav.teams"),
    PageSpec("pages/roster_import.py", "page.roster_import", ":material/upload_file:",
             Perm.EDIT_ROSTER, "nav.teams"),
    PageSpec("pages/board.py", "page.board", ":material/dashboard:", Perm.VIEW_BOARD,
             "nav.situation"),
    PageSpec("pages/map.py", "page.map", ":material/map:", Perm.VIEW_MAP, "nav.situation"),
    PageSpec("pages/statistics.py", "page.statistics", ":material/monitoring:", Perm.VIEW_STATS,
             "nav.situation"),
    PageSpec("pages/incident_import.py", "page.incident_import", ":material/upload:",
             Perm.IMPORT_DATA, "nav.situation"),
    PageSpec("pages/alerts.py", "page.alerts", ":material/campaign:", Perm.VIEW_ALERTS,
             "nav.cases"),
    PageSpec("pages/alert.py", "page.alert", ":material/campaign:", Perm.VIEW_ALERTS,
             "nav.cases", hidden=True),
    PageSpec("pages/cases.py", "page.cases", ":material/family_restroom:", Perm.VIEW_CASES,
             "nav.cases"),
    PageSpec("pages/disputes.py", "page.disputes", ":material/handshake:", Perm.VIEW_DISPUTES,
             "nav.cases"),
    PageSpec("pages/presence.py", "page.presence", ":material/schedule:", Perm.VIEW_PRESENCE,
             "nav.cases"),
    PageSpec("pages/admin_users.py", "page.admin_users", ":material/manage_accounts:",
             Perm.MANAGE_USERS, "nav.admin"),
    PageSpec("pages/admin_rules.py", "page.admin_rules", ":material/rule:", Perm.EDIT_SETTINGS,
             "nav.admin"),
    PageSpec("pages/admin_audit.py", "page.admin_audit", ":material/policy:", Perm.VIEW_AUDIT,
             "nav.admin"),
    PageSpec("pages/admin_settings.py", "page.admin_settings", ":material/settings:",
             Perm.EDIT_SETTINGS, "nav.admin"),
    PageSpec("pages/account.py", "page.account", ":material/person:", Perm.VIEW_HOME, "nav.me"),
)


def specs_for(actor: Actor) -> list[PageSpec]:
    """The pages that exist in this build and that the actor's role may open."""
    return [p for p in PAGES if actor.can(p.perm) and (ROOT / p.path).exists()]


def home_of(actor: Actor) -> str:
    """The page a sign-in opens: home, or the board for a wall display (no home page)."""
    return "pages/home.py" if actor.can(Perm.VIEW_HOME) else "pages/board.py"


def page_path(path: str) -> str:
    """Absolute path of a page, for st.switch_page and st.page_link."""
    return str(ROOT / path)
