"""Pieces of the import page: templates, the file, column mapping, preview and the import."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from services import roster, sheets
from services.core.actor import Actor
from services.core.errors import Invalid, ServiceError
from services.roster.importfile import FIELDS, MAX_BYTES, REQUIRED
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.widgets import show_error
from ui.roster.common import import_aliases
from ui.roster.import_review import counts
from ui.roster.views import XLSX

FILE_MB = MAX_BYTES // (1024 * 1024)  # the largest file the import reads


def template_buttons(kind: str) -> None:
    cols = st.columns(3)
    for col, (lang, fmt) in zip(cols, (("zh", "xlsx"), ("en", "xlsx"), ("zh", "csv")),
                                strict=True):
        col.download_button(  # built when clicked, not on every rerun
            t(f"roster.imp.template_{lang}_{fmt}"),
            partial(roster.template, kind, lang=lang, fmt=fmt),
            file_name=f"{kind}-template-{lang}.{fmt}", key=f"imp_template_{lang}_{fmt}",
            mime="text/csv" if fmt == "csv" else XLSX, icon=":material/download:",
            on_click="ignore")


def load_file() -> tuple[roster.Table, str] | None:
    """The uploaded file read into a table (kept while the same file stays chosen)."""
    upload = st.file_uploader(t("roster.imp.file", limit=FILE_MB), key="imp_file",
                              help=t("roster.imp.file_help") + " " + t("sheets.upload_help"),
                              max_upload_size=FILE_MB)
    if upload is None:
        return None
    ident = f"{upload.name}:{upload.size}:{upload.file_id}"
    sheet = st.session_state.get("imp_sheet")
    cached = st.session_state.get("imp_table")
    if cached and cached[0] == ident and (sheet is None or cached[1].sheet == sheet):
        table = cached[1]
    else:
        try:
            with st.spinner(t("roster_imp.phase_read")):
                table = roster.read_table(upload.getvalue(), upload.name, sheet=sheet)
        except Invalid as exc:
            st.error(t(next(iter(exc.fields.values()), exc.key),
                       **{k: md(v) for k, v in exc.params.items()}))
            return None
        st.session_state["imp_table"] = (ident, table)
    if len(table.sheets) > 1:  # a cover sheet, several teams ...: the user picks
        st.selectbox(t("roster_imp.sheet"), list(table.sheets), key="imp_sheet",
                     index=list(table.sheets).index(table.sheet))
    return table, f"{ident}:{table.sheet}"


def show_notes(notes: tuple[sheets.Note, ...]) -> None:
    """What the reader decided (header row, skipped rows, hidden columns ...), in words."""
    for note in notes:
        st.info(t(note.key, **{k: md(v) for k, v in note.params.items()}), icon=":material/info:")


def mapping_widgets(kind: str, table: roster.Table, errors: dict[str, str]
                    ) -> dict[str, int | None]:
    """One selector per field, preset from the headers; required fields marked *."""
    guess = roster.guess_mapping(kind, table.headers, table.hidden)
    options: list[int | None] = [None, *range(len(table.headers))]
    out: dict[str, int | None] = {}
    cols = st.columns(3)
    for n, field in enumerate(FIELDS[kind]):
        star = "*" if field in REQUIRED[kind] else ""
        out[field] = cols[n % 3].selectbox(
            t(f"roster.imp.field_{field}") + star, options, key=f"imp_map_{kind}_{field}",
            index=options.index(guess[field]),
            format_func=lambda i: t("roster.imp.not_in_file") if i is None
            else f"{table.headers[i]}" + (t("sheets.hidden_mark")
                                          if table.hidden and table.hidden[i] else ""))
        key = errors.get(f"map_{field}")
        if key:
            cols[n % 3].error(t(key))
    return out


def _problems(row: roster.RowResult) -> str:
    params = dict(row.params)
    return t("roster.list_sep").join(
        t("roster.imp.problem", field=t(f"roster.imp.field_{field}"), message=t(key, **params))
        for field, key in row.problems)


def bad_rows_table(rows: list[roster.RowResult], *, key: str) -> None:
    """The refused rows with their reasons, each column as wide as its longest text (the
    grid would measure only the first rows and cut a longer reason further down)."""
    frame = pd.DataFrame({t("roster.imp.col_line"): [r.line for r in rows],
                          t("roster.imp.col_name"): [r.name for r in rows],
                          t("roster.imp.col_problems"): [_problems(r) for r in rows]})
    st.dataframe(frame, hide_index=True, key=key, column_config=fitted(frame))


def run(actor: Actor, kind: str, table: roster.Table, mapping: dict[str, int | None],
        community: int | None, valid_only: bool, decisions: dict[int, str] | None = None
        ) -> roster.ImportSummary | None:
    """Import in one transaction with a progress bar: the summary when done, None with the
    reason shown."""
    bar = st.progress(0.0, text=t("roster.imp.working"))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1),
                     text=t("roster_imp.phase_write", done=done, total=total))

    def checking(done: int, total: int) -> None:
        bar.progress(done / max(total, 1),
                     text=t("roster_imp.phase_check", done=done, total=total))

    try:
        with db_session(write=True) as s:
            summary = roster.run_import(s, actor=actor, kind=kind, table=table, mapping=mapping,
                                        default_community=community, aliases=import_aliases(),
                                        valid_only=valid_only, progress=progress,
                                        decisions=decisions, check_progress=checking)
    except Invalid as exc:
        bar.empty()
        st.error(t(next(iter(exc.fields.values()), exc.key),
                   **{k: md(v) for k, v in exc.params.items()}))
        return None
    except ServiceError as exc:
        bar.empty()
        show_error(exc)
        return None
    bar.progress(1.0, text=t("roster.imp.done"))
    st.session_state.pop("imp_plan", None)  # the file must be checked again to import again
    return summary


def finished(summary: roster.ImportSummary) -> None:
    """What the import did: the counts, and the rows it refused with their reasons."""
    st.success(t("roster.imp.finished"))
    counts(summary)
    if summary.refused:
        bad_rows_table(list(summary.refused), key="imp_refused")
