"""Pingan's entry point: page config, the sign-in gate, navigation built from the user's role."""

import streamlit as st

from ui.shell import guard, menu
from ui.shell.sidebar import sidebar

st.set_page_config(page_title="平安 Pingan", page_icon="🛡️", layout="wide")
actor = guard.require()
sections = menu.navigation(actor)
page = st.navigation(sections, position="hidden")  # Streamlit's menu is off (config.toml)
menu.menu(sections)
sidebar(actor)  # after the navigation is built: the sidebar links to its pages
page.run()
