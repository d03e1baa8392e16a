"""Dispatch rules in order, and deadlines to accept and resolve: edited by an administrator."""

import pandas as pd
import streamlit as st

from services import leads
from services.core.actor import Perm
from services.core.errors import ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.leads.widgets import lead_error
from ui.shell import guard

actor = guard.require(Perm.EDIT_SETTINGS)
st.title(t("page.admin_rules"))
flash = st.session_state.pop("rules_flash", None)
if flash:
    st.success(flash)
with db_session() as s:
    rules = leads.list_rules(s)
    deadlines = leads.list_deadlines(s)

st.subheader(t("leads.rules_title"))
st.caption(t("leads.rules_help"))
# The tables hold labels, not codes: a table's cells are also read out (to screen readers)
# as they are held, whatever a column's format_func draws.
kinds = {label("leads.rule", k): k for k in leads.rules.RULE_KINDS}
categories = {t("i17.any_category"): "*"} | {label("leads.category", c): c
                                            for c in leads.CATEGORIES}
urgencies = {label("leads.urgency", u): u for u in leads.URGENCIES}
rule_frame = pd.DataFrame({"position": [r.position for r in rules],
                           "kind": [label("leads.rule", r.kind) for r in rules],
                           "active": [r.active for r in rules]})
edited_rules = st.data_editor(
    rule_frame, hide_index=True, key="rules_editor", num_rows="dynamic",
    column_config={
        "position": st.column_config.NumberColumn(t("leads.rule_position"), min_value=1, step=1),
        "kind": st.column_config.SelectboxColumn(
            t("leads.rule_kind"), options=list(kinds), required=True),
        "active": st.column_config.CheckboxColumn(t("leads.rule_active")),
    })
if st.button(t("leads.rules_save"), key="rules_save", type="primary"):
    rows = [leads.RuleRow(int(r.position or i + 1), kinds.get(str(r.kind), str(r.kind)),
                          bool(r.active))
            for i, r in enumerate(edited_rules.dropna(subset=["kind"]).itertuples())]
    try:
        with db_session(write=True) as s:
            leads.save_rules(s, actor=actor, rules=rows)
    except ServiceError as exc:
        lead_error(exc)
        st.error(" ".join(t(k) for k in getattr(exc, "fields", {}).values()))
    else:
        st.session_state["rules_flash"] = t("leads.rules_saved")
        st.rerun()

st.subheader(t("leads.deadlines_title"))
st.caption(t("leads.deadlines_help"))
deadline_frame = pd.DataFrame([d.__dict__ for d in deadlines])
if len(deadline_frame):
    shown = {code: name for name, code in categories.items()}
    deadline_frame["category"] = [shown.get(c, c) for c in deadline_frame["category"]]
    deadline_frame["urgency"] = [label("leads.urgency", u) for u in deadline_frame["urgency"]]
edited = st.data_editor(
    deadline_frame, hide_index=True, key="deadlines_editor", num_rows="dynamic",
    column_config={
        "category": st.column_config.SelectboxColumn(
            t("leads.f_category"), options=list(categories), required=True),
        "urgency": st.column_config.SelectboxColumn(
            t("leads.f_urgency"), options=list(urgencies), required=True),
        "accept_minutes": st.column_config.NumberColumn(t("leads.accept_minutes"), min_value=1),
        "resolve_minutes": st.column_config.NumberColumn(t("leads.resolve_minutes"),
                                                         min_value=1),
    })
if st.button(t("leads.deadlines_save"), key="deadlines_save", type="primary"):
    try:
        table = [leads.DeadlineRow(categories.get(str(r.category), str(r.category)),
                                   urgencies.get(str(r.urgency), str(r.urgency)),
                                   int(r.accept_minutes), int(r.resolve_minutes))
                 for r in edited.dropna().itertuples()]
        with db_session(write=True) as s:
            leads.save_deadlines(s, actor=actor, rows=table)
    except (ServiceError, ValueError) as exc:
        if isinstance(exc, ServiceError):
            lead_error(exc)
        st.error(t("leads.deadlines_bad"))
    else:
        st.session_state["rules_flash"] = t("leads.deadlines_saved")
        st.rerun()
