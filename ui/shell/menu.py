"""The menu: the pages the actor's role may open, in sections, drawn in the sidebar."""

from __future__ import annotations

import streamlit as st

from services.core.actor import Actor
from ui import leads
from ui.core import stylesheet
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.nav import ROOT, PageSpec, home_of, specs_for


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
    if spec.path != "pages/leads.py" or not leads.notices.hears(actor):
        return t(spec.title_key)
    waiting = leads.notices.unread(actor)
    return t("phone.my_reports") + (f" ({waiting})" if waiting else "")
