"""One lead: what, where, photos, its timeline, and the steps the user may take now."""

import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Perm
from services.core.errors import ServiceError
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.leads.actions import action_forms
from ui.leads.dispute import dispute_section
from ui.leads.more_info import answer_section
from ui.leads.notices import seen_lead
from ui.leads.photos import show_photos
from ui.leads.tasks import lead_tasks
from ui.leads.unit_tasks import unit_tasks
from ui.leads.widgets import events_frame, lead_error
from ui.maps.build import small_map
from ui.shell import guard

actor = guard.require(Perm.VIEW_LEADS)
raw = st.query_params.get("id") or st.session_state.get("lead_id")
try:
    lead_id = int(raw)  # type: ignore[arg-type]
except (TypeError, ValueError):
    st.info(t("leads.pick_a_lead"))
    st.page_link(nav.page_path("pages/leads.py"), label=t("page.leads"))
    st.stop()
st.session_state["lead_id"] = lead_id
seen_lead(actor, lead_id)

try:
    with db_session() as s:
        detail = leads.get_lead(s, actor=actor, lead_id=lead_id)
        tasks = leads.list_tasks(s, actor=actor, lead_id=lead_id)
except ServiceError as exc:
    lead_error(exc)
    st.stop()
lead = detail.lead

st.page_link(nav.page_path("pages/leads.py"), label=t("leads.back"), icon=":material/arrow_back:")
st.title(t("leads.lead_title", id=lead.id, category=label("leads.category", lead.category)))
status = label("leads.status", lead.status)
if detail.overdue:
    st.error(t("leads.is_overdue", status=status), icon=":material/alarm:")
else:
    st.info(t("leads.status_line", status=status, level=label("leads.level", lead.level)))

shown = st.session_state.get(f"lead_shown_{lead.id}", lead.version)
answer_section(actor, detail, shown)  # the reporter's answer, first when one is asked for

left, right = st.columns([3, 2])
with left:
    facts = {
        t("leads.col_urgency"): label("leads.urgency", lead.urgency),
        t("leads.col_created"): clock.local(lead.created_at),
        t("leads.col_community"): place(detail.community_name),
        t("leads.grid"): detail.grid_name,
        t("leads.address"): lead.address,
        t("leads.reporter"): detail.reporter_name,
        t("leads.contact"): detail.reporter_contact,
        t("leads.col_assignee"): detail.officer_name or detail.assignee_name,
        t("leads.rule"): label("leads.rule", lead.dispatch_rule or ""),
        t("leads.accept_due"): clock.local(lead.accept_due_at),
        t("leads.resolve_due"): clock.local(lead.resolve_due_at),
    }
    st.table({t("leads.field"): [md(k) for k in facts],
              t("leads.value"): [md(v) for v in facts.values()]})  # address: user text
    st.subheader(t("leads.description"))
    st.text(lead.description)  # user text: plain, never markdown
    if lead.resolution:
        st.subheader(t("leads.resolution"))
        st.text(lead.resolution)
with right:
    st.pydeck_chart(small_map(lead.lat, lead.lon, detail.boundary), height=260,
                    key="lead_map")
    show_photos(actor, [p.id for p in detail.photos], leads.read_photo)

st.subheader(t("leads.timeline"))
events = events_frame(detail.events)
st.dataframe(events, hide_index=True, key="lead_timeline", column_config=fitted(events))
lead_tasks(actor, tasks)
unit_tasks(actor, detail, tasks)  # the "N": social units' tasks and report-backs

action_forms(actor, detail, shown)
st.session_state[f"lead_shown_{lead.id}"] = lead.version
dispute_section(actor, detail)
