"""The district view: every community in scope with its counts and its gaps, flagged."""

import streamlit as st

from services import roster
from services.core.actor import Perm, Role
from services.stats import fmt
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import t
from ui.roster.views import district_frame, export_box
from ui.shell import guard

actor = guard.require(Perm.VIEW_ROSTER)
st.title(t("page.roster"))
gaps_only = st.toggle(t("roster.gaps_only"), key="roster_gaps_only")
with db_session() as s:
    rows = roster.district_view(s, actor=actor)

with_gaps = [r for r in rows if r.gaps.count]
cols = st.columns(5)
cols[0].metric(t("roster.m_communities"), len(rows))
cols[1].metric(t("roster.m_with_gaps"), len(with_gaps))
cols[2].metric(t("roster.m_members"), fmt.number(sum(r.members for r in rows)))
cols[3].metric(t("roster.m_grids_uncovered"), sum(r.grids - r.grids_covered for r in rows))
cols[4].metric(t("roster.m_no_officer"), sum(r.gaps.no_officer for r in rows))

shown = sorted(with_gaps if gaps_only else rows, key=lambda r: -r.gaps.count)  # gaps first
frame = district_frame(shown)
picked = st.dataframe(frame, hide_index=True, key="roster_table", on_select="rerun",
                      selection_mode="single-row", column_config=fitted(frame))
st.caption(t("roster.pick_hint"))
chosen = picked.selection.rows if picked is not None else []
if chosen:
    st.switch_page(nav.page_path("pages/community.py"),
                   query_params={"id": str(shown[chosen[0]].community_id)})

export_box(actor, None, actor.role == Role.ADMIN, "district_export")
