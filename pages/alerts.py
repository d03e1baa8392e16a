"""Assist-investigation alerts: the list (live counts) and, for supervisors, writing a new one."""

import streamlit as st

from services import alerts
from services.core import clock
from services.core.actor import Perm
from ui.alerts.form import write_form
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import label, t
from ui.shell import guard

actor = guard.require(Perm.VIEW_ALERTS)
st.title(t("page.alerts"))

if actor.can(Perm.PUBLISH_ALERT):
    with st.expander(t("alerts.new"), expanded=False, icon=":material/campaign:"):
        write_form(actor)

status = st.segmented_control(t("alerts.status_filter"), [None, *alerts.STATUSES],
                              format_func=lambda v: t("common.all") if v is None
                              else label("alerts.status", v), key="alerts_status")
with db_session() as s:
    rows = alerts.list_alerts(s, actor=actor, status=status)

if not rows:
    st.info(t("alerts.none"))
    st.stop()
table = {
    t("alerts.col_id"): [r.id for r in rows],
    t("alerts.col_title"): [r.title for r in rows],
    t("alerts.col_origin"): [r.origin_region for r in rows],
    t("alerts.col_status"): [label("alerts.status", r.status) for r in rows],
    t("alerts.col_outcome"): [label("alerts.outcome", r.outcome) for r in rows],
    t("alerts.col_published"): [clock.local(r.published_at) for r in rows],
    t("alerts.col_valid_to"): [clock.local(r.valid_to) for r in rows],
    t("alerts.col_reached"): [f"{r.counts.reached} / {r.counts.recipients}" for r in rows],
    t("alerts.col_mobilised"): [r.counts.mobilised for r in rows],
    t("alerts.col_sightings"): [r.counts.sightings for r in rows],
}
picked = st.dataframe(table, hide_index=True, key="alerts_table", on_select="rerun",
                      selection_mode="single-row", column_config=fitted(table))
chosen = picked.selection.rows if picked is not None else []
if chosen:
    st.switch_page(nav.page_path("pages/alert.py"), query_params={"id": str(rows[chosen[0]].id)})
st.caption(t("alerts.pick_hint"))
