"""Home panel: alerts waiting for the user's acknowledgement, and outcomes of recent ones."""

from __future__ import annotations

import streamlit as st

from services import alerts
from services.core import clock
from services.core.actor import Actor, Perm
from services.core.errors import ServiceError
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.widgets import show_error


def _acknowledge(actor: Actor, alert_id: int) -> None:
    try:
        with db_session(write=True) as s:
            alerts.acknowledge(s, actor=actor, alert_id=alert_id)
    except ServiceError as exc:
        show_error(exc)
    else:
        st.rerun()


def render(actor: Actor) -> None:
    if not actor.can(Perm.VIEW_ALERTS):
        return
    with db_session() as s:
        pending = alerts.to_acknowledge(s, actor=actor)
        outcomes = alerts.recent_outcomes(s, actor=actor)
    if not pending and not outcomes:
        return
    box = st.container(border=True)
    box.subheader(t("alerts.panel_title"), anchor=False)
    for p in pending:
        row = box.container()
        row.warning(t("alerts.panel_row", title=md(p.title), origin=md(p.origin_region),
                      until=clock.local(p.valid_to)), icon=":material/campaign:")
        if p.relayed:
            row.caption(t("alerts.relay_hint", n=p.relayed))
        left, right, _ = row.columns([1, 1, 3])
        left.page_link(nav.page_path("pages/alert.py"), label=t("alerts.open"),
                       query_params={"id": str(p.id)}, icon=":material/open_in_new:")
        if right.button(t("alerts.acknowledge"), key=f"alerts_panel_ack_{p.id}", type="primary"):
            _acknowledge(actor, p.id)
    for a in outcomes:
        box.success(t("alerts.panel_outcome", title=md(a.title),
                      outcome=label("alerts.outcome", a.outcome)), icon=":material/flag:")
        box.text(a.outcome_note)
