"""Pingan's entry point: page config, the sign-in gate, navigation built from the user's role."""

import streamlit as st

from ui import guard, nav
from ui.widgets import sidebar

st.set_page_config(page_title="平安 Pingan", page_icon="🛡️", layout="wide")
actor = guard.require()
sections = nav.navigation(actor)
page = st.navigation(sections, position="hidden")  # Streamlit's menu is off (config.toml)
nav.menu(sections)
sidebar(actor)  # after the navigation is built: the sidebar links to its pages
page.run()
