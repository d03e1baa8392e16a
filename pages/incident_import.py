"""Import of daily incident counts from the dispatch system's export (CSV or Excel)."""

import streamlit as st

from services.actor import Perm
from services.errors import Invalid, ServiceError
from services.stats.importer import import_incidents, plan_import
from services.stats.importfile import read_table
from ui import guard
from ui.bridge import db_session
from ui.i18n import t
from ui.stats_import import mapping_form, show_plan, show_summary
from ui.widgets import show_error

actor = guard.require(Perm.IMPORT_DATA)
st.title(t("page.incident_import"))
st.caption(t("stats.import.intro"))

done = st.session_state.pop("import_summary", None)
if done is not None:
    show_summary(done)

upload = st.file_uploader(t("stats.import.file"), type=["csv", "txt", "xlsx", "xlsm"],
                          key="import_file")
if upload is None:
    st.stop()
try:
    table = read_table(upload.getvalue(), upload.name)
except Invalid as exc:
    st.error(t(next(iter(exc.fields.values()), exc.key), **exc.params))
    st.stop()

st.subheader(t("stats.import.mapping"))
mapping = mapping_form([str(c) for c in table.columns])
st.dataframe(table.head(10), hide_index=True, key="import_preview")

try:
    with db_session() as s:
        plan = plan_import(s, actor=actor, table=table, mapping=mapping)
except Invalid as exc:
    for field, key in exc.fields.items():
        st.error(f"{t(f'stats.import.field.{field}')}: {t(key)}")
    st.stop()
show_plan(plan)

on_existing = st.radio(t("stats.import.on_existing"), ["skip", "update"], horizontal=True,
                       key="import_on_existing",
                       format_func=lambda m: t(f"stats.import.mode.{m}"))
take_valid = False
if plan.rejected and plan.valid:
    take_valid = st.checkbox(t("stats.import.take_valid", n=plan.valid), key="import_take_valid")
ready = plan.valid > 0 and (not plan.rejected or take_valid)
if st.button(t("stats.import.run"), key="import_run", type="primary", disabled=not ready):
    bar = st.progress(0.0, text=t("stats.import.writing"))

    def progress(done_rows: int, total: int) -> None:
        bar.progress(done_rows / total if total else 1.0, text=t("stats.import.writing"))

    try:
        with db_session(write=True) as s:
            summary = import_incidents(s, actor=actor, table=table, mapping=mapping,
                                       on_existing=on_existing, take_valid=take_valid,
                                       progress=progress, source=upload.name)
    except ServiceError as exc:
        show_error(exc)
    else:
        st.session_state["import_summary"] = summary
        st.rerun()
