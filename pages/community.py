"""One community's "1 + 10 + N": its officer, its teams and members, its social units."""

import streamlit as st

from services import roster
from services.core.actor import Perm
from services.core.errors import ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.widgets import show_error
from ui.roster.forms import show_flash
from ui.roster.sections import members, teams
from ui.roster.units import officer, units
from ui.roster.views import export_box, overview, show_gaps
from ui.shell import guard

actor = guard.require(Perm.VIEW_ROSTER)
with db_session() as s:
    choices = roster.community_names(s, actor=actor)
if not choices:
    st.info(t("roster.no_communities"))
    st.stop()

names = {cid: place(name, name_en) for cid, name, name_en in choices}
wanted = st.query_params.get("id")
if wanted and wanted.isdigit() and int(wanted) in names:
    st.session_state["community_pick"] = int(wanted)  # a link from the district view
    del st.query_params["id"]
community_id = st.selectbox(t("roster.community"), list(names), format_func=lambda i: names[i],
                            key="community_pick")
if community_id is None:
    st.stop()

try:
    with db_session() as s:
        view = roster.community_roster(s, actor=actor, community_id=community_id)
except ServiceError as exc:
    show_error(exc)
    st.stop()

st.title(t("roster.community_title", name=md(place(view.name, view.name_en))))
show_flash()
show_gaps(view.gaps)

SECTIONS = {"overview": overview, "members": members, "teams": teams, "units": units,
            "officer": officer}
section = st.segmented_control(t("roster.section"), list(SECTIONS), key="community_section",
                               default="overview", label_visibility="collapsed",
                               format_func=lambda v: t(f"roster.section_{v}"))
chosen = section or "overview"
if chosen == "overview":
    overview(view)
else:
    SECTIONS[chosen](actor, view)  # type: ignore[operator]

export_box(actor, [view.id], view.can_reveal, "community_export")
