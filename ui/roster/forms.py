"""Member forms: add and edit with every field checked where it is typed; (de)activate; reveal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import streamlit as st

from services import roster
from services.core.actor import Actor
from services.core.errors import Conflict, Invalid, ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import choose, label, t
from ui.core.markdown import md
from ui.core.versions import seen_version
from ui.core.widgets import field_error, pop_errors, remember_errors, show_error
from ui.roster.common import md_escape

DAYS = list(range(7))
FLASH = "roster_flash"


def flash(message: str) -> None:
    """A message shown at the top of the page after the rerun that follows a save."""
    st.session_state[FLASH] = md_escape(message)


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _time(text: str | None) -> time | None:
    return time(int(text[:2]), int(text[3:5])) if text else None


def save(form: str, action: Callable[[Any], Any], done: str, clear: list[str],
         conflicts: bool = False) -> None:
    """Run one write; field problems go back under their fields, others show here
    (a Conflict is raised to the caller when it handles them: `conflicts`)."""
    try:
        with db_session(write=True) as s:
            action(s)
    except Invalid as exc:
        remember_errors(form, exc)
        st.rerun()
    except Conflict as exc:
        if conflicts:
            raise
        show_error(exc)
    except ServiceError as exc:
        show_error(exc)
    else:
        for key in clear:
            st.session_state.pop(key, None)
        flash(done)
        st.rerun()


def member_fields(prefix: str, view: roster.CommunityRoster, member: roster.MemberView | None,
                  errors: dict[str, Any], team_id: int | None = None) -> None:
    """The member widgets, keyed by `prefix`; an edit starts from the member's values."""
    teams = {x.id: x.name for x in view.teams if x.active or (member and x.id == member.team_id)}
    grids = dict(view.grids)
    team_ids = list(teams)
    team_id = member.team_id if member else team_id
    st.selectbox(t("roster.f_team"), team_ids, format_func=lambda i: teams[i], key=f"{prefix}_team",
                 index=team_ids.index(team_id) if team_id in team_ids else 0)
    field_error(errors, "team_id")
    st.text_input(t("roster.f_name"), value=member.name if member else "", max_chars=64,
                  key=f"{prefix}_name")
    field_error(errors, "name")
    keep = t("roster.keep_masked")
    st.text_input(t("roster.f_phone"), key=f"{prefix}_phone", max_chars=32,
                  placeholder=f"{member.phone_masked} {keep}" if member else "13812345678")
    field_error(errors, "phone")
    st.text_input(t("roster.f_id_number"), key=f"{prefix}_id", max_chars=32,
                  placeholder=f"{member.id_masked} {keep}" if member and member.id_masked
                  else t("roster.f_id_number_hint"))
    field_error(errors, "id_number")
    grid_ids: list[int | None] = [None, *grids]
    st.selectbox(t("roster.f_grid"), grid_ids, key=f"{prefix}_grid",
                 format_func=lambda g: t("common.none") if g is None else grids[g],
                 index=grid_ids.index(member.grid_id) if member else 0)
    field_error(errors, "grid_id")
    st.multiselect(t("roster.f_skills"), list(roster.SKILLS), key=f"{prefix}_skills",
                   default=list(member.skills) if member else [],
                   format_func=lambda s: label("roster.skill", s),
                   placeholder=choose(roster.SKILLS))
    field_error(errors, "skills")
    avail = member.availability if member else {}
    st.multiselect(t("roster.f_days"), DAYS, key=f"{prefix}_days",
                   default=avail.get("days", []), format_func=lambda d: t(f"roster.day.{d}"),
                   help=t("roster.f_days_help"), placeholder=choose(DAYS))
    left, right = st.columns(2)
    left.time_input(t("roster.f_from"), value=_time(avail.get("from")), key=f"{prefix}_from",
                    step=900)
    right.time_input(t("roster.f_to"), value=_time(avail.get("to")), key=f"{prefix}_to",
                     step=900)
    field_error(errors, "availability")


def member_values(prefix: str) -> dict[str, Any]:
    state = st.session_state
    start, end = state.get(f"{prefix}_from"), state.get(f"{prefix}_to")
    days = state.get(f"{prefix}_days") or []
    return {"team_id": state.get(f"{prefix}_team"), "name": state.get(f"{prefix}_name", ""),
            "phone": state.get(f"{prefix}_phone", ""),
            "id_number": state.get(f"{prefix}_id", ""), "grid_id": state.get(f"{prefix}_grid"),
            "skills": state.get(f"{prefix}_skills") or [],
            "availability": {"days": days, "from": _hhmm(start), "to": _hhmm(end)}
            if days or start or end else {}}


MEMBER_KEYS = ("name", "phone", "id", "grid", "skills", "days", "from", "to")


def add_member_form(actor: Actor, view: roster.CommunityRoster, team_id: int) -> None:
    prefix = "member_add"
    errors = pop_errors(prefix)
    with st.form(prefix, clear_on_submit=False, enter_to_submit=False):
        st.markdown(f"**{t('roster.add_member')}**")
        member_fields(prefix, view, None, errors, team_id)
        submitted = st.form_submit_button(t("roster.save_member"), key=f"{prefix}_submit",
                                          type="primary")
    if submitted:
        values = member_values(prefix)
        save(prefix, lambda s: roster.save_member(s, actor=actor, values=values),
             t("roster.member_added", name=values["name"].strip()),
             [f"{prefix}_{k}" for k in MEMBER_KEYS])


def edit_member_form(actor: Actor, view: roster.CommunityRoster,
                     member: roster.MemberView) -> None:
    """The form keeps the member as first shown (its version and values) until saved or
    reloaded: a change by someone else meanwhile gives a conflict naming who and when,
    with what was typed still in the form, never a silently reset form."""
    kept = f"member_shown_{member.id}"
    shown = st.session_state.get(kept)
    if not isinstance(shown, roster.MemberView) or shown.id != member.id:
        shown = st.session_state[kept] = member
    prefix = f"member_edit_{member.id}_{shown.version}"
    errors = pop_errors(f"member_edit_{member.id}")
    conflict = st.session_state.get(f"member_conflict_{member.id}")
    if conflict:  # who changed it and when, until the user reloads or saves again
        st.error(t("error.conflict", **{k: md(v) for k, v in conflict.items()}))
        st.caption(t("hardening.conflict_kept"))
        if st.button(t("hardening.reload_latest"), key=f"member_reload_{member.id}"):
            for key in (kept, f"member_conflict_{member.id}"):
                st.session_state.pop(key, None)
            st.rerun()
    with st.form(prefix, clear_on_submit=False, enter_to_submit=False):
        member_fields(prefix, view, shown, errors)
        submitted = st.form_submit_button(t("common.save"), key=f"{prefix}_submit")
    if submitted:
        values = member_values(prefix)
        try:
            save(f"member_edit_{member.id}",
                 lambda s: roster.save_member(s, actor=actor, values=values,
                                              member_id=member.id,
                                              shown_version=shown.version,
                                              from_team_id=shown.team_id),
                 t("roster.saved", name=values["name"].strip()),
                 [kept, f"member_conflict_{member.id}"], conflicts=True)
        except Conflict as exc:
            st.session_state[f"member_conflict_{member.id}"] = {
                k: str(v) for k, v in exc.params.items()}
            st.rerun()


def team_buttons(actor: Actor, view: roster.CommunityRoster, member: roster.MemberView) -> None:
    """Also serving in another team of this community, or leaving this one: explicit choices."""
    mine = {m.team_id for m in view.members if m.id == member.id}
    others = {x.id: x.name for x in view.teams if x.active and x.id not in mine}
    left, right = st.columns(2)
    if others:
        other = left.selectbox(t("roster_people.also_in"), list(others), index=None,
                               format_func=lambda i: others[i], key=f"member_join_{member.id}",
                               placeholder=t("roster.choose"))
        if other is not None and left.button(t("roster_people.join"),
                                             key=f"member_join_go_{member.id}"):
            save(f"member_edit_{member.id}", lambda s: roster.join_member(
                s, actor=actor, member_id=member.id, team_id=other),
                t("roster_people.joined", name=member.name, team=others[other]), [])
    if len(mine) > 1 and right.button(t("roster_people.leave"),
                                      key=f"member_leave_{member.id}_{member.team_id}"):
        save(f"member_edit_{member.id}", lambda s: roster.leave_team(
            s, actor=actor, member_id=member.id, team_id=member.team_id),
            t("roster_people.left", name=member.name), [])


def active_button(actor: Actor, entity: str, record_id: int, version: int, active: bool,
                  name: str) -> None:
    """Deactivate (kept on file, history stays) or reactivate one record."""
    verb = "deactivate" if active else "reactivate"
    seen = seen_version(f"{entity}_active", record_id, version)
    if st.button(t(f"roster.{verb}"), key=f"{entity}_{verb}_{record_id}",
                 help=t("roster.deactivate_help") if active else None):
        save(f"{entity}_{record_id}", lambda s: roster.set_active(
            s, actor=actor, entity=entity, record_id=record_id, shown_version=seen,
            active=not active), t(f"roster.{verb}d", name=name), [])


def reveal_buttons(actor: Actor, entity: str, record_id: int, fields: tuple[str, ...]) -> None:
    """One deliberate click per field; the value shows in this run only, and is audited."""
    cols = st.columns(len(fields))
    for col, field in zip(cols, fields, strict=True):
        if col.button(t(f"roster.reveal_{field}"), key=f"reveal_{entity}_{record_id}_{field}",
                      icon=":material/visibility:"):
            try:
                with db_session(write=True) as s:
                    value = roster.reveal(s, actor=actor, entity=entity, record_id=record_id,
                                          field=field)
            except ServiceError as exc:
                show_error(exc)
            else:
                col.code(value, language=None)
                col.caption(t("roster.reveal_audited"))
