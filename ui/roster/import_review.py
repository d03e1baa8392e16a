"""The import preview's review: counts, each update's fields before → after, the possible
matches the user decides (same person / different person), and notes on rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from services import roster
from ui.core.column_widths import fitted
from ui.core.i18n import t
from ui.core.markdown import md

MAX_DECISIONS = 200  # possible matches offered one by one; more: one choice for the rest


def check_bar(total: int) -> Callable[[int, int], None]:
    """A progress bar for the check phase, and the callback that moves it."""
    bar = st.progress(0.0, text=t("roster_imp.phase_check", done=0, total=total))

    def tick(done: int, of: int) -> None:
        bar.progress(done / max(of, 1), text=t("roster_imp.phase_check", done=done, total=of))
    return tick


def field_label(field: str) -> str:
    return t("roster_imp.field_active") if field == "active" else t(f"roster.imp.field_{field}")


def counts(plan_or_summary: Any) -> None:
    """add / update / unchanged / refused / needs a decision."""
    if isinstance(plan_or_summary, roster.ImportPlan):
        c = plan_or_summary.counts()
        values = [c["added"], c["updated"], c["unchanged"], c["refused"], c["decide"]]
    else:
        s = plan_or_summary
        values = [s.added, s.updated, s.unchanged, len(s.refused), 0]
    names = [t("roster.imp.added"), t("roster.imp.updated"), t("roster.imp.unchanged"),
             t("roster.imp.refused"), t("roster_imp.decide")]
    for col, name, value in zip(st.columns(5), names, values, strict=True):
        col.metric(name, value)


def changes_frame(plan: roster.ImportPlan) -> pd.DataFrame:
    """One line per changed field of every update, as the sheet numbers its rows."""
    rows = [(r.line, r.name, field_label(f), before, after)
            for r in plan.rows if r.action == "update" for f, before, after in r.changes]
    return pd.DataFrame(rows, columns=[t("roster.imp.col_line"), t("roster.imp.col_name"),
                                       t("roster_imp.col_field"), t("roster_imp.col_before"),
                                       t("roster_imp.col_after")])


def notes_frame(plan: roster.ImportPlan) -> pd.DataFrame:
    rows = [(r.line, r.name, field_label(f), t(key)) for r in plan.rows for f, key in r.notes]
    return pd.DataFrame(rows, columns=[t("roster.imp.col_line"), t("roster.imp.col_name"),
                                       t("roster_imp.col_field"), t("roster_imp.col_notes")])


def show_changes(plan: roster.ImportPlan) -> None:
    changes = changes_frame(plan)
    if len(changes):
        st.caption(t("roster_imp.changes"))
        st.dataframe(changes, hide_index=True, key="imp_changes", column_config=fitted(changes))
    notes = notes_frame(plan)
    if len(notes):
        st.dataframe(notes, hide_index=True, key="imp_row_notes", column_config=fitted(notes))


def decisions(plan: roster.ImportPlan) -> dict[int, str]:
    """Same person or different person, for each row that shares only a phone."""
    undecided = plan.undecided
    if not undecided:
        return {}
    st.warning(t("roster_imp.undecided", n=len(undecided)))
    options = ["same", "different"]
    out: dict[int, str] = {}
    for row in undecided[:MAX_DECISIONS]:
        choice = st.radio(
            f"{t('roster.imp.col_line')} {md(row.line)} · {md(row.name)} ↔ "
            f"{t('roster_imp.col_candidate')}: {md(row.candidate)}",
            options, index=None, horizontal=True, key=f"imp_decide_{row.line}",
            format_func=lambda o: t(f"roster_imp.{o}_person"))
        if choice:
            out[row.line] = choice
    rest = undecided[MAX_DECISIONS:]
    if rest:
        choice = st.radio(t("roster_imp.col_decision") + f" (+{len(rest)})", options,
                          index=None, horizontal=True, key="imp_decide_rest",
                          format_func=lambda o: t(f"roster_imp.{o}_person"))
        if choice:
            out.update({r.line: choice for r in rest})
    return out
