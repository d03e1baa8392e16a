"""Widgets shared by the lead pages: inbox filters that survive page changes, tables, errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Actor, Role
from services.core.errors import ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import choose, label, t
from ui.core.markdown import md
from ui.core.places import place

SAVED = "leads_saved_filters"


def lead_error(exc: ServiceError) -> None:
    """A service error, with status codes shown as words in the user's language."""
    params = {k: str(v) for k, v in exc.params.items()}
    if "status" in params:
        params["status"] = label("leads.status", params["status"])
    st.error(t(exc.key, **{k: md(v) for k, v in params.items()}))


def _kept(name: str, default: Any) -> str:
    """A widget key whose value is copied aside, so filters survive a visit to another page."""
    key = f"leads_f_{name}"
    saved = st.session_state.setdefault(SAVED, {})
    if key not in st.session_state:
        st.session_state[key] = saved.get(key, default)
    return key


def _keep(name: str) -> None:
    key = f"leads_f_{name}"
    st.session_state[SAVED][key] = st.session_state.get(key)


def _multi(col: Any, name: str, title: str, options: list[Any], fmt: Any) -> tuple[Any, ...]:
    key = _kept(name, [])
    st.session_state[key] = [v for v in st.session_state[key] if v in options]
    value = col.multiselect(title, options, format_func=fmt, key=key,
                            placeholder=choose(options, none_means_all=True))
    _keep(name)
    return tuple(value)


def inbox_filters(actor: Actor) -> leads.InboxFilters:
    """The filter bar; its values live in session_state, never in the live fragment."""
    with db_session() as s:
        communities, officers = leads.filter_choices(s, actor=actor)
    top = st.columns([2, 1, 1])
    reporter = actor.role == Role.GRID_WORKER  # reporters follow their reports to the end
    show = top[0].segmented_control(t("leads.show"), ["open", "all"],
                                    key=_kept("show", "all" if reporter else "open"),
                                    format_func=lambda v: t(f"leads.show_{v}"))
    _keep("show")
    mine_default = actor.role in {Role.OFFICER, Role.GRID_WORKER}
    mine = top[1].toggle(t("leads.mine"), key=_kept("mine", mine_default))
    _keep("mine")
    overdue = top[2].toggle(t("leads.overdue_only"), key=_kept("overdue", False))
    _keep("overdue")
    more = _more_filters(dict(communities), dict(officers), "newest" if reporter else "deadline")
    return leads.InboxFilters(mine=bool(mine), open_only=show != "all",
                              overdue_only=bool(overdue), **more)


def _more_filters(cnames: dict[int, str], onames: dict[int, str],
                  sort_default: str) -> dict[str, Any]:
    with st.expander(t("leads.more_filters")):
        row = st.columns(3)
        statuses = _multi(row[0], "status", t("leads.f_status"), list(leads.STATUSES),
                          lambda v: label("leads.status", v))
        categories = _multi(row[1], "category", t("leads.f_category"), list(leads.CATEGORIES),
                            lambda v: label("leads.category", v))
        urgencies = _multi(row[2], "urgency", t("leads.f_urgency"), list(leads.URGENCIES),
                           lambda v: label("leads.urgency", v))
        row = st.columns(3)
        cids = _multi(row[0], "community", t("leads.f_community"), list(cnames),
                      lambda c: place(cnames[c]))
        oids = _multi(row[1], "officer", t("leads.f_officer"), list(onames), lambda o: onames[o])
        sort = row[2].selectbox(t("leads.f_sort"), list(leads.inbox_sorts()),
                                format_func=lambda v: t(f"leads.sort_{v}"),
                                key=_kept("sort", sort_default))
        _keep("sort")
        days = st.columns(2)
        date_from = days[0].date_input(t("leads.f_from"),
                                       format="YYYY-MM-DD", key=_kept("from", None))
        _keep("from")
        date_to = days[1].date_input(t("leads.f_to"), format="YYYY-MM-DD", key=_kept("to", None))
        _keep("to")
    return {"statuses": statuses, "categories": categories, "urgencies": urgencies,
            "community_ids": cids, "officer_ids": oids, "sort": sort or "deadline",
            "date_from": date_from if isinstance(date_from, date) else None,
            "date_to": date_to if isinstance(date_to, date) else None}


def inbox_frame(rows: tuple[leads.InboxRow, ...]) -> pd.DataFrame:
    """The table the inbox shows; every text is plain (no markdown)."""
    return pd.DataFrame({
        t("leads.col_id"): [r.id for r in rows],
        t("leads.col_created"): [clock.local(r.created_at) for r in rows],
        t("leads.col_category"): [label("leads.category", r.category) for r in rows],
        t("leads.col_urgency"): [label("leads.urgency", r.urgency) for r in rows],
        t("leads.col_status"): [label("leads.status", r.status) for r in rows],
        t("leads.col_community"): [place(r.community) for r in rows],
        t("leads.col_assignee"): [r.assignee for r in rows],
        t("leads.col_due"): [clock.local(r.accept_due_at if r.status in
                                         ("new", "dispatched", "returned", "escalated")
                                         else r.resolve_due_at) for r in rows],
        t("leads.col_overdue"): [[t("leads.overdue")] if r.overdue else [] for r in rows],
        t("leads.col_reply"): [r.reply for r in rows],
    })


def overdue_in_red() -> dict[str, Any]:
    """The inbox table's column_config: an overdue lead's mark as a red label. (A pandas
    Styler colouring whole rows cost a third of the inbox's rerun, about 20 ms for 50 rows:
    Streamlit renders every cell of a styled table through it.)"""
    overdue = t("leads.overdue")
    return {t("leads.col_overdue"): st.column_config.MultiselectColumn(
        options=[overdue], color="#c62828")}


def events_frame(events: tuple[leads.EventView, ...]) -> pd.DataFrame:
    return pd.DataFrame({
        t("leads.col_time"): [clock.local(e.at) for e in events],
        t("leads.col_action"): [label("leads.action", e.action) for e in events],
        t("leads.col_status"): [label("leads.status", e.to_status) for e in events],
        t("leads.col_by"): [e.actor_name or t("leads.system") for e in events],
        t("leads.col_note"): [e.note for e in events],
    })
