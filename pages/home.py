"""Home: the headline figures for the user's scope and the pages they can open."""

import streamlit as st

from services.core import system
from services.core.actor import Perm
from services.stats import fmt, home
from services.stats.periods import pct_change
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.markdown import md
from ui.leads.mine import phone_home
from ui.leads.notices import hears
from ui.shell import guard
from ui.shell.panels import render_all

actor = guard.require(Perm.VIEW_HOME)
if hears(actor):  # grid workers, on a phone: report first, then my reports and team tasks
    phone_home(actor)
    render_all(actor)  # alerts to acknowledge, measures due
    st.stop()
with db_session() as s:
    figures = home.headline(s, actor=actor)
    demo = system.demo_loaded(s)

if demo:
    st.info(t("app.demo_banner"))
st.title(t("home.welcome", name=md(actor.display_name)))
st.caption(t("home.scope", scope=t(f"scope.{actor.scope_kind}")))

cols = st.columns(5)
cols[0].metric(t("home.leads_open"), fmt.number(figures.leads_open))
cols[1].metric(t("home.leads_today"), fmt.number(figures.leads_today))
median, p90 = figures.median_dispatch_s, figures.p90_dispatch_s
cols[2].metric(t("home.median_dispatch"),
               t("home.seconds", value=f"{median:.1f}") if median is not None else "—",
               delta=t("dispatch.p90", value=f"{p90:.1f}") if p90 is not None else None,
               delta_color="off", delta_arrow="off")
cols[3].metric(t("home.overdue"), fmt.number(figures.overdue))
last = figures.incidents_ytd_last_year
change = pct_change(figures.incidents_ytd, last)
cols[4].metric(t("home.incidents_ytd"), fmt.number(figures.incidents_ytd),
               delta=None if change is None else fmt.pct(change), delta_color="inverse")

render_all(actor)

st.subheader(t("home.pages"))
for spec in nav.specs_for(actor):
    if not spec.hidden and spec.path != "pages/home.py":
        st.page_link(nav.page_path(spec.path), label=t(spec.title_key), icon=spec.icon)
