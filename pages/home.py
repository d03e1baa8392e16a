"""Home: the headline figures for the user's scope and the pages they can open."""

import streamlit as st

from services import home, system
from services.actor import Perm
from ui import guard, nav
from ui.bridge import db_session
from ui.i18n import t
from ui.panels import render_all

actor = guard.require(Perm.VIEW_HOME)
with db_session() as s:
    figures = home.headline(s, actor=actor)
    demo = system.demo_loaded(s)

if demo:
    st.info(t("app.demo_banner"))
st.title(t("home.welcome", name=actor.display_name))
st.caption(t("home.scope", scope=t(f"scope.{actor.scope_kind}")))

cols = st.columns(5)
cols[0].metric(t("home.leads_open"), figures.leads_open)
cols[1].metric(t("home.leads_today"), figures.leads_today)
median = figures.median_dispatch_s
cols[2].metric(t("home.median_dispatch"),
               t("home.seconds", value=f"{median:.1f}") if median is not None else "—")
cols[3].metric(t("home.overdue"), figures.overdue)
last = figures.incidents_ytd_last_year
delta = f"{(figures.incidents_ytd - last) / last * 100:+.1f}%" if last >= 10 else None
cols[4].metric(t("home.incidents_ytd"), figures.incidents_ytd, delta=delta, delta_color="inverse")

render_all(actor)

st.subheader(t("home.pages"))
for spec in nav.specs_for(actor):
    if not spec.hidden and spec.path != "pages/home.py":
        st.page_link(nav.page_path(spec.path), label=t(spec.title_key), icon=spec.icon)
