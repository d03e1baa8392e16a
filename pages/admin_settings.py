"""Settings: the sign-in banner (a legal notice shown above the sign-in form, as plain text)."""

import streamlit as st

from services.core import system
from services.core.actor import Perm
from services.core.errors import Invalid
from ui.admin import worker_status
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.widgets import field_error, pop_errors, remember_errors
from ui.shell import guard

actor = guard.require(Perm.EDIT_SETTINGS)
st.title(t("page.admin_settings"))
st.subheader(t("settings.banner"))
st.caption(t("settings.banner_help", max=system.BANNER_MAX))

with db_session() as s:
    current = system.banner(s)
errors = pop_errors("banner")
with st.form("banner_form", enter_to_submit=False):
    text = st.text_area(t("settings.banner"), value=current, key="settings_banner",
                        max_chars=system.BANNER_MAX, height=120)
    field_error(errors, "banner")
    saved = st.form_submit_button(t("common.save"), key="settings_banner_save")
if saved:
    try:
        with db_session(write=True) as s:
            system.set_banner(s, actor=actor, text=text)
    except Invalid as exc:
        remember_errors("banner", exc)
        st.rerun()
    else:
        st.success(t("settings.banner_saved"))

if current:
    st.caption(t("settings.preview"))
    st.text(current)  # exactly as the sign-in page shows it: plain text

st.divider()
worker_status.render(actor)
