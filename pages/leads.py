"""Leads inbox: my leads, my reports, or all in my scope; filtered, paged, refreshed live."""

import streamlit as st

from services import leads
from services.core.actor import Perm
from services.core.errors import ServiceError
from services.stats.fmt import number
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.widgets import table
from ui.leads.mine import my_reports
from ui.leads.notices import hears
from ui.leads.widgets import inbox_filters, inbox_frame, lead_error, overdue_in_red
from ui.shell import guard
from ui.shell.auth import current_actor
from ui.shell.watch import announce_urgent

actor = guard.require(Perm.VIEW_LEADS)
if hears(actor):  # grid workers: their reports as cards, readable on a phone
    my_reports(actor)
    st.stop()
st.title(t("page.leads"))
filters = inbox_filters(actor)
if st.session_state.get("leads_last_filters") != filters:
    st.session_state["leads_page"] = 1  # new filters start on the first page
    st.session_state["leads_last_filters"] = filters


@st.fragment(run_every="5s")
def live_table() -> None:
    """Only the table refreshes; filters and half-typed input outside it stay as they are."""
    live = current_actor(activity=False)  # a refresh is not activity: idle sessions still end
    if live is None:
        st.rerun(scope="app")
    with db_session() as s:
        page = leads.inbox(s, actor=live, filters=filters,
                           page=st.session_state.get("leads_page", 1))
        waiting = (leads.urgent_waiting_count(s, actor=live)
                   if live.can(Perm.SUPERVISE_LEADS) else None)
    announce_urgent(live)  # shares its mark with the sidebar's watch: one toast per lead
    if waiting is not None:
        st.metric(t("leads.urgent_waiting"), waiting)
    frame = inbox_frame(page.rows)
    picked = table(frame, empty="leads.empty_inbox", hide_index=True, key="leads_table",
                   on_select="rerun", selection_mode="single-row",
                   column_config=overdue_in_red())
    chosen = picked.selection.rows if picked is not None else []
    if chosen:
        st.session_state["lead_id"] = page.rows[chosen[0]].id
        st.switch_page(nav.page_path("pages/lead.py"),
                       query_params={"id": str(page.rows[chosen[0]].id)})
    total = number(page.total)
    st.caption(t("common.page", page=number(page.page), pages=number(page.pages),
                 total=t("leads.more_than", n=total) if page.capped else total))
    prev, nxt, _ = st.columns([1, 1, 4])
    if prev.button(t("common.prev"), key="leads_prev", disabled=page.page <= 1):
        st.session_state["leads_page"] = page.page - 1
        st.rerun(scope="fragment")
    if nxt.button(t("common.next"), key="leads_next", disabled=page.page >= page.pages):
        st.session_state["leads_page"] = page.page + 1
        st.rerun(scope="fragment")


live_table()

st.divider()
open_id = st.number_input(t("leads.open_by_id"), min_value=1, step=1, value=None,
                          key="leads_open_id")
if st.button(t("leads.open"), key="leads_open") and open_id:
    st.switch_page(nav.page_path("pages/lead.py"), query_params={"id": str(int(open_id))})

with st.expander(t("leads.export")):
    fmt = st.radio(t("leads.export_format"), ["csv", "xlsx"], horizontal=True,
                   key="leads_export_fmt", format_func=lambda v: v.upper())
    if st.button(t("leads.export_prepare"), key="leads_export"):
        headers = {c: t(f"leads.col_{c}") for c in leads.export.COLUMNS}
        try:
            with db_session(write=True) as s:  # the export itself is audited
                data, n = leads.export_leads(s, actor=actor, filters=filters, fmt=fmt,
                                             headers=headers, label=label)
        except ServiceError as exc:
            lead_error(exc)
        else:
            st.session_state["leads_export_file"] = (data, fmt, n)
    ready = st.session_state.get("leads_export_file")
    if ready:
        data, kind, n = ready
        st.caption(t("leads.export_ready", n=n))
        mime = ("text/csv" if kind == "csv" else
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        st.download_button(t(f"common.download_{kind}"), data, file_name=f"leads.{kind}",
                           mime=mime, key="leads_download")
