"""Time in the community for the officer: check in / check out, the week, a week's entry."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from services import presence
from services.core import clock
from services.core.actor import Actor
from services.stats import fmt
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.record_forms import run
from ui.core.widgets import field_error, pop_errors

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def check_in_out(actor: Actor) -> None:
    with db_session() as s:
        now = presence.status(s, actor=actor)
        places = dict(presence.community_choices(s, actor=actor))
    errors = pop_errors("presence_out")
    if now.since is None:
        pick = st.selectbox(t("presence.community"), list(places),
                            format_func=lambda c: place(places[c]),
                            key="presence_community")
        if st.button(t("presence.check_in"), type="primary", key="presence_check_in",
                     icon=":material/login:", disabled=not places) and pick is not None:
            run("presence_in", lambda s: presence.check_in(s, actor=actor, community_id=pick),
                t("presence.checked_in"))
        return
    st.info(t("presence.in_since", community=md(places.get(now.community_id or -1, "")),
              since=clock.local(now.since)), icon=":material/location_on:")
    long = clock.now() - now.since > presence.MAX_SPAN
    left_at: datetime | None = None
    if long:  # a forgotten check-out: ask when they left
        st.warning(t("presence.forgot"))
        day = st.date_input(t("presence.left_day"), value=clock.local_today(now.since),
                            format="YYYY-MM-DD", key="presence_left_day")
        hour = st.time_input(t("presence.left_time"), key="presence_left_time")
        left_at = datetime.combine(day, hour, tzinfo=clock.TZ)
    field_error(errors, "left_at")
    if st.button(t("presence.check_out"), type="primary", key="presence_check_out",
                 icon=":material/logout:"):
        run("presence_out", lambda s: presence.check_out(s, actor=actor, left_at=left_at),
            t("presence.checked_out"))


def my_week(actor: Actor) -> None:
    monday = presence.week_start(st.date_input(t("presence.week_of"), value=clock.local_today(),
                                               format="YYYY-MM-DD", key="presence_week_of"))
    with db_session() as s:
        week = presence.week_detail(s, actor=actor, week_of=monday)
    st.metric(t("presence.week_total", monday=monday.isoformat()),
              t("stats.fmt.hours_short", value=fmt.number(week.total, 1)),
              delta=t("stats.fmt.hours_short",
                      value=f"{week.total - presence.TARGET_HOURS:+.1f}"))
    st.dataframe({t(f"presence.{d}"): [f"{h:.1f}"] for d, (_, h) in zip(WEEKDAYS, week.days,
                                                                         strict=True)}
                 | {t("presence.manual"): [f"{week.manual_hours:.1f}"]},
                 hide_index=True, key="presence_days")
    if week.manual_reason:
        st.caption(t("presence.manual_reason") + "：" + md(week.manual_reason))
    errors = pop_errors("presence_week")
    with st.expander(t("presence.enter_week"), icon=":material/edit_calendar:"), st.form(
            "presence_week_form", enter_to_submit=False):
        st.caption(t("presence.enter_hint", monday=monday.isoformat()))
        hours = st.number_input(t("presence.hours"), min_value=0.0, max_value=168.0, step=0.5,
                                value=week.manual_hours, key="presence_week_hours")
        field_error(errors, "hours")
        field_error(errors, "week")
        reason = st.text_input(t("presence.reason"), value=week.manual_reason, max_chars=200,
                               key="presence_week_reason")
        field_error(errors, "reason")
        field_error(errors, "community")
        if st.form_submit_button(t("common.save"), key="presence_week_submit"):
            run("presence_week", lambda s: presence.enter_week(
                s, actor=actor, week_of=monday, hours=float(hours), reason=reason or ""),
                t("presence.saved"))

