"""The command board's tables and figures: plain data in, Streamlit elements out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from services import board
from services.core import clock
from services.core.actor import Actor
from services.stats import DASH
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.places import place
from ui.core.widgets import table

AMBER, RED = "#b26a00", "#c62828"
AMBER_SHARE, RED_SHARE = 0.5, 0.2  # of the time to accept that is left


def clock_text(seconds: float) -> str:
    """A countdown as officers read it: mm:ss under an hour, h:mm:ss above, '−' once past."""
    sign = "−" if seconds < 0 else ""
    s = int(abs(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{sec:02d}" if h else f"{sign}{m:02d}:{sec:02d}"


def time_of_day(at: datetime) -> str:
    return at.astimezone(clock.TZ).strftime("%H:%M:%S")


def tone(row: board.BoardRow, now: datetime) -> str:
    """'' while plenty of time is left, 'amber' under half of it, 'red' under a fifth or past."""
    if row.due_at is None:
        return ""
    left = (row.due_at - now).total_seconds()
    start = row.dispatched_at or row.created_at
    whole = max(1.0, (row.due_at - start).total_seconds())
    if left <= whole * RED_SHARE:
        return "red"
    return "amber" if left <= whole * AMBER_SHARE else ""


def _base(rows: tuple[board.BoardRow, ...]) -> dict[str, list[Any]]:
    return {
        t("leads.col_id"): [r.id for r in rows],
        t("leads.col_urgency"): [label("leads.urgency", r.urgency) for r in rows],
        t("leads.col_category"): [label("leads.category", r.category) for r in rows],
        t("leads.col_community"): [place(r.community) for r in rows],
        t("board.col_to"): [r.assignee or t("board.nobody") for r in rows],
        t("leads.col_status"): [label("leads.status", r.status) for r in rows],
    }


def waiting_frame(rows: tuple[board.BoardRow, ...], now: datetime) -> pd.DataFrame:
    data = _base(rows)
    data[t("board.col_countdown")] = [
        clock_text((r.due_at - now).total_seconds()) if r.due_at else "" for r in rows]
    return _toned(data, rows, now)


def progress_frame(rows: tuple[board.BoardRow, ...], now: datetime) -> pd.DataFrame:
    data = _base(rows)
    data[t("board.col_last")] = [label("leads.action", r.last_action) for r in rows]
    data[t("board.col_age")] = [clock_text((now - r.last_at).total_seconds()) if r.last_at
                                else "" for r in rows]
    data[t("board.col_resolve_in")] = [
        clock_text((r.due_at - now).total_seconds()) if r.due_at else "" for r in rows]
    return _toned(data, rows, now)


def late_frame(rows: tuple[board.BoardRow, ...], now: datetime) -> pd.DataFrame:
    data = _base(rows)
    data[t("board.col_station")] = [place(r.station) for r in rows]
    data[t("board.col_level")] = [label("leads.level", r.level) for r in rows]
    data[t("board.col_late_by")] = [
        clock_text((now - r.due_at).total_seconds()) if r.due_at and r.due_at < now else ""
        for r in rows]
    return pd.DataFrame(data)


def _toned(data: dict[str, list[Any]], rows: tuple[board.BoardRow, ...],
           now: datetime) -> pd.DataFrame:
    """The frame, with each row's tone beside it (frame.attrs), not in a column: a hidden
    column still reaches the page."""
    frame = pd.DataFrame(data)
    frame.attrs["tones"] = [tone(r, now) for r in rows]
    return frame


def coloured(frame: pd.DataFrame) -> Any:
    """Rows tinted by how little time is left."""
    tones = frame.attrs.get("tones")
    if not tones:
        return frame
    colours = {"amber": f"color: {AMBER}; font-weight: 600",
               "red": f"color: {RED}; font-weight: 700"}
    return frame.style.apply(lambda row: [colours.get(tones[row.name], "")] * len(row), axis=1)


@st.cache_data(ttl=30, show_spinner=False)
def shift_figures(actor: Actor, filters: board.BoardFilters) -> board.ShiftFigures:
    """Read at most every 30 s: the actor (with its scope) and the filters are the cache key,
    so no one sees figures of another scope."""
    with db_session() as s:
        return board.shift_figures(s, actor=actor, filters=filters)


def figures(fig: board.ShiftFigures) -> None:
    """The shift's headline figures in one row of metrics."""
    sh = fig.shift
    st.caption(t("board.shift_caption", kind=t(f"board.shift_{sh.kind}"),
                 start=clock.local(sh.start), end=clock.local(sh.end)))
    cols = st.columns(7)
    in_time = f"{fig.accepted_in_time}/{fig.accepted}" if fig.accepted else "0"
    for col, key, value in (
        (cols[0], "board.fig_reported", str(fig.reported)),
        (cols[1], "board.fig_dispatched", str(fig.dispatched)),
        (cols[2], "board.fig_in_time", in_time),
        (cols[3], "board.fig_dispatch_median", _duration(fig.median_dispatch_s)),
        (cols[4], "board.fig_accept_median", _duration(fig.median_accept_s)),
        (cols[5], "board.fig_scene_median", _duration(fig.median_to_scene_s)),
        (cols[6], "board.fig_escalations", str(fig.escalations)),
    ):
        col.metric(t(key), value)


def _duration(seconds: float | None) -> str:
    return "—" if seconds is None else clock_text(seconds)


def by_station(counts: tuple[tuple[str, int], ...]) -> None:
    if counts:
        st.dataframe(pd.DataFrame({t("board.col_station"): [place(c[0]) for c in counts],
                                   t("board.col_count"): [c[1] for c in counts]}),
                     hide_index=True, key="board_late_stations")


def _since(at: datetime | None, now: datetime) -> str:
    if at is None:
        return ""
    return f"{time_of_day(at)[:5]} ({clock_text((now - at).total_seconds())})"


def units(officers: tuple[board.Unit, ...], teams: tuple[board.Unit, ...],
          now: datetime) -> None:
    """How many officers are in each state, then every officer and team with since when."""
    counts = {s: sum(1 for u in officers if u.state == s) for s in board.OFFICER_STATES}
    for col, state in zip(st.columns(len(counts)), counts, strict=True):
        col.metric(t(f"board.unit_{state}"), counts[state])
    table(pd.DataFrame({
        t("board.col_officer"): [u.name for u in officers],
        t("leads.col_community"): [place(u.where) for u in officers],
        t("board.col_state"): [t(f"board.unit_{u.state}") for u in officers],
        t("board.col_since"): [_since(u.since, now) for u in officers],
        t("leads.col_id"): pd.array([u.lead_id for u in officers], dtype="Int64"),
    }), empty="board.empty_officers", hide_index=True, key="board_officers",
          placeholder=DASH)
    with st.expander(t("board.teams", n=len(teams),
                       busy=sum(1 for u in teams if u.state == "on_task"))):
        table(pd.DataFrame({
            t("board.col_team"): [u.name for u in teams],
            t("leads.col_community"): [place(u.where) for u in teams],
            t("board.col_state"): [t(f"board.unit_{u.state}") for u in teams],
            t("board.col_since"): [_since(u.since, now) for u in teams],
            t("leads.col_id"): pd.array([u.lead_id for u in teams], dtype="Int64"),
        }), empty="board.empty_teams", hide_index=True, key="board_teams",
              placeholder=DASH)
