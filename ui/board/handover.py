"""The board's shift handover (交接班): choose a shift, download it as one printable page."""

from __future__ import annotations

import streamlit as st

from db.engine import session_scope
from services import board
from services.core import clock
from services.core.actor import Actor
from ui.core.bridge import engine
from ui.core.i18n import lang, t, translate
from ui.core.places import place
from ui.stats import audited

NAMED = 5  # communities named in the scope line before "…"


def scope_label(actor: Actor, choices: board.Choices, filters: board.BoardFilters) -> str:
    """Who the handover covers: the stations filtered to, the whole district, or the scope's
    communities."""
    if filters.station_ids:
        names = dict(choices.stations)
        return t("roster.name_sep").join(place(names[i]) if i in names else str(i)
                                         for i in filters.station_ids)
    if actor.community_ids is None:
        return t("stats.scope_all")
    names_list = [place(n) for _, n in choices.communities]
    return t("roster.name_sep").join(names_list[:NAMED]) + (
        "…" if len(names_list) > NAMED else "")


def handover_panel(actor: Actor, choices: board.Choices, filters: board.BoardFilters) -> None:
    """A shift (the one running by default) and its handover, built only when downloaded and
    recorded as an export in the audit trail."""
    running = board.shift_at(clock.now())
    with st.expander(t("board.handover.section")):
        cols = st.columns([2, 2, 3])
        day = cols[0].date_input(t("board.handover.day"), value=running.day,
                                 max_value=running.day, format="YYYY-MM-DD",
                                 key="board_handover_day")
        kind = cols[1].segmented_control(
            t("board.handover.kind"), board.KINDS, default=running.kind,
            key="board_handover_kind", format_func=lambda k: t(f"board.shift_{k}"))
        kind = kind or running.kind
        if board.shift(day, kind).start > clock.now():
            cols[2].info(t("board.handover.not_started"))
            return
        eng, language, label = engine(), lang(), scope_label(actor, choices, filters)

        def build() -> tuple[str, int]:
            with session_scope(eng) as s:
                return board.handover_page(
                    s, actor=actor, day=day, kind=kind, filters=filters, lang=language,
                    scope_label=label, text=lambda key, **p: translate(language, key, **p))

        cols[2].download_button(
            t("board.handover.download"), audited(actor, "board.handover", "html", build),
            key="board_handover", file_name=f"handover-{day:%Y%m%d}-{kind}-{language}.html",
            mime="text/html", on_click="ignore", icon=":material/print:",
            help=t("board.handover.help"))
