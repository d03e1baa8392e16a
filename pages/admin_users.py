"""Users: list, add, disable/enable, unlock, reset with a one-time password shown once, change
role and scope."""

import pandas as pd
import streamlit as st

from services.accounts import users
from services.core import clock
from services.core.actor import Perm, Role
from services.core.errors import Invalid, ServiceError
from ui.accounts.access import access_section
from ui.core.bridge import db_session
from ui.core.column_widths import fitted
from ui.core.i18n import choose, label, t
from ui.core.markdown import md
from ui.core.widgets import field_error, pop_errors, remember_errors, show_error
from ui.shell import guard

actor = guard.require(Perm.MANAGE_USERS)
st.title(t("page.admin_users"))

# A one-time password is kept for exactly one run: shown now, gone on the next click.
handed = st.session_state.pop("users_one_time", None)
if handed:
    st.success(t("users.one_time_shown", username=md(handed[0])))
    st.code(handed[1], language=None)
    st.caption(t("users.one_time_help"))
notice = st.session_state.pop("users_notice", None)
if notice:
    st.success(t(notice[0], username=md(notice[1])))

with db_session() as s:
    people = users.list_users(s, actor=actor)
    choices = users.scope_choices(s, actor=actor)
frame = pd.DataFrame(
    [(u.username, u.display_name, label("role", u.role), t(f"scope.{u.scope_kind}"),
      t("common.yes") if u.active else t("common.no"),
      t("common.yes") if u.locked else t("common.no"),
      t("common.yes") if u.must_change_password else t("common.no"),
      clock.local(u.last_sign_in_at)) for u in people],
    columns=[t("users.username"), t("users.display_name"), t("users.role"), t("users.scope"),
             t("users.active"), t("users.locked"), t("users.must_change"),
             t("users.last_sign_in")],
)
st.dataframe(frame, hide_index=True, width="stretch", key="users_table",
             column_config=fitted(frame))


def act(action, notice_key: str, **kw) -> None:  # type: ignore[no-untyped-def]
    """Run one account action in its own transaction; errors are shown, not raised."""
    try:
        with db_session(write=True) as s:
            result = action(s, actor=actor, username=pick, **kw)
    except Invalid as exc:  # e.g. not yourself, not the last admin
        st.error(t(next(iter(exc.fields.values()), exc.key)))
        return
    except ServiceError as exc:
        show_error(exc)
        return
    if notice_key == "users.reset_done":
        st.session_state["users_one_time"] = (pick, result)
    else:
        st.session_state["users_notice"] = (notice_key, pick)
    st.rerun()


st.subheader(t("users.manage"))
by_name = {u.username: u for u in people}
pick = st.selectbox(t("users.pick"), list(by_name), key="users_pick")
if pick:
    chosen = by_name[pick]
    b1, b2, b3 = st.columns(3)
    if chosen.active and b1.button(t("users.disable"), key="users_disable"):
        act(users.set_active, "users.disabled", active=False)
    if not chosen.active and b1.button(t("users.enable"), key="users_enable"):
        act(users.set_active, "users.enabled", active=True)
    if b2.button(t("users.unlock"), key="users_unlock", disabled=not chosen.locked):
        act(users.unlock, "users.unlocked")
    if b3.button(t("users.reset"), key="users_reset"):
        act(users.reset_password, "users.reset_done")
    access_section(actor, pick, choices)

st.subheader(t("users.add"))
errors = pop_errors("users_add")
stations = dict(choices.stations)
communities = dict(choices.communities)
officers = dict(choices.officers)
with st.form("users_add_form", enter_to_submit=False):
    username = st.text_input(t("users.username"), key="users_new_username", max_chars=64,
                             help=t("users.username_help"))
    field_error(errors, "username")
    display = st.text_input(t("users.display_name"), key="users_new_display", max_chars=64)
    field_error(errors, "display_name")
    role = st.selectbox(t("users.role"), [r.value for r in Role], key="users_new_role",
                        format_func=lambda r: label("role", r))
    kind = st.radio(t("users.scope"), ["district", "station", "communities"], horizontal=True,
                    key="users_new_scope", format_func=lambda k: t(f"scope.{k}"))
    station = st.selectbox(t("users.station"), [None, *stations], key="users_new_station",
                           format_func=lambda i: stations.get(i, t("common.none")))
    picked = st.multiselect(t("users.communities"), list(communities), key="users_new_comms",
                            format_func=lambda i: communities[i], placeholder=choose(communities))
    field_error(errors, "scope")
    officer = st.selectbox(t("users.officer"), [None, *officers], key="users_new_officer",
                           format_func=lambda i: officers.get(i, t("common.none")))
    field_error(errors, "officer")
    submitted = st.form_submit_button(t("users.add_submit"), key="users_add_submit")
if submitted:
    one_time = users.one_time_password()
    try:
        with db_session(write=True) as s:
            users.create_user(s, actor=actor, username=username, display_name=display, role=role,
                              password=one_time, scope_kind=kind, station_id=station,
                              community_ids=picked, officer_id=officer,
                              must_change_password=True)
    except Invalid as exc:
        remember_errors("users_add", exc)
        st.rerun()
    except ServiceError as exc:
        show_error(exc)
    else:
        st.session_state["users_one_time"] = (username.strip().lower(), one_time)
        st.rerun()
