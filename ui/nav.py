"""The pages Pingan has, who may open each, and the navigation built from the actor's role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from services.actor import Actor, Perm
from ui import stylesheet
from ui.i18n import t
from ui.markdown import md

ROOT = Path(__file__).resolve().parent.parent


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


def navigation(actor: Actor) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    home = home_of(actor)
    for spec in specs_for(actor):
        page = st.Page(str(ROOT / spec.path), title=_title(actor, spec), icon=spec.icon,
                       default=spec.path == home,
                       visibility="hidden" if spec.hidden else "visible")
        sections.setdefault(t(spec.section), []).append(page)
    return sections


def menu(sections: dict[str, list[st.Page]]) -> None:
    """The menu in the sidebar, drawn by the app. Streamlit's own is switched off
    (client.showSidebarNavigation = false): on each start of the server it listed every
    script under pages/ beneath the sign-in form until someone signed in."""
    stylesheet.apply("nav")
    with st.sidebar.container(key="nav_menu"):
        for section, pages in sections.items():
            shown = [p for p in pages if p.visibility == "visible"]
            if shown:
                st.caption(md(section))
            for page in shown:
                st.page_link(page=page, label=md(page.title))  # the title: catalogue text


def _title(actor: Actor, spec: PageSpec) -> str:
    """A grid worker's leads are 'my reports', with the number of notices waiting."""
    from ui import leads_notices  # imports this module

    if spec.path != "pages/leads.py" or not leads_notices.hears(actor):
        return t(spec.title_key)
    waiting = leads_notices.unread(actor)
    return t("phone.my_reports") + (f" ({waiting})" if waiting else "")


def page_path(path: str) -> str:
    """Absolute path of a page, for st.switch_page and st.page_link."""
    return str(ROOT / path)
