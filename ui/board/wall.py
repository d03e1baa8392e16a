"""Wall display mode of the board: full screen, large type, no sidebar, nothing to click."""

from __future__ import annotations

import streamlit as st

from services.core.actor import Actor, Role
from ui.core import stylesheet
from ui.core.i18n import t


def wall_mode(actor: Actor) -> bool:
    """A display account is always on the wall; a supervisor may switch to it (?wall=1)."""
    if actor.role == Role.DISPLAY:
        on = True
    else:
        on = st.toggle(t("board.wall"), key="board_wall",
                       value=st.query_params.get("wall") == "1")
        if on:
            st.query_params["wall"] = "1"
        elif "wall" in st.query_params:
            del st.query_params["wall"]
    if on:
        stylesheet.apply("wall")
    return on
