"""Home panel for rosters: the gaps in the user's communities (officers, supervisors, admins)."""

from __future__ import annotations

import streamlit as st

from services import roster
from services.core.actor import Actor, Perm
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.places import place
from ui.roster.views import gap_text

SHOWN = 5


def render(actor: Actor) -> None:
    if not actor.can(Perm.VIEW_ROSTER):
        return
    with db_session() as s:
        rows = roster.district_view(s, actor=actor, gaps_only=True)
    box = st.container(border=True)
    box.subheader(t("roster.panel_title"))
    if not rows:
        box.caption(t("roster.panel_none"))
        return
    box.metric(t("roster.panel_with_gaps"), len(rows))
    for row in rows[:SHOWN]:  # typed names: plain text, never markdown
        box.text(t("roster.panel_row", community=place(row.name, row.name_en),
                   gaps=gap_text(row.gaps)))
    if len(rows) > SHOWN:
        box.caption(t("roster.panel_more", n=len(rows) - SHOWN))
    box.page_link(nav.page_path("pages/roster.py"), label=t("page.roster"),
                  icon=":material/groups:")
