"""The board's filters and its reassignment bar (one lead or several at once)."""

from __future__ import annotations

import streamlit as st

from services import board
from services.core.actor import Actor
from services.core.errors import ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import choose, label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.widgets import show_error

KEPT = "board_kept"  # filter values copied aside: they survive a visit to another page
URGENCIES = ["emergency", "urgent", "routine"]


def _kept(key: str) -> str:
    saved = st.session_state.setdefault(KEPT, {})
    if key not in st.session_state and key in saved:
        st.session_state[key] = saved[key]
    return key


def _load_saved(actor: Actor) -> None:
    """Once per sign-in: the user's saved filters fill the widgets (unless already set)."""
    marker = ("board_saved_loaded", actor.user_id, actor.session_id)
    if st.session_state.get("board_saved_loaded") == marker:
        return
    st.session_state["board_saved_loaded"] = marker
    with db_session() as s:
        saved = board.saved_filters(s, actor=actor)
    if saved is not None:
        st.session_state["board_f_station"] = list(saved.station_ids)
        st.session_state["board_f_urgency"] = list(saved.urgencies)


def filters(actor: Actor, choices: board.Choices) -> board.BoardFilters:
    """Station (when the scope has several) and urgency; outside the live fragment. The
    user's saved filters are the starting point; a button saves the current ones."""
    _load_saved(actor)
    cols = st.columns(2)
    stations = dict(choices.stations)
    picked: list[int] = []
    if len(stations) > 1:
        key = _kept("board_f_station")
        st.session_state[key] = [v for v in st.session_state.get(key, []) if v in stations]
        picked = cols[0].multiselect(t("board.f_station"), list(stations), key=key,
                                     format_func=lambda v: place(stations[v]),
                                     placeholder=choose(stations, none_means_all=True))
    key = _kept("board_f_urgency")
    urgencies = cols[1].multiselect(t("board.f_urgency"), URGENCIES,
                                    key=key, format_func=lambda v: label("leads.urgency", v),
                                    placeholder=choose(URGENCIES, none_means_all=True))
    st.session_state[KEPT].update({k: st.session_state.get(k) for k in
                                   ("board_f_station", "board_f_urgency")})
    chosen = board.BoardFilters(station_ids=tuple(picked), urgencies=tuple(urgencies))
    if st.button(t("board.save_filters"), key="board_save_filters"):
        try:
            with db_session(write=True) as s:
                board.save_filters(s, actor=actor, filters=chosen)
        except ServiceError as exc:
            show_error(exc)
        else:
            st.success(t("board.filters_saved"))
    return chosen


def reassign_bar(actor: Actor, rows: tuple[board.BoardRow, ...],
                 choices: board.Choices) -> None:
    """Pick leads by number, pick an officer, one click: each lead is reassigned at the
    version shown, so a lead that changed meanwhile is reported instead of overwritten."""
    shown = {r.id: r for r in rows}
    officers = dict(choices.officers)
    if not shown or not officers:
        return
    key = "board_pick"
    kept = [] if st.session_state.pop("board_pick_clear", False) else st.session_state.get(key)
    st.session_state[key] = [v for v in kept or [] if v in shown]
    # The leads on a line of their own, the officer and the button under them: beside the
    # map the board is about 540 px wide at 1280, and a third column cut the button's text.
    picked = st.multiselect(
        t("board.pick"), list(shown), key=key,
        format_func=lambda i: f"#{i} {label('leads.category', shown[i].category)} "
                              f"{shown[i].community}", placeholder=choose(shown))
    cols = st.columns([2, 1], vertical_alignment="bottom")
    officer = cols[0].selectbox(t("leads.to_officer"), list(officers), key="board_officer",
                                format_func=lambda o: officers[o])
    if cols[1].button(t("board.reassign"), key="board_reassign", disabled=not picked):
        try:
            with db_session(write=True) as s:
                n = board.reassign_many(s, actor=actor, officer_id=int(officer),
                                        shown={i: shown[i].version for i in picked})
        except ServiceError as exc:
            who = exc.params.get("lead")
            if who is not None:
                st.error(t("board.failed_on", id=who))
            show_error(exc)
        else:
            st.session_state["board_pick_clear"] = True
            st.session_state["board_flash"] = t("board.reassigned", n=n,
                                                officer=md(officers[officer]))
            st.rerun()
