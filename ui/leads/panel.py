"""Home panel for leads: urgent leads for supervisors, mine for officers, replies for reporters."""

from __future__ import annotations

import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Actor, Perm, Role
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.leads import notices as leads_notices


def render(actor: Actor) -> None:
    if not actor.can(Perm.VIEW_LEADS) or leads_notices.hears(actor):
        return  # grid workers see their reports as cards at the top of home
    with db_session() as s:
        summary = leads.summary(s, actor=actor)
    box = st.container(border=True)
    box.subheader(t("leads.panel_title"))
    cols = box.columns(3)
    if actor.can(Perm.SUPERVISE_LEADS):
        cols[0].metric(t("leads.urgent_waiting"), summary.urgent_waiting)
    cols[1].metric(t("leads.panel_mine_open"), summary.mine_open)
    cols[2].metric(t("leads.panel_mine_overdue"), summary.mine_overdue)
    if actor.role == Role.GRID_WORKER or summary.replies:
        box.caption(t("leads.panel_replies"))
        for reply in summary.replies:
            box.text(t("leads.panel_reply_row", id=reply.lead_id, at=clock.local(reply.at),
                       status=label("leads.status", reply.status)) + "  " + reply.note[:120])
        if not summary.replies:
            box.caption(t("leads.panel_no_replies"))
    box.page_link(nav.page_path("pages/leads.py"), label=t("page.leads"),
                  icon=":material/inbox:")
