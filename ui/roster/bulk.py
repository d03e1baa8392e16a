"""A team's members in an editable table: changed and added rows saved together, or none."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from services import roster
from services.core.actor import Actor
from services.core.errors import Conflict, Invalid, ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import label, lang, t
from ui.core.markdown import md
from ui.core.widgets import show_error
from ui.roster.forms import flash

COLUMNS = ("member_id", "version", "name", "phone", "id_number", "grid", "skills",
           "availability", "active")


def _grid_labels(view: roster.CommunityRoster) -> dict[str, int]:
    """Grid label -> id; names that repeat get their id added, so each label is unique."""
    names = [n for _, n in view.grids]
    return {(n if names.count(n) == 1 else f"{n} #{g}"): g for g, n in view.grids}


def _frame(view: roster.CommunityRoster, team_id: int, grids: dict[str, int]) -> pd.DataFrame:
    by_id = {g: lab for lab, g in grids.items()}
    rows = [m for m in view.members if m.team_id == team_id]
    return pd.DataFrame({
        "member_id": [m.id for m in rows], "version": [m.version for m in rows],
        "name": [m.name for m in rows], "phone": [m.phone_masked for m in rows],
        "id_number": [m.id_masked for m in rows],
        "grid": [by_id.get(m.grid_id or 0) for m in rows],
        "skills": [list(m.skills) for m in rows],
        "availability": [roster.format_availability(m.availability, lang()) for m in rows],
        "active": [m.active for m in rows],
    }, columns=list(COLUMNS))


def _config(grids: dict[str, int]) -> dict[str, Any]:
    cc = st.column_config
    return {
        "member_id": None, "version": None,
        "name": cc.TextColumn(t("roster.f_name"), required=True, max_chars=64),
        "phone": cc.TextColumn(t("roster.f_phone"), required=True, help=t("roster.bulk_masked")),
        "id_number": cc.TextColumn(t("roster.f_id_number"), help=t("roster.bulk_masked")),
        "grid": cc.SelectboxColumn(t("roster.f_grid"), options=list(grids)),
        "skills": cc.MultiselectColumn(t("roster.f_skills"), options=list(roster.SKILLS),
                                       format_func=lambda s: label("roster.skill", s)),
        "availability": cc.TextColumn(t("roster.f_availability"), max_chars=64,
                                      help=t("roster.f_availability_help")),
        "active": cc.CheckboxColumn(t("roster.f_active"), default=True),
    }


def _clean(value: Any) -> Any:
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


def _rows(frame: pd.DataFrame, state: dict[str, Any], grids: dict[str, int]
          ) -> tuple[list[dict[str, Any]], list[str]]:
    """The changed and added rows as the service takes them, and a label for each."""
    out, labels = [], []
    records = frame.to_dict("records")
    for index, changes in sorted((state.get("edited_rows") or {}).items()):
        row = {**records[int(index)], **changes}
        out.append(row)
        labels.append(t("roster.bulk_row", n=int(index) + 1, name=records[int(index)]["name"]))
    for n, added in enumerate(state.get("added_rows") or []):
        out.append({"member_id": None, "version": None, "active": True, **added})
        labels.append(t("roster.bulk_new_row", n=n + 1, name=added.get("name") or ""))
    for row in out:
        for key in list(row):
            row[key] = _clean(row[key])
        row["grid_id"] = grids.get(row.pop("grid", None) or "")
        row["skills"] = list(row.get("skills") or [])
    return out, labels


def bulk_editor(actor: Actor, view: roster.CommunityRoster, team: roster.TeamView) -> None:
    grids = _grid_labels(view)
    frame = _frame(view, team.id, grids)
    n = st.session_state.get("bulk_n", 0)
    key = f"bulk_{team.id}_{n}"  # a new key after each save: the table starts from the database
    st.data_editor(frame, key=key, column_config=_config(grids), hide_index=True,
                   num_rows="add" if view.can_edit else "fixed", disabled=not view.can_edit,
                   width="stretch")
    if not view.can_edit:
        return
    st.caption(t("roster.bulk_help"))
    left, right = st.columns([1, 1])
    if right.button(t("roster.bulk_reload"), key="bulk_reload"):
        st.session_state["bulk_n"] = n + 1
        st.rerun()
    if not left.button(t("roster.bulk_save"), key="bulk_save", type="primary"):
        return
    rows, labels = _rows(frame, st.session_state.get(key) or {}, grids)
    if not rows:
        st.info(t("roster.bulk_nothing"))
        return
    try:
        with db_session(write=True) as s:
            result = roster.save_team_members(s, actor=actor, team_id=team.id, rows=rows)
    except Invalid as exc:
        _row_errors(exc, labels)
    except Conflict as exc:  # names are typed text: escaped inside the markdown message
        st.error(t(exc.key, **{k: md(v) for k, v in exc.params.items()}))
    except ServiceError as exc:
        show_error(exc)
    else:
        st.session_state["bulk_n"] = n + 1
        flash(t("roster.bulk_saved", **{k: str(v) for k, v in result.items()}))
        st.rerun()


def _row_errors(exc: Invalid, labels: list[str]) -> None:
    """Every bad cell, by row: nothing was saved."""
    params = {k: str(v) for k, v in exc.params.items()}
    lines = []
    for where, key in exc.fields.items():
        index, _, field = where.partition(".")
        row = labels[int(index)] if index.isdigit() and int(index) < len(labels) else where
        lines.append(f"{row} · " + t("roster.imp.problem", message=t(key, **params),
                                       field=t(f"roster.f_{field.removesuffix('_id')}")))
    st.error(t("roster.bulk_invalid"), icon=":material/error:")
    for line in lines:
        st.text(line)
