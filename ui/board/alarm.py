"""The board's alarm: sound switched on by one click, a looping siren and a flashing banner
for unacknowledged emergency leads, one chime for each new urgent lead."""

from __future__ import annotations

from html import escape
from pathlib import Path

import streamlit as st

from services import board
from services.core import clock
from services.core.actor import Actor, Perm
from services.core.errors import ServiceError
from ui.board.view import clock_text
from ui.core import stylesheet
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.widgets import show_error

SOUNDS = Path(__file__).resolve().parent / "sounds"
SOUND_ON = "board_sound_on"
CHIMED = "board_chimed"  # (user id, newest urgent lead id already chimed for)
# The alarm reads its two queries this often, the rest of the board every 5 s: an emergency
# sounds at most this long after its dispatch, not a whole board refresh later.
ALARM_EVERY = "2s"



@st.cache_resource(show_spinner=False)
def _sound(name: str) -> bytes:
    return (SOUNDS / f"{name}.wav").read_bytes()


def sound_switch() -> None:
    """Browsers keep a page silent until it is touched: one click here enables the sound."""
    if st.session_state.get(SOUND_ON):
        cols = st.columns([4, 1])
        cols[0].caption(t("board.sound_is_on"))
        if cols[1].button(t("board.sound_off"), key="board_sound_off"):
            st.session_state[SOUND_ON] = False
            st.rerun()
        return
    cols = st.columns([4, 1])
    cols[0].warning(t("board.sound_is_off"), icon=":material/volume_off:")
    if cols[1].button(t("board.sound_on"), key="board_sound_enable", type="primary"):
        st.session_state[SOUND_ON] = True
        st.rerun()


def alarm(actor: Actor, data: board.Alarm, *, actions: bool) -> None:
    """In its own fragment (pages/board.py), read every ALARM_EVERY: the banner and siren
    while emergencies wait unacknowledged, a chime the first time a newer urgent lead is
    seen."""
    sound = bool(st.session_state.get(SOUND_ON))
    if data.alarms:
        stylesheet.apply("flash")
        if len(data.alarms) > board.SHOWN:
            st.error(t("board.alarm_more", n=board.SHOWN))
        for lead in data.alarms[:board.SHOWN]:
            left = clock_text((lead.accept_due_at - data.now).total_seconds()
                              ) if lead.accept_due_at else "—"
            text = t("board.alarm_text", id=lead.id, category=label("leads.category",
                     lead.category), community=lead.community, at=clock.local(lead.created_at),
                     left=left)
            cols = st.columns([5, 1]) if actions else [st.container()]
            cols[0].html(f'<div class="pingan-alarm" data-lead="{lead.id}">{escape(text)}'
                         f' <span class="pingan-countdown">{escape(left)}</span></div>')
            if actions and actor.can(Perm.SUPERVISE_LEADS) and cols[1].button(
                    t("board.ack"), key=f"board_ack_{lead.id}", type="primary"):
                _acknowledge(actor, lead.id)
        if sound:
            st.audio(_sound("alarm"), format="audio/wav", autoplay=True, loop=True)
    held = st.session_state.get(CHIMED)
    seen = held[1] if held and held[0] == actor.user_id else None
    st.session_state[CHIMED] = (actor.user_id, max(seen or 0, data.newest_urgent))
    if seen is not None and data.newest_urgent > seen and sound and not data.alarms:
        st.audio(_sound("chime"), format="audio/wav", autoplay=True)


def _acknowledge(actor: Actor, lead_id: int) -> None:
    try:
        with db_session(write=True) as s:
            board.acknowledge(s, actor=actor, lead_id=lead_id)
    except ServiceError as exc:
        show_error(exc)
    else:
        st.rerun()
