"""Widgets of the incident import page: the file, sheet, kind of export, column mapping,
decisions on unknown names, the check's result and the summary."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from services import sheets
from services.core.actor import Actor
from services.core.errors import ServiceError
from services.stats.categories import TARGETS
from services.stats.export import csv_bytes
from services.stats.importcheck import Unknown
from services.stats.importer import ImportPlan, ImportSummary
from services.stats.importfile import DAILY, INCIDENTS, REQUIRED, guess_mapping, read_export
from services.stats.importmap import list_mappings, save_mappings
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.widgets import show_error

ERRORS_SHOWN = 500


def load(upload: Any) -> sheets.Table | None:
    """The uploaded file read (once per file, sheet and header row), with its notes shown;
    a refusal is shown in the user's language and None returned."""
    sheet = st.session_state.get("import_sheet")
    ident = (upload.file_id, upload.name, upload.size, sheet)
    cached = st.session_state.get("import_table")
    if cached and cached[0][:3] == ident[:3] and (sheet is None or cached[0] == ident):
        return cached[1]  # type: ignore[no-any-return]
    bar = st.progress(0.0, text=t("imports.phase.read"))
    try:
        table = read_export(upload.getvalue(), upload.name, sheet=sheet)
    except sheets.SheetError as exc:
        bar.empty()
        st.session_state.pop("import_table", None)
        st.error(t(exc.key, **{k: md(v) for k, v in exc.params.items()}))
        return None
    bar.progress(1.0, text=t("imports.phase.read"))
    st.session_state["import_table"] = (ident, table)
    return table


def sheet_and_notes(table: sheets.Table) -> None:
    if len(table.sheets) > 1:
        st.selectbox(t("sheets.sheet"), table.sheets, key="import_sheet",
                     index=table.sheets.index(table.sheet))
    for note in table.notes:
        st.info(t(note.key, **{k: md(v) for k, v in note.params.items()}), icon=":material/info:")


def mapping_form(table: sheets.Table, mode: str) -> dict[str, str | None]:
    """One select box per field, preset from the headers (never a hidden column)."""
    fields = DAILY if mode == "daily" else INCIDENTS
    guessed = guess_mapping(table, mode)
    options: list[str | None] = [None, *table.headers]
    hidden = {c.name for c in table.columns if c.hidden}
    cols = st.columns(len(fields))
    mapping: dict[str, str | None] = {}
    for col, field in zip(cols, fields, strict=True):
        guess = guessed.get(field)
        star = "*" if field in REQUIRED[mode] else ""
        mapping[field] = col.selectbox(
            t(f"stats.import.field.{field}") + star, options, key=f"import_map_{mode}_{field}",
            index=options.index(guess) if guess in options else 0,
            format_func=lambda c: t("stats.import.not_mapped") if c is None
            else str(c) + (t("sheets.hidden_mark") if c in hidden else ""))
    return mapping


def preview(table: sheets.Table) -> None:
    rows = [(r.number, *("" if v is None else str(v) for v in r.cells)) for r in table.rows[:10]]
    frame = pd.DataFrame(rows, columns=[t("stats.import.col.row"), *table.headers])
    st.dataframe(frame, hide_index=True, key="import_preview")


def _label(target: str) -> str:
    return t(f"stats.import.target.{target}")


def decisions(plan: ImportPlan, community_names: dict[int, str]) -> dict[str, dict[str, str]]:
    """Tables for the names the import does not know yet: a category for each dispatch name
    (the likely one preset), a yes for each suggested community. Returns what is decided."""
    out: dict[str, dict[str, str]] = {"category": {}, "community": {}}
    if plan.categories:
        st.warning(t("stats.import.decide_categories", n=len(plan.categories)))
        labels = {_label(x): x for x in TARGETS}
        frame = pd.DataFrame({
            "name": [u.name for u in plan.categories], "rows": [u.rows for u in plan.categories],
            "target": [_label(u.suggestion) if u.suggestion else None for u in plan.categories]})
        edited = st.data_editor(frame, hide_index=True, key="import_decide_categories",
                                disabled=["name", "rows"], column_config=_category_columns(
                                    list(labels)))
        out["category"] = {n: labels[v] for n, v in zip(edited["name"], edited["target"],
                                                          strict=True) if v in labels}
    if plan.communities:
        st.warning(t("stats.import.decide_communities", n=len(plan.communities)))
        frame = pd.DataFrame({
            "name": [u.name for u in plan.communities],
            "rows": [u.rows for u in plan.communities],
            "suggested": [_community(u, community_names) for u in plan.communities],
            "confirm": [False] * len(plan.communities)})
        edited = st.data_editor(frame, hide_index=True, key="import_decide_communities",
                                disabled=["name", "rows", "suggested"], column_config={
                                    "name": t("stats.import.col.name_in_file"),
                                    "rows": t("stats.import.col.rows"),
                                    "suggested": t("stats.import.col.suggested"),
                                    "confirm": st.column_config.CheckboxColumn(
                                        t("stats.import.col.confirm"))})
        ids = {u.name: u.suggestion for u in plan.communities}
        out["community"] = {n: str(ids[n]) for n, ok in zip(edited["name"], edited["confirm"],
                                                            strict=True) if ok and ids[n]}
    return out


def _community(unknown: Unknown, names: dict[int, str]) -> str:
    sid = unknown.suggestion
    return names.get(int(sid), "") if sid and sid.isdigit() else ""


def _category_columns(labels: list[str]) -> dict[str, Any]:
    return {"name": t("stats.import.col.name_in_file"), "rows": t("stats.import.col.rows"),
            "target": st.column_config.SelectboxColumn(t("stats.import.col.target"),
                                                       options=labels, required=True)}


def show_plan(plan: ImportPlan) -> None:
    cols = st.columns(5)
    unit = "incidents" if plan.mode == "incidents" else "rows"
    cols[0].metric(t("stats.import.rows"), f"{plan.rows:,}")
    cols[1].metric(t(f"stats.import.new_{unit}"), f"{plan.new:,}")
    cols[2].metric(t(f"stats.import.existing_{unit}"), f"{plan.existing:,}")
    cols[3].metric(t("stats.import.changed"), f"{plan.changed:,}")
    cols[4].metric(t("stats.import.rejected"), f"{plan.rejected:,}")
    if plan.skipped:
        st.caption(t("stats.import.not_counted", n=plan.skipped))
    if not plan.rejected:
        if not plan.undecided:
            st.success(t("stats.import.all_valid", n=plan.valid))
        return
    st.error(t("stats.import.problems", rows=plan.rejected, valid=plan.valid))
    fields = (*DAILY, *INCIDENTS)
    shown = pd.DataFrame({
        t("stats.import.col.row"): plan.errors["row"],
        t("stats.import.col.field"): [t(f"stats.import.field.{f}") if f in fields
                                      else t("stats.import.field.row") for f in
                                      plan.errors["field"]],
        t("stats.import.col.problem"): [t(p) for p in plan.errors["problem"]],
        t("stats.import.col.value"): plan.errors["value"].astype(str)})
    st.dataframe(shown.head(ERRORS_SHOWN), hide_index=True, key="import_errors")
    if len(shown) > ERRORS_SHOWN:
        st.caption(t("stats.import.more_errors", n=len(shown) - ERRORS_SHOWN))
    st.download_button(t("stats.import.errors_csv"), lambda: csv_bytes(shown),
                       file_name="import-problems.csv", mime="text/csv",
                       key="import_errors_csv", on_click="ignore")


def show_summary(summary: ImportSummary) -> None:
    st.success(t("stats.import.done", inserted=summary.inserted, updated=summary.updated,
                 skipped=summary.skipped, rejected=summary.rejected))


def remembered(actor: Actor, source: str) -> None:
    """The category names remembered for this source, editable (each change audited)."""
    with db_session() as s:
        cats = [m for m in list_mappings(s, actor=actor, source=source) if m.kind == "category"]
    if not cats:
        return
    with st.expander(t("stats.import.remembered", source=md(source), n=len(cats))):
        labels = {_label(x): x for x in TARGETS}
        frame = pd.DataFrame({"name": [m.name for m in cats],
                              "target": [_label(m.target) for m in cats]})
        edited = st.data_editor(frame, hide_index=True, key="import_remembered",
                                disabled=["name"], column_config=_category_columns(list(labels)))
        changed = {n: labels[v] for n, v, old in zip(edited["name"], edited["target"],
                                                      frame["target"], strict=True)
                   if v != old and v in labels}
        if st.button(t("stats.import.save_remembered"), key="import_save_remembered",
                     disabled=not changed):
            try:
                with db_session(write=True) as s:
                    save_mappings(s, actor=actor, source=source, kind="category",
                                  decisions=changed)
            except ServiceError as exc:
                show_error(exc)
            else:
                st.session_state.pop("import_remembered", None)
                st.rerun()
