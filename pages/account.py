"""Account: change one's own password, end sessions on other devices (language: sidebar)."""

import streamlit as st

from services.accounts import auth
from services.core.actor import Perm
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.shell import guard
from ui.shell.auth import password_form

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
