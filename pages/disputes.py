"""Disputes (矛盾纠纷): record, mediate, resolve; repeats within 90 days are flagged."""

import streamlit as st

from services import disputes
from services.core import clock
from services.core.actor import Perm
from services.core.errors import ServiceError
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.record_forms import show_flash
from ui.core.widgets import show_error, table
from ui.disputes.forms import new_dispute_form, step_and_resolve_forms
from ui.shell import guard

actor = guard.require(Perm.VIEW_DISPUTES)
st.title(t("page.disputes"))
show_flash()
if actor.can(Perm.EDIT_DISPUTES):
    with st.expander(t("disputes.new"), icon=":material/add_comment:"):
        new_dispute_form(actor)

left, right = st.columns(2)
only_open = left.toggle(t("disputes.only_open"), key="disputes_only_open")
only_recurring = right.toggle(t("disputes.only_recurring"), key="disputes_only_recurring")
with db_session() as s:
    rows = disputes.list_disputes(s, actor=actor, only_open=only_open,
                                  only_recurring=only_recurring)
if not rows:
    st.info(t("disputes.none"))
    st.stop()
listing = {
    t("disputes.col_id"): [r.id for r in rows],
    t("disputes.reported"): [clock.local(r.reported_at) for r in rows],
    t("disputes.community"): [place(r.community) for r in rows],
    t("disputes.kind_label"): [label("disputes.kind", r.kind) for r in rows],
    t("disputes.address"): [r.address for r in rows],
    t("disputes.parties"): [r.parties for r in rows],
    t("disputes.resolved"): [t("common.yes") if r.resolved else t("common.no") for r in rows],
    t("disputes.recurring"): [t("disputes.repeat_of", id=r.recurring_of_id)
                              if r.recurring_of_id else "" for r in rows],
    t("disputes.steps"): [r.steps for r in rows],
}
picked = st.dataframe(listing, hide_index=True, key="disputes_table", on_select="rerun",
                      selection_mode="single-row", column_config=fitted(listing))
chosen = picked.selection.rows if picked is not None else []
linked = str(st.query_params.get("id") or "")  # ?id= from a link (a lead's page)
if not chosen and not (linked.isdigit() and len(linked) < 10):
    st.caption(t("disputes.pick_hint"))
    st.stop()

try:
    with db_session() as s:
        d = disputes.get_dispute(s, actor=actor,
                                 dispute_id=rows[chosen[0]].id if chosen else int(linked))
except ServiceError as exc:
    show_error(exc)
    st.stop()

st.header(t("disputes.title", id=d.id, kind=label("disputes.kind", d.kind)), anchor=False)
st.caption(t("disputes.line", community=md(place(d.community)), address=md(d.address),
             at=clock.local(d.reported_at)))
if d.recurring_of_id:
    st.warning(t("disputes.recurring_warning", id=d.recurring_of_id), icon=":material/repeat:")
if d.repeats:
    st.warning(t("disputes.came_back", ids="、".join(f"#{i}" for i in d.repeats)),
               icon=":material/repeat:")
if d.lead_id:
    st.page_link(nav.page_path("pages/lead.py"), query_params={"id": str(d.lead_id)},
                 label=t("disputes.from_lead", id=d.lead_id), icon=":material/description:")
st.text(d.description)
if d.resolved:
    st.success(t("disputes.resolved_line", at=clock.local(d.resolved_at)))
    st.text(d.resolution)

parties = list(d.parties)
if actor.can(Perm.REVEAL_PERSONAL) and st.toggle(t("disputes.reveal"), key="dispute_reveal"):
    with db_session(write=True) as s:  # the reveal is audited
        parties = disputes.reveal_parties(s, actor=actor, dispute_id=d.id)
st.dataframe({t(f"cases.person.{c}"): [p.get(c, "") for p in parties]
              for c in ("name", "phone", "id_number")}, hide_index=True, key="dispute_parties")

st.subheader(t("disputes.steps"), anchor=False)
table({t("disputes.step_day"): [clock.local(x.at) for x in d.steps],
       t("disputes.step_by"): [x.by for x in d.steps],
       t("disputes.step_note"): [x.note for x in d.steps]},
      empty="disputes.empty_steps", hide_index=True, key="dispute_steps")
if actor.can(Perm.EDIT_DISPUTES):
    step_and_resolve_forms(actor, d)
