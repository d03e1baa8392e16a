"""Forms for assistance files: open a file, add or progress a measure, record a visit, close."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import streamlit as st

from services.cases import files as cases
from services.cases import measures as case_measures
from services.core import clock
from services.core.actor import Actor, Perm
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.places import place
from ui.core.record_forms import people_editor, run
from ui.core.versions import seen_version
from ui.core.widgets import field_error, pop_errors


def new_case_form(actor: Actor) -> None:
    with db_session() as s:
        places = dict(cases.community_choices(s, actor=actor))
    if not places:
        st.caption(t("cases.no_community"))
        return
    errors = pop_errors("case_new")
    community = st.selectbox(t("cases.community"), list(places),
                             format_func=lambda c: place(places[c]),
                             key="case_new_community")
    household = st.text_input(t("cases.household"), key="case_new_household", max_chars=100)
    field_error(errors, "household")
    address = st.text_input(t("cases.address"), key="case_new_address", max_chars=200)
    needs = st.text_area(t("cases.needs"), key="case_new_needs", max_chars=4000)
    field_error(errors, "needs")
    st.caption(t("cases.members_hint"))
    members = people_editor("case_new_members", "cases.person")
    field_error(errors, "members")
    if st.button(t("cases.create"), type="primary", key="case_new_submit") and community:
        run("case_new", lambda s: cases.open_case(
            s, actor=actor, community_id=community, household=household or "",
            needs=needs or "", address=address or "", members=members), t("cases.created"))


def progress_form(actor: Actor, file: cases.CaseFile) -> None:
    """Progress a measure: the file's editors any of them, anyone else only their own."""
    editor = actor.can(Perm.EDIT_CASES)
    mine = [m for m in file.measures if editor or m.responsible_user_id == actor.user_id]
    if not mine:
        return
    with st.form(f"case_progress_{file.id}", enter_to_submit=False):
        names = {m.id: f"{label('cases.kind', m.kind)} · {m.responsible}" for m in mine}
        versions = {m.id: seen_version("measure", m.id, m.version) for m in mine}
        pick = st.selectbox(t("cases.measure"), list(names), format_func=lambda m: names[m],
                            key="case_progress_measure")
        status = st.selectbox(t("cases.status"), case_measures.STATUSES,
                              format_func=lambda v: label("cases.measure_status", v),
                              key="case_progress_status")
        note = st.text_input(t("cases.note"), key="case_progress_note", max_chars=2000)
        if st.form_submit_button(t("cases.progress"), key="case_progress_submit") and pick:
            run("case_measure", lambda s: case_measures.update_measure(
                s, actor=actor, measure_id=pick, shown_version=versions[pick],
                status=status, note=note or ""), t("cases.saved"))


def add_measure_form(actor: Actor, file: cases.CaseFile) -> None:
    errors = pop_errors("case_measure")
    with db_session() as s:
        accounts = dict(case_measures.responsible_choices(s, actor=actor, case_id=file.id))
    with st.expander(t("cases.add_measure"), icon=":material/add_task:"), st.form(
            f"case_measure_{file.id}", clear_on_submit=True, enter_to_submit=False):
        dept = st.selectbox(t("cases.department"), case_measures.DEPARTMENTS,
                            format_func=lambda v: label("cases.department", v),
                            key="case_measure_department")
        kind = st.selectbox(t("cases.kind_label"), case_measures.KINDS,
                            format_func=lambda v: label("cases.kind", v), key="case_measure_kind")
        who = st.text_input(t("cases.responsible"), key="case_measure_responsible", max_chars=64)
        field_error(errors, "responsible")
        account = st.selectbox(t("cases.responsible_account"), [None, *accounts],
                               format_func=lambda u: t("cases.no_account") if u is None
                               else accounts[u], key="case_measure_account")
        due = st.date_input(t("cases.due_date"), value=None,
                            format="YYYY-MM-DD", key="case_measure_due")
        if st.form_submit_button(t("cases.add_measure"), key="case_measure_submit"):
            run("case_measure", lambda s: case_measures.add_measure(
                s, actor=actor, case_id=file.id, department=dept, kind=kind,
                responsible=who or "", due_date=due, responsible_user_id=account),
                t("cases.saved"))


def visit_and_close_forms(actor: Actor, file: cases.CaseFile) -> None:
    errors = pop_errors("case_visit")
    with st.expander(t("cases.add_visit"), icon=":material/home_work:"), st.form(
            f"case_visit_{file.id}", clear_on_submit=True, enter_to_submit=False):
        day = st.date_input(t("cases.visit_day"), value=clock.local_today(),
                            format="YYYY-MM-DD", key="case_visit_day")
        visitor = st.text_input(t("cases.visitor"), key="case_visit_visitor", max_chars=64)
        field_error(errors, "visitor")
        findings = st.text_area(t("cases.findings"), key="case_visit_findings", max_chars=4000)
        field_error(errors, "findings")
        field_error(errors, "at")
        if st.form_submit_button(t("cases.add_visit"), key="case_visit_submit"):
            at = min(clock.now(), datetime.combine(day, time(12), tzinfo=clock.TZ))
            run("case_visit", lambda s: case_measures.add_visit(
                s, actor=actor, case_id=file.id, visitor=visitor or "", findings=findings or "",
                at=at), t("cases.saved"))
    errors = pop_errors("case_close")
    seen = seen_version("case", file.id, file.version)
    with st.expander(t("cases.close"), icon=":material/task_alt:"), st.form(
            f"case_close_{file.id}", enter_to_submit=False):
        outcome = st.text_area(t("cases.outcome"), key="case_close_outcome", max_chars=4000)
        field_error(errors, "outcome")
        if st.form_submit_button(t("cases.close"), key="case_close_submit"):
            run("case_close", lambda s: cases.close_case(
                s, actor=actor, case_id=file.id, shown_version=seen,
                outcome=outcome or ""), t("cases.closed_flash"))


def _edit_keys(case_id: int) -> dict[str, str]:
    return {f: f"case_edit_{case_id}_{f}" for f in ("household", "address", "needs", "version")}


def _forget_edit(case_id: int) -> None:
    for key in _edit_keys(case_id).values():
        st.session_state.pop(key, None)


def edit_case_form(actor: Actor, file: cases.CaseFile) -> None:
    """The file's details, editable by its editors. The form carries the version shown when
    editing began: if someone saved in between, the save is refused naming who and when, and
    what was typed stays in the fields until the user loads the latest version."""
    keys = _edit_keys(file.id)
    if keys["version"] not in st.session_state:
        st.session_state.update({keys["household"]: file.household,
                                 keys["address"]: file.address, keys["needs"]: file.needs,
                                 keys["version"]: file.version})
    shown = int(st.session_state[keys["version"]])
    errors = pop_errors("case_edit")
    with st.expander(t("cases_edit.title"), icon=":material/edit:",
                     expanded=bool(errors["fields"]) or shown != file.version):
        with st.form(f"case_edit_{file.id}", enter_to_submit=False):
            household = st.text_input(t("cases.household"), key=keys["household"],
                                      max_chars=100)
            field_error(errors, "household")
            address = st.text_input(t("cases.address"), key=keys["address"], max_chars=200)
            field_error(errors, "address")
            needs = st.text_area(t("cases.needs"), key=keys["needs"], max_chars=4000)
            field_error(errors, "needs")
            st.caption(t("cases_edit.members_hint"))
            saved = st.form_submit_button(t("common.save"), key="case_edit_submit")
        if saved:
            def save(s: Any) -> None:
                cases.update_case(s, actor=actor, case_id=file.id, shown_version=shown,
                                  household=household or "", address=address or "",
                                  needs=needs or "")
                _forget_edit(file.id)  # saved: the form takes the new version on the rerun

            run("case_edit", save, t("cases_edit.saved"))
        if shown != file.version and st.button(t("cases_edit.load_latest"),
                                               key="case_edit_reload"):
            _forget_edit(file.id)  # drop what was typed: the latest version fills the form
            st.rerun()
