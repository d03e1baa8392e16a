"""Home panel: overdue measures of the assistance files the user looks after."""

from __future__ import annotations

import streamlit as st

from services.cases import measures as case_measures
from services.core.actor import Actor, Perm
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.places import place


def render(actor: Actor) -> None:
    with db_session() as s:
        late = case_measures.overdue_measures(s, actor=actor, limit=20)
    if not late:
        return
    box = st.container(border=True)
    box.subheader(t("cases.panel_title"), anchor=False)
    box.error(t("cases.overdue_warning", n=len(late)), icon=":material/alarm:")
    box.dataframe({
        t("cases.household"): [o.household for o in late],
        t("cases.community"): [place(o.community) for o in late],
        t("cases.kind_label"): [label("cases.kind", o.kind) for o in late],
        t("cases.responsible"): [o.responsible for o in late],
        t("cases.due_date"): [o.due_date.isoformat() for o in late],
        t("cases.days_late"): [o.days_late for o in late],
    }, hide_index=True, key="cases_panel_overdue")
    if actor.can(Perm.VIEW_CASES):
        box.page_link(nav.page_path("pages/cases.py"), label=t("page.cases"),
                      icon=":material/family_restroom:")
