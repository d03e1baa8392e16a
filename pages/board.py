"""指挥台 the command board: waiting, in progress and late leads, the shift, the alarm, the map;
live."""

import streamlit as st

from services import board
from services.core.actor import Perm
from ui.board import map as board_map
from ui.board import view
from ui.board.alarm import ALARM_EVERY, alarm, sound_switch
from ui.board.handover import handover_panel
from ui.board.tools import filters, reassign_bar
from ui.board.wall import wall_mode
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.widgets import table
from ui.shell import guard

actor = guard.require(Perm.VIEW_BOARD)
st.title(t("page.board"))
wall = wall_mode(actor)
with db_session() as s:
    choices = board.board_choices(s, actor=actor)
with st.expander(t("board.filters"), expanded=not wall):
    chosen = filters(actor, choices)
acts = actor.can(Perm.SUPERVISE_LEADS) and not wall  # the wall shows, it is not worked on
if acts:
    handover_panel(actor, choices, chosen)
sound_switch()


def _table(name: str, frame: object, ids: list[int]) -> None:
    if not acts:  # nothing to click on the wall (and a display account opens no lead)
        table(view.coloured(frame), empty=f"board.empty_{name}", hide_index=True,
              key=f"board_{name}_wall")
        return
    picked = table(view.coloured(frame), empty=f"board.empty_{name}", hide_index=True,
                   key=f"board_{name}", on_select="rerun", selection_mode="single-row")
    rows = picked.selection.rows if picked is not None else []
    if rows:  # clicking a lead opens it
        st.switch_page(nav.page_path("pages/lead.py"), query_params={"id": str(ids[rows[0]])})


@st.fragment(run_every=ALARM_EVERY)
def sounding() -> None:
    """The banner and siren: read more often than the board, and on their own."""
    me = guard.live_actor()
    with db_session() as s:
        state = board.alarm(s, actor=me, filters=chosen)
    alarm(me, state, actions=acts)


@st.fragment(run_every="5s")
def live() -> None:
    """Only this part refreshes: the filters above and anything typed keep their values."""
    me = guard.live_actor()
    with db_session() as s:
        data = board.board(s, actor=me, filters=chosen)
        where = board.board_map(s, actor=me, filters=chosen, now=data.now)
    flash = st.session_state.pop("board_flash", None)
    if flash:
        st.success(flash)
    view.figures(view.shift_figures(me, chosen))
    leads, beside = st.columns([3, 2])
    with leads:
        st.subheader(t("board.waiting", n=data.waiting.total))
        _table("waiting", view.waiting_frame(data.waiting.rows, data.now),
               [r.id for r in data.waiting.rows])
        if acts:
            reassign_bar(me, data.waiting.rows + data.late.rows, choices)
        st.subheader(t("board.in_progress", n=data.in_progress.total))
        _table("progress", view.progress_frame(data.in_progress.rows, data.now),
               [r.id for r in data.in_progress.rows])
        st.subheader(t("board.late", n=data.late.total))
        view.by_station(data.late_by_station)
        _table("late", view.late_frame(data.late.rows, data.now), [r.id for r in data.late.rows])
    with beside:
        st.subheader(t("board.map.title"))
        board_map.show(me, where, data.officers, opens=acts)
    st.subheader(t("board.units"))
    view.units(data.officers, data.teams, data.now)
    st.caption(t("board.updated", at=view.time_of_day(data.now)))


sounding()
live()
