"""Widgets of the incident import page: column mapping, the check's result, the summary."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.stats.export import csv_bytes
from services.stats.importer import ImportPlan, ImportSummary
from services.stats.importfile import FIELDS, guess_mapping
from ui.i18n import t

ERRORS_SHOWN = 500


def mapping_form(columns: list[str]) -> dict[str, str | None]:
    """One select box per field, preset from the headers; the user can change any of them."""
    guessed = guess_mapping(columns)
    options: list[str | None] = [None, *columns]
    cols = st.columns(len(FIELDS))
    mapping: dict[str, str | None] = {}
    for col, field in zip(cols, FIELDS, strict=True):
        guess = guessed.get(field)
        mapping[field] = col.selectbox(
            t(f"stats.import.field.{field}"), options, key=f"import_map_{field}",
            index=options.index(guess) if guess in options else 0,
            format_func=lambda c: t("stats.import.not_mapped") if c is None else str(c))
    return mapping


def show_plan(plan: ImportPlan) -> None:
    cols = st.columns(5)
    cols[0].metric(t("stats.import.rows"), f"{plan.rows:,}")
    cols[1].metric(t("stats.import.new"), f"{plan.new:,}")
    cols[2].metric(t("stats.import.existing"), f"{plan.existing:,}")
    cols[3].metric(t("stats.import.changed"), f"{plan.changed:,}")
    cols[4].metric(t("stats.import.rejected"), f"{plan.rejected:,}")
    if not plan.rejected:
        st.success(t("stats.import.all_valid", n=plan.valid))
        return
    st.error(t("stats.import.problems", rows=plan.rejected, valid=plan.valid))
    shown = pd.DataFrame({
        t("stats.import.col.row"): plan.errors["row"],
        t("stats.import.col.field"): [t(f"stats.import.field.{f}") if f in FIELDS
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
