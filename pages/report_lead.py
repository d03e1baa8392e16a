"""Report a lead from a phone: what, how urgent, where, photos; nearby reports offered first."""

import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Perm
from services.core.errors import Invalid, ServiceError
from ui.core.bridge import db_session, engine
from ui.core.i18n import label, t
from ui.core.widgets import field_error, pop_errors, remember_errors
from ui.leads.locate import photo_suggestion, where_inputs
from ui.leads.photos import photos_saved
from ui.leads.report import (
    clear_form,
    nearby_choice,
    photo_uploader,
    place_inputs,
    report_done,
    submit_args,
)
from ui.leads.widgets import lead_error
from ui.shell import guard

actor = guard.require(Perm.REPORT_LEAD)
received = clock.now()  # when this run began: for a submit, when the server received it
st.title(t("page.report_lead"))
done = st.session_state.get("lead_report_done")
if done:
    report_done(done)  # the lead's number and who has it, and "report another": nothing else
    st.stop()
errors = pop_errors("lead_form")

where_inputs(actor)  # "use my location" and the map: the point, its grid and community
with st.expander(t("phone.other_place"), expanded="location" in errors["fields"]):
    place_inputs(actor)
field_error(errors, "location")
photo_uploader()
field_error(errors, "photos")
photo_suggestion(actor, submit_args()["photos"])
st.selectbox(t("leads.category_label"), leads.CATEGORIES, key="lead_form_category",
             format_func=lambda v: label("leads.category", v), index=None,
             placeholder=t("leads.choose"))
field_error(errors, "category")
st.text_area(t("leads.description_label"), key="lead_form_description", max_chars=2000,
             placeholder=t("leads.description_hint"))
field_error(errors, "description")
st.segmented_control(t("leads.urgency_label"), leads.URGENCIES, key="lead_form_urgency",
                     default="routine", format_func=lambda v: label("leads.urgency", v))
field_error(errors, "urgency")
with st.expander(t("phone.more_fields"),
                 expanded=bool({"address", "reporter_contact"} & set(errors["fields"]))):
    st.text_input(t("leads.address_label"), key="lead_form_address", max_chars=200)
    field_error(errors, "address")
    st.text_input(t("leads.contact_label"), key="lead_form_contact", max_chars=64)
    field_error(errors, "reporter_contact")


def _report() -> None:
    args = submit_args()
    try:
        view = leads.submit_lead(engine(), actor=actor, received_at=received, **args)
    except Invalid as exc:
        remember_errors("lead_form", exc)
        st.rerun()
    except ServiceError as exc:
        lead_error(exc)
    else:
        who = label("leads.rule", view.dispatch_rule or "none")
        st.session_state["lead_report_done"] = (view.id, t("leads.reported", id=view.id,
                                                            rule=who)
                                                + " " + photos_saved(len(args["photos"])))
        clear_form()
        st.rerun()


pending = st.session_state.get("lead_nearby")
if pending:
    choice = nearby_choice(pending)
    if choice == "new":
        _report()
    elif choice is not None:
        args = submit_args()
        try:
            with db_session(write=True) as s:
                leads.add_to_lead(s, actor=actor, lead_id=int(choice),
                                  description=args["description"], photos=args["photos"])
        except Invalid as exc:  # a bad photo: said next to the field, the form kept
            st.session_state.pop("lead_nearby", None)
            remember_errors("lead_form", exc)
            st.rerun()
        except ServiceError as exc:
            lead_error(exc)
        else:
            st.session_state["lead_report_done"] = (int(choice), t("leads.added", id=choice)
                                                    + " " + photos_saved(len(args["photos"])))
            clear_form()
            st.rerun()
elif st.button(t("leads.submit"), key="lead_submit", type="primary", width="stretch"):
    args = submit_args()
    try:
        with db_session() as s:
            near = leads.nearby_leads(s, actor=actor, category=args["category"] or "",
                                      community_id=args["community_id"],
                                      grid_id=args["grid_id"], lat=args["lat"], lon=args["lon"])
    except Invalid:
        near = []  # the submit below reports every wrong field at once
    if near:
        st.session_state["lead_nearby"] = [(n.id, n.distance_m, n.excerpt, n.status)
                                           for n in near]
        st.rerun()
    _report()
