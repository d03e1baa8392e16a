"""Assistance files (一对一帮扶): the files one may open, one file with measures and visits."""

import streamlit as st

from services.cases import files as cases
from services.core import clock
from services.core.actor import Perm
from services.core.errors import ServiceError
from ui.cases.forms import (
    add_measure_form,
    edit_case_form,
    new_case_form,
    progress_form,
    visit_and_close_forms,
)
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.record_forms import show_flash
from ui.core.widgets import show_error, table
from ui.shell import guard

actor = guard.require(Perm.VIEW_CASES)
st.title(t("page.cases"))
show_flash()
if actor.can(Perm.EDIT_CASES):
    with st.expander(t("cases.new"), icon=":material/create_new_folder:"):
        new_case_form(actor)
else:  # a grid worker: only the files with a measure of theirs
    st.caption(t("cases.assigned_only"))

status = st.segmented_control(t("cases.status"), ["open", "closed", None], default="open",
                              format_func=lambda v: t("common.all") if v is None
                              else label("cases.case_status", v), key="cases_status")
with db_session() as s:
    rows = cases.list_cases(s, actor=actor, status=status)
if not rows:
    st.info(t("cases.none"))
    st.stop()
listing = {
    t("cases.household"): [r.household for r in rows],
    t("cases.community"): [place(r.community) for r in rows],
    t("cases.status"): [label("cases.case_status", r.status) for r in rows],
    t("cases.opened"): [clock.local(r.opened_at) for r in rows],
    t("cases.measures"): [r.measures for r in rows],
    t("cases.overdue"): [r.overdue for r in rows],
    t("cases.last_visit"): [clock.local(r.last_visit) for r in rows],
}
picked = st.dataframe(listing, hide_index=True, key="cases_table", on_select="rerun",
                      selection_mode="single-row", column_config=fitted(listing))
chosen = picked.selection.rows if picked is not None else []
if not chosen:
    st.session_state.pop("case_logged", None)  # the next opening is a new one: log it
    st.caption(t("cases.pick_hint"))
    st.stop()

case_id = rows[chosen[0]].id
new_opening = st.session_state.get("case_logged") != case_id
try:
    with db_session(write=new_opening) as s:
        file = cases.open_file(s, actor=actor, case_id=case_id, log=new_opening)
except ServiceError as exc:
    show_error(exc)
    st.stop()
st.session_state["case_logged"] = case_id

st.header(md(file.household), anchor=False)
st.caption(t("cases.file_line", community=md(place(file.community)),
             opened=clock.local(file.opened_at), status=label("cases.case_status", file.status)))
st.text(file.needs)
if file.address:
    st.text(t("cases.address") + "：" + file.address)
if file.status == "closed":
    st.success(t("cases.outcome") + "：" + md(file.outcome))

members = list(file.members)
if actor.can(Perm.REVEAL_PERSONAL) and st.toggle(t("cases.reveal"), key="case_reveal"):
    with db_session(write=True) as s:  # the reveal is audited
        members = cases.reveal_members(s, actor=actor, case_id=file.id)
if members:
    st.dataframe({t(f"cases.person.{c}"): [m.get(c, "") for m in members]
                  for c in ("name", "relation", "id_number", "phone")},
                 hide_index=True, key="case_members")

st.subheader(t("cases.measures"), anchor=False)
late = [m for m in file.measures if m.overdue]
if late:
    st.error(t("cases.overdue_warning", n=len(late)), icon=":material/alarm:")
table({
    t("cases.department"): [label("cases.department", m.department) for m in file.measures],
    t("cases.kind_label"): [label("cases.kind", m.kind) for m in file.measures],
    t("cases.responsible"): [m.responsible for m in file.measures],
    t("cases.due_date"): [m.due_date.isoformat() if m.due_date else "" for m in file.measures],
    t("cases.status"): [label("cases.measure_status", m.status) for m in file.measures],
    t("cases.overdue"): [t("cases.is_overdue") if m.overdue else "" for m in file.measures],
    t("cases.note"): [m.note for m in file.measures],
}, empty="cases.empty_measures", hide_index=True, key="case_measures")
if file.status == "open" and actor.can(Perm.EDIT_CASES):
    edit_case_form(actor, file)

if file.status == "open":
    progress_form(actor, file)  # editors: every measure; the others: their own
    if actor.can(Perm.EDIT_CASES):
        add_measure_form(actor, file)

st.subheader(t("cases.visits"), anchor=False)
table({t("cases.visit_day"): [clock.local(v.at) for v in file.visits],
       t("cases.visitor"): [v.visitor for v in file.visits],
       t("cases.findings"): [v.findings for v in file.visits]},
      empty="cases.empty_visits", hide_index=True, key="case_visits")
if file.status == "open" and actor.can(Perm.EDIT_CASES):
    visit_and_close_forms(actor, file)

with st.expander(t("cases.access_log"), icon=":material/policy:"):
    st.dataframe({t("cases.opened_at"): [clock.local(at) for at, _ in file.opened_by],
                  t("cases.opened_by"): [who for _, who in file.opened_by]},
                 hide_index=True, key="case_access_log")
