"""The community page's "N" (social units) and "1" (officer) sections."""

from __future__ import annotations

import streamlit as st

from services import roster
from services.core.actor import Actor, Role
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.versions import seen_key, seen_version
from ui.core.widgets import field_error, pop_errors
from ui.roster.forms import active_button, reveal_buttons, save
from ui.roster.views import officers_block, units_frame


def _unit_form(actor: Actor, view: roster.CommunityRoster, unit: roster.UnitView | None) -> None:
    form = f"unit_{unit.id if unit else 'new'}"
    seen = seen_version("unit", unit.id, unit.version) if unit else None
    prefix = f"{form}_{seen or 0}"  # the version drawn before: a stale click lands
    errors = pop_errors(form)
    with st.form(prefix, enter_to_submit=False):
        st.text_input(t("roster.f_unit_name"), value=unit.name if unit else "",
                      key=f"{prefix}_name", max_chars=128)
        field_error(errors, "name")
        kinds = list(roster.UNIT_KINDS)
        st.selectbox(t("roster.f_kind"), kinds, key=f"{prefix}_kind",
                     index=kinds.index(unit.kind) if unit and unit.kind in kinds else 0,
                     format_func=lambda k: label("roster.unit_kind", k))
        field_error(errors, "kind")
        st.text_input(t("roster.f_contact_name"), value=unit.contact_name if unit else "",
                      key=f"{prefix}_contact", max_chars=64)
        field_error(errors, "contact_name")
        st.text_input(t("roster.f_contact_phone"), key=f"{prefix}_phone", max_chars=32,
                      placeholder=f"{unit.phone_masked} {t('roster.keep_masked')}"
                      if unit and unit.phone_masked else "023-68812345")
        field_error(errors, "contact_phone")
        st.text_area(t("roster.f_services"), value="\n".join(unit.services) if unit else "",
                     key=f"{prefix}_services", help=t("roster.f_services_help"), height=100)
        field_error(errors, "services")
        go = st.form_submit_button(t("common.save"), key=f"{prefix}_submit", type="primary")
    if go:
        s_ = st.session_state
        values = {"name": s_.get(f"{prefix}_name"), "kind": s_.get(f"{prefix}_kind"),
                  "contact_name": s_.get(f"{prefix}_contact"),
                  "contact_phone": s_.get(f"{prefix}_phone"),
                  "services": roster.importrows.split(s_.get(f"{prefix}_services") or "")}
        keys = [f"{prefix}_{k}" for k in ("name", "contact", "phone", "services")]
        save(form, lambda s: roster.save_unit(
            s, actor=actor, community_id=view.id, values=values,
            unit_id=unit.id if unit else None, shown_version=seen),
            t("roster.saved", name=str(values["name"] or "").strip()),
            keys if unit is None else [seen_key("unit", unit.id)])


def units(actor: Actor, view: roster.CommunityRoster) -> None:
    if view.units:
        st.dataframe(units_frame(view), hide_index=True, key="units_table")
    else:
        st.caption(t("roster.no_units"))
    if view.can_edit:
        with st.expander(t("roster.add_unit")):
            _unit_form(actor, view, None)
    ids = {u.id: u for u in view.units}
    chosen = st.selectbox(t("roster.pick_unit"), list(ids), index=None, key="unit_pick",
                          placeholder=t("roster.choose"), format_func=lambda i: ids[i].name)
    unit = ids.get(chosen) if chosen is not None else None
    if unit is None:
        return
    if view.can_reveal:
        reveal_buttons(actor, "social_unit", unit.id, ("contact_phone",))
    if view.can_edit:
        _unit_form(actor, view, unit)
        active_button(actor, "social_unit", unit.id, unit.version, unit.active, unit.name)


def _officer_form(actor: Actor, view: roster.CommunityRoster,
                  officer: roster.OfficerView | None) -> None:
    form = f"officer_{officer.id if officer else 'new'}"
    seen = seen_version("officer", officer.id, officer.version) if officer else 0
    prefix = f"{form}_{seen or 0}"  # the version drawn before: a stale click lands
    errors = pop_errors(form)
    with st.form(prefix, enter_to_submit=False):
        for field, value, size in (("name", officer.name if officer else "", 64),
                                   ("badge_no", officer.badge_no if officer else "", 16)):
            st.text_input(t(f"roster.f_officer_{field}"), value=value, key=f"{prefix}_{field}",
                          max_chars=size)
            field_error(errors, field)
        st.text_input(t("roster.f_phone"), key=f"{prefix}_phone", max_chars=32,
                      placeholder=f"{officer.phone_masked} {t('roster.keep_masked')}"
                      if officer else "13812345678")
        field_error(errors, "phone")
        st.checkbox(t("roster.deputy_secretary"), key=f"{prefix}_deputy",
                    value=officer.is_deputy_secretary if officer else False)
        st.checkbox(t("roster.on_duty"), key=f"{prefix}_duty",
                    value=officer.on_duty if officer else True)
        go = st.form_submit_button(t("common.save"), key=f"{prefix}_submit", type="primary")
    if go:
        s_ = st.session_state
        values = {"name": s_.get(f"{prefix}_name"), "badge_no": s_.get(f"{prefix}_badge_no"),
                  "phone": s_.get(f"{prefix}_phone"),
                  "is_deputy_secretary": s_.get(f"{prefix}_deputy"),
                  "on_duty": s_.get(f"{prefix}_duty")}
        if officer is None:
            def action(s):  # type: ignore[no-untyped-def]
                return roster.add_officer(s, actor=actor, community_id=view.id, values=values)
        else:
            def action(s):  # type: ignore[no-untyped-def]
                return roster.edit_officer(s, actor=actor, officer_id=officer.id,
                                           shown_version=seen, values=values)
        save(form, action, t("roster.saved", name=str(values["name"] or "").strip()),
             [seen_key("officer", officer.id)] if officer else [])


def officer(actor: Actor, view: roster.CommunityRoster) -> None:
    officers_block(view)
    own = next((o for o in view.officers if o.role == "community"), None)
    if own is not None and (view.can_reveal or actor.officer_id == own.id):
        reveal_buttons(actor, "officer", own.id, ("phone",))
    if own is not None and view.can_edit:
        st.markdown(f"**{t('roster.edit_officer')}**")
        _officer_form(actor, view, own)
    if actor.role != Role.ADMIN:
        return
    if own is not None:
        active_button_officer(actor, own)
    with db_session() as s:
        choices = dict(roster.officer_choices(s, actor=actor, community_id=view.id))
    ids: list[int | None] = [None, *choices]
    pick = st.selectbox(t("roster.assign_officer"), ids, key="officer_assign",
                        index=ids.index(view.officer_id) if view.officer_id in ids else 0,
                        format_func=lambda i: t("common.none") if i is None else choices[i])
    if pick != view.officer_id and st.button(t("roster.assign"), key="officer_assign_go"):
        save("officer_assign", lambda s: roster.assign_officer(
            s, actor=actor, community_id=view.id, officer_id=pick), t("roster.assigned"), [])
    with st.expander(t("roster.add_officer")):
        _officer_form(actor, view, None)


def active_button_officer(actor: Actor, own: roster.OfficerView) -> None:
    verb = "deactivate" if own.active else "reactivate"
    seen = seen_version("officer_active", own.id, own.version)
    if st.button(t(f"roster.{verb}"), key=f"officer_{verb}_{own.id}"):
        save(f"officer_{own.id}", lambda s: roster.set_officer_active(
            s, actor=actor, officer_id=own.id, shown_version=seen,
            active=not own.active), t(f"roster.{verb}d", name=own.name), [])
