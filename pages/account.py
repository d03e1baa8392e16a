"""Account: change one's own password (the language switch is in the sidebar)."""

import streamlit as st

from services import auth
from services.actor import Perm
from services.errors import Invalid
from ui import guard
from ui.bridge import db_session
from ui.i18n import t
from ui.widgets import field_error, pop_errors, remember_errors

actor = guard.require(Perm.VIEW_HOME)
st.title(t("page.account"))
st.subheader(t("account.change_password"))
error = pop_errors("password")
with st.form("password_form"):
    current = st.text_input(t("account.current"), type="password", key="pw_current")
    field_error(error, "current")
    new = st.text_input(t("account.new"), type="password", key="pw_new")
    field_error(error, "new")
    repeat = st.text_input(t("account.repeat"), type="password", key="pw_repeat")
    field_error(error, "repeat")
    submitted = st.form_submit_button(t("account.save"), key="pw_submit")
if submitted:
    try:
        if new != repeat:
            raise Invalid({"repeat": "account.mismatch"})
        with db_session(write=True) as s:
            auth.change_own_password(s, actor=actor, current=current, new=new)
    except Invalid as exc:
        remember_errors("password", exc)
        st.rerun()
    else:
        st.success(t("account.saved"))
