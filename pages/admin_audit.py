"""Audit log: search by actor, action, entity and days; paged in SQL; check the hash chain."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from services import audit_query, clock
from services.actor import Perm
from services.errors import ServiceError
from ui import guard
from ui.bridge import db_session
from ui.i18n import t
from ui.widgets import show_error

actor = guard.require(Perm.VIEW_AUDIT)
st.title(t("page.admin_audit"))

with db_session() as s:
    known = audit_query.actions(s, actor=actor)
areas = sorted({a.split(".")[0] + "." for a in known})
today = clock.local_today()
c1, c2, c3 = st.columns(3)
who = c1.text_input(t("audit.actor"), key="audit_actor", max_chars=64)
action = c2.selectbox(t("audit.action"), ["", *areas, *known], key="audit_action",
                      format_func=lambda a: a or t("common.all"))
days = c3.date_input(t("audit.days"), value=(today - timedelta(days=30), today),
                     key="audit_days", max_value=today)
c4, c5, c6 = st.columns(3)
entity = c4.text_input(t("audit.entity"), key="audit_entity", max_chars=32)
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

st.caption(t("common.page", page=result.page, pages=result.pages, total=result.total))
frame = pd.DataFrame(
    [(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after)
     for r in result.rows],
    columns=["id", t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.entity"),
             t("audit.entity_id"), t("audit.before"), t("audit.after")],
)
st.dataframe(frame, hide_index=True, width="stretch", key="audit_table")

st.subheader(t("audit.chain"))
st.caption(t("audit.chain_help"))
if st.button(t("audit.verify"), key="audit_verify"):
    with db_session() as s:
        report = audit_query.verify(s, actor=actor)
    if report.first_broken_id is None:
        st.success(t("audit.chain_ok", count=report.checked))
    else:
        st.error(t("audit.chain_broken", id=report.first_broken_id, count=report.checked))
