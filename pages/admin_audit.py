"""Audit log: search by actor, action, entity and days; paged in SQL; each entry's changes
as a list of 'field: before → after' in the reader's language; check the hash chain."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from services.admin import audit_query
from services.core import clock
from services.core.actor import Perm
from services.core.errors import ServiceError
from services.stats import fmt
from ui.admin.audit_view import action_label, entity_label, row_changes
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.widgets import show_error
from ui.shell import guard

actor = guard.require(Perm.VIEW_AUDIT)
st.title(t("page.admin_audit"))

with db_session() as s:
    known = audit_query.actions(s, actor=actor)
    kinds = audit_query.entities(s, actor=actor)
areas = sorted({a.split(".")[0] + "." for a in known})
today = clock.local_today()
c1, c2, c3 = st.columns(3)
who = c1.text_input(t("audit.actor"), key="audit_actor", max_chars=64)
action = c2.selectbox(t("audit.action"), ["", *areas, *known], key="audit_action",
                      format_func=lambda a: action_label(a) if a else t("common.all"))
days = c3.date_input(t("audit.days"), value=(today - timedelta(days=30), today),
                     format="YYYY-MM-DD", key="audit_days", max_value=today)
c4, c5, c6 = st.columns(3)
entity = c4.selectbox(t("audit.entity"), ["", *(k for k in kinds if k)], key="audit_entity",
                      format_func=lambda e: entity_label(e) if e else t("common.all"))
entity_id = c5.text_input(t("audit.entity_id"), key="audit_entity_id", max_chars=32)
page = c6.number_input(t("audit.page"), min_value=1, value=1, step=1, key="audit_page")

first, last = (tuple(days) + (None, None))[:2] if isinstance(days, tuple | list) else (days, days)
filters = audit_query.AuditFilter(actor=who, action=action, entity=entity, entity_id=entity_id,
                                  first_day=first, last_day=last or first)
try:
    with db_session() as s:
        result = audit_query.search(s, actor=actor, filters=filters, page=int(page))
except ServiceError as exc:
    show_error(exc)
    st.stop()

st.caption(t("common.page", page=fmt.number(result.page), pages=fmt.number(result.pages),
             total=fmt.number(result.total)))
lines = [row_changes(r) for r in result.rows]
frame = pd.DataFrame(
    [(r.id, r.at, t("audit.system") if r.actor == "system" else r.actor, action_label(r.action),
      entity_label(r.entity), r.entity_id, t("audit.item_sep").join(c))
     for r, c in zip(result.rows, lines, strict=True)],
    columns=[t("audit.id"), t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.entity"),
             t("audit.entity_id"), t("audit.changes")],
)
picked = st.dataframe(frame, hide_index=True, width="stretch", key="audit_table",
                      on_select="rerun", selection_mode="single-row", placeholder="—",
                      column_config=fitted(frame, {t("audit.changes"):
                                                   st.column_config.TextColumn(width="large")}))
chosen = picked.selection.rows if picked else []
if chosen and chosen[0] < len(result.rows):  # the whole list of one entry, one field a line
    row = result.rows[chosen[0]]
    st.markdown(md(t("audit.detail", id=row.id, action=action_label(row.action), at=row.at)))
    st.markdown("\n".join(f"- {md(line)}" for line in lines[chosen[0]])
                or md(t("audit.no_changes")))
else:
    st.caption(t("audit.pick_hint"))

st.subheader(t("audit.chain"))
st.caption(t("audit.chain_help"))
if st.button(t("audit.verify"), key="audit_verify"):
    with db_session() as s:
        report = audit_query.verify(s, actor=actor)
    if report.first_broken_id is None:
        st.success(t("audit.chain_ok", count=report.checked))
    else:
        st.error(t("audit.chain_broken", id=report.first_broken_id, count=report.checked))
