"""Time in the community (驻社区时间): officers check in and out; weekly hours vs 40 h."""

import streamlit as st

from services import presence
from services.core import clock
from services.core.actor import Perm
from services.stats import fmt
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.record_forms import show_flash
from ui.presence.forms import check_in_out, my_week
from ui.shell import guard

actor = guard.require(Perm.VIEW_PRESENCE)
st.title(t("page.presence"))
show_flash()

if actor.can(Perm.LOG_PRESENCE) and actor.officer_id is not None:
    check_in_out(actor)
    my_week(actor)
    st.divider()

st.subheader(t("presence.weekly_title", target=int(presence.TARGET_HOURS)), anchor=False)
weeks = st.slider(t("presence.weeks"), min_value=1, max_value=12, value=4,
                  key="presence_weeks")
with db_session() as s:  # the whole weeks, and the current one apart ("so far")
    frame = presence.weekly_hours(s, actor=actor, weeks=weeks + 1)
table = presence.weekly_table(frame)
if table.empty:
    st.info(t("presence.no_officers"))
    st.stop()
below = int(table["below_target"].sum())
st.metric(t("presence.below_count"), f"{below} / {len(table)}")
shown = table.rename(columns={"name": t("presence.officer"), "badge_no": t("presence.badge"),
                              "average": t("presence.average"),
                              "below_target": t("presence.below"),
                              "so_far": t("weeks.so_far", monday=presence.week_start(
                                  clock.local_today()).isoformat())})


def _red(row):  # type: ignore[no-untyped-def]
    colour = "color: #c62828" if row[t("presence.below")] else ""
    return [colour] * len(row)


st.dataframe(shown.style.apply(_red, axis=1).format(precision=1, na_rep=fmt.DASH),
             hide_index=True, key="presence_table", placeholder=fmt.DASH)
st.caption(t("presence.table_hint"))
