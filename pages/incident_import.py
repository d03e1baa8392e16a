"""Import of incidents from the dispatch system's export: daily totals or one row per incident."""

import streamlit as st

from services.core.actor import Perm
from services.core.errors import Invalid, ServiceError
from services.stats.importer import import_incidents, plan_import
from services.stats.importfile import MAX_BYTES, detect_mode
from services.stats.importmap import places
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.widgets import show_error
from ui.shell import guard
from ui.stats.imports import (
    decisions,
    load,
    mapping_form,
    preview,
    remembered,
    sheet_and_notes,
    show_plan,
    show_summary,
)

FILE_MB = MAX_BYTES // (1024 * 1024)  # the largest file the import reads
actor = guard.require(Perm.IMPORT_DATA)
st.title(t("page.incident_import"))
st.caption(t("stats.import.intro"))

done = st.session_state.pop("import_summary", None)
if done is not None:
    show_summary(done)

upload = st.file_uploader(t("stats.import.file", limit=FILE_MB), key="import_file",
                          help=t("sheets.upload_help"), max_upload_size=FILE_MB)
source = st.text_input(t("stats.import.source"), value="110", max_chars=64, key="import_source",
                       help=t("stats.import.source_help"))
remembered(actor, source)
if upload is None:
    st.stop()
table = load(upload)
if table is None:
    st.stop()
sheet_and_notes(table)
modes = ["incidents", "daily"]
mode = st.radio(t("stats.import.mode"), modes, index=modes.index(detect_mode(table)),
                horizontal=True, key="import_mode",
                format_func=lambda m: t(f"stats.import.kind.{m}"))
st.subheader(t("stats.import.mapping"))
mapping = mapping_form(table, mode)
preview(table)

check = st.progress(0.0, text=t("imports.phase.check"))


def checking(phase: str, done_rows: int, total: int) -> None:
    check.progress(done_rows / total if total else 1.0, text=t(f"imports.phase.{phase}"))


try:
    with db_session() as s:
        plan = plan_import(s, actor=actor, table=table, mapping=mapping, mode=mode, source=source,
                           progress=checking)
        chosen = decisions(plan, places(s, actor).names)
        if any(chosen.values()):
            plan = plan_import(s, actor=actor, table=table, mapping=mapping, mode=mode,
                               source=source, decisions=chosen)
except Invalid as exc:
    for field, key in exc.fields.items():
        params = {k: md(v) for k, v in exc.params.items()}
        st.error(f"{t(f'stats.import.field.{field}')}: {t(key, **params)}")
    if not exc.fields:
        show_error(exc)
    st.stop()
check.empty()
show_plan(plan)

on_existing = st.radio(t("stats.import.on_existing"), ["skip", "update"], horizontal=True,
                       key="import_on_existing",
                       format_func=lambda m: t(f"stats.import.mode.{m}"))
take_valid = False
if plan.rejected and plan.valid:
    take_valid = st.checkbox(t("stats.import.take_valid", n=plan.valid), key="import_take_valid")
if plan.undecided:
    st.caption(t("stats.import.undecided", count=plan.undecided))
ready = plan.valid > 0 and not plan.undecided and (not plan.rejected or take_valid)
if st.button(t("stats.import.run"), key="import_run", type="primary", disabled=not ready):
    bar = st.progress(0.0, text=t("imports.phase.write"))

    def progress(phase: str, done_rows: int, total: int) -> None:
        bar.progress(done_rows / total if total else 1.0, text=t(f"imports.phase.{phase}"))

    try:
        with db_session(write=True) as s:
            summary = import_incidents(s, actor=actor, table=table, mapping=mapping, mode=mode,
                                       on_existing=on_existing, take_valid=take_valid,
                                       decisions=chosen, progress=progress, source=source,
                                       filename=upload.name)
    except ServiceError as exc:
        show_error(exc)
    else:
        st.session_state["import_summary"] = summary
        st.rerun()
