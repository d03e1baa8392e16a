"""Statistics: the bureau's figures for a period against the year before, in five views."""

import streamlit as st

from services.core import clock
from services.core.actor import Perm
from services.core.errors import ServiceError
from services.stats.common import communities_frame
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.shell import guard
from ui.stats.controls import briefing_button, period_chooser, scope_filter, show_problem
from ui.stats.views import disputes_view, incidents_view
from ui.stats.work import leads_view, presence_view, teams_view

actor = guard.require(Perm.VIEW_STATS)
st.title(t("page.statistics"))
today = clock.local_today()
with db_session() as s:
    places = communities_frame(s, actor=actor)
period = period_chooser(today)
communities, scope_label = scope_filter(places)
briefing_button(actor, today, communities, scope_label)

VIEWS = ("incidents", "disputes", "leads", "presence", "teams")
tabs = st.tabs([t(f"stats.tab.{v}") for v in VIEWS], key="stats_tab", on_change="rerun")
for view, tab in zip(VIEWS, tabs, strict=True):
    if not tab.open:
        continue  # only the open view runs its queries
    with tab:
        try:
            if view == "incidents":
                incidents_view(actor, period, communities)
            elif view == "disputes":
                disputes_view(actor, period, communities)
            elif view == "leads":
                leads_view(actor, period, communities)
            elif view == "presence":
                presence_view(actor, today, communities)
            else:
                teams_view(actor, period, communities)
        except ServiceError as exc:
            show_problem(exc)
