"""Account: change one's own password, end sessions on other devices (language: sidebar)."""

import streamlit as st

from services import auth
from services.actor import Perm
from ui import guard
from ui.auth import password_form
from ui.bridge import db_session
from ui.i18n import t

actor = guard.require(Perm.VIEW_HOME)
st.title(t("page.account"))
st.subheader(t("account.change_password"))
st.caption(t("password.rules"))
if password_form(actor):
    st.success(t("account.saved"))

st.subheader(t("account.sessions"))
st.caption(t("account.sessions_help"))
if st.button(t("account.sign_out_elsewhere"), key="sign_out_elsewhere"):
    with db_session(write=True) as s:
        ended = auth.sign_out_elsewhere(s, actor=actor)
    st.success(t("account.signed_out_elsewhere", count=ended))
