"""Situation map: the district drawn from Pingan's own data, with leads, teams and alerts."""

import streamlit as st

from services import maps
from services.core.actor import Perm
from services.core.errors import Invalid
from services.maps.leads import POINT_LIMIT
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.widgets import show_error
from ui.maps.build import build_map
from ui.maps.controls import controls, remember_pick, render_legends, selection_panel
from ui.shell import guard

actor = guard.require(Perm.VIEW_MAP)
st.title(t("page.map"))
filters, options = controls(actor)
try:
    with db_session() as s:
        view = maps.map_view(s, actor=actor, filters=filters, layers=options.layers,
                             prefer_cells=options.lead_style == "heatmap")
except Invalid as exc:
    show_error(exc)
    for message in exc.fields.values():
        st.error(t(message))
    st.stop()

deck, legends = build_map(view, options)
left, right = st.columns([4, 1])
with left:
    st.pydeck_chart(deck, on_select=remember_pick, selection_mode="single-object",
                    key="map_chart", height=600)
with right:
    render_legends(legends)

if view.leads is not None:
    if view.leads.total == 0:
        st.caption(t("map.summary.none"))
    elif view.leads.mode == "points":
        st.caption(t("map.summary.points", total=f"{view.leads.total:,}"))
    else:
        st.caption(t("map.summary.cells", total=f"{view.leads.total:,}",
                     metres=view.leads.grid.metres, limit=f"{POINT_LIMIT:,}"))
selection_panel()
st.caption(t("map.caption"))
