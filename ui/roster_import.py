"""Pieces of the import page: templates, the file, column mapping, preview and the import."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from services import roster
from services.actor import Actor
from services.errors import Invalid, ServiceError
from services.roster.importfile import FIELDS, REQUIRED
from ui.bridge import db_session
from ui.i18n import t
from ui.roster_common import import_aliases
from ui.roster_views import XLSX
from ui.widgets import show_error


def template_buttons(kind: str) -> None:
    cols = st.columns(3)
    for col, (lang, fmt) in zip(cols, (("zh", "xlsx"), ("en", "xlsx"), ("zh", "csv")),
                                strict=True):
        col.download_button(
            t(f"roster.imp.template_{lang}_{fmt}"), roster.template(kind, lang=lang, fmt=fmt),
            file_name=f"{kind}-template-{lang}.{fmt}", key=f"imp_template_{lang}_{fmt}",
            mime="text/csv" if fmt == "csv" else XLSX, icon=":material/download:")


def load_file() -> tuple[roster.Table, str] | None:
    """The uploaded file read into a table (kept while the same file stays chosen)."""
    upload = st.file_uploader(t("roster.imp.file"), type=["csv", "xlsx"], key="imp_file",
                              help=t("roster.imp.file_help"))
    if upload is None:
        return None
    ident = f"{upload.name}:{upload.size}:{upload.file_id}"
    cached = st.session_state.get("imp_table")
    if cached and cached[0] == ident:
        return cached[1], ident
    try:
        table = roster.read_table(upload.getvalue(), upload.name)
    except Invalid as exc:
        st.error(t(next(iter(exc.fields.values()), exc.key),
                   **{k: str(v) for k, v in exc.params.items()}))
        return None
    st.session_state["imp_table"] = (ident, table)
    return table, ident


def mapping_widgets(kind: str, table: roster.Table, errors: dict[str, str]
                    ) -> dict[str, int | None]:
    """One selector per field, preset from the headers; required fields marked *."""
    guess = roster.guess_mapping(kind, table.headers)
    options: list[int | None] = [None, *range(len(table.headers))]
    out: dict[str, int | None] = {}
    cols = st.columns(3)
    for n, field in enumerate(FIELDS[kind]):
        star = "*" if field in REQUIRED[kind] else ""
        out[field] = cols[n % 3].selectbox(
            t(f"roster.imp.field_{field}") + star, options, key=f"imp_map_{kind}_{field}",
            index=options.index(guess[field]),
            format_func=lambda i: t("roster.imp.not_in_file") if i is None
            else f"{table.headers[i]}")
        key = errors.get(f"map_{field}")
        if key:
            cols[n % 3].error(t(key))
    return out


def _problems(row: roster.RowResult) -> str:
    params = dict(row.params)
    return t("roster.list_sep").join(
        t("roster.imp.problem", field=t(f"roster.imp.field_{field}"), message=t(key, **params))
        for field, key in row.problems)


def bad_rows_frame(rows: list[roster.RowResult]) -> pd.DataFrame:
    return pd.DataFrame({t("roster.imp.col_line"): [r.line for r in rows],
                         t("roster.imp.col_name"): [r.name for r in rows],
                         t("roster.imp.col_problems"): [_problems(r) for r in rows]})


def counts(plan_or_summary: Any) -> None:
    cols = st.columns(4)
    if isinstance(plan_or_summary, roster.ImportPlan):
        values = [plan_or_summary.count(a) for a in ("add", "update", "same", "bad")]
    else:
        s = plan_or_summary
        values = [s.added, s.updated, s.unchanged, len(s.refused)]
    for col, name, value in zip(cols, ("added", "updated", "unchanged", "refused"), values,
                                strict=True):
        col.metric(t(f"roster.imp.{name}"), value)


def run(actor: Actor, kind: str, table: roster.Table, mapping: dict[str, int | None],
        community: int | None, valid_only: bool) -> bool:
    """Import in one transaction with a progress bar; True when done (the summary is kept
    for the next run), False with the reason shown."""
    bar = st.progress(0.0, text=t("roster.imp.working"))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=t("roster.imp.progress", done=done, total=total))

    try:
        with db_session(write=True) as s:
            summary = roster.run_import(s, actor=actor, kind=kind, table=table, mapping=mapping,
                                        default_community=community, aliases=import_aliases(),
                                        valid_only=valid_only, progress=progress)
    except Invalid as exc:
        bar.empty()
        st.error(t(next(iter(exc.fields.values()), exc.key),
                   **{k: str(v) for k, v in exc.params.items()}))
        return False
    except ServiceError as exc:
        bar.empty()
        show_error(exc)
        return False
    bar.progress(1.0, text=t("roster.imp.done"))
    st.session_state.pop("imp_plan", None)
    st.session_state["imp_summary"] = summary
    return True
