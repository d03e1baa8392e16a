"""Sign-in form, the signed cookie that names a server-side session, sign-out."""

from __future__ import annotations

import time
from typing import Any

import jwt
import streamlit as st
from streamlit_authenticator.models import CookieModel

from services import auth, system
from services.actor import Actor
from services.errors import AuthFailed, Locked
from ui.bridge import db_session, settings
from ui.i18n import t

COOKIE_NAME = "pingan_session"
TOUCH_EVERY_S = 30


class SessionCookie(CookieModel):
    """streamlit-authenticator's signed cookie, carrying our server-side session token too.

    The library's own token holds only the username, which stays valid after sign-out; ours
    also names a server-side session, so ending that session makes a copied cookie useless.
    """

    def __init__(self, token: str, username: str) -> None:
        hours = settings().session_hours
        super().__init__(COOKIE_NAME, settings().secret_key(), hours / 24)
        self._sid = token
        self._username = username

    def _token_encode(self) -> str:
        payload = {"username": self._username, "sid": self._sid, "exp_date": self.exp_date}
        return jwt.encode(payload, self.cookie_key, algorithm="HS256")


def _token_from_cookie() -> str | None:
    raw = st.context.cookies.get(COOKIE_NAME) if st.context.cookies else None
    if not raw:
        return None
    try:
        data: dict[str, Any] = jwt.decode(raw, settings().secret_key(), algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if float(data.get("exp_date", 0)) < time.time():
        return None
    sid = data.get("sid")
    return sid if isinstance(sid, str) else None


def _forget() -> None:
    for key in ("auth_token", "actor", "auth_touched"):
        st.session_state.pop(key, None)


def current_actor(*, activity: bool = True) -> Actor | None:
    """The signed-in actor, checked against the server-side session on every run."""
    state = st.session_state
    had_session = "auth_token" in state
    token = state.get("auth_token") or _token_from_cookie()
    if not token:
        return None
    touch = activity and time.monotonic() - state.get("auth_touched", 0.0) > TOUCH_EVERY_S
    with db_session(write=touch) as s:
        actor = auth.resume(s, token=token, idle_minutes=settings().idle_minutes,
                            activity=touch)
    if actor is None:
        _forget()
        if had_session:
            state["auth_notice"] = "auth.expired"
        return None
    if not had_session:
        state["lang"] = actor.language
    state["auth_token"], state["actor"] = token, actor
    if touch:
        state["auth_touched"] = time.monotonic()
    return actor


def _demo_logins() -> None:
    with db_session() as s:
        demo = system.demo_loaded(s)
    if not demo:
        return
    st.info(t("app.demo_banner"))
    rows = [("admin", "admin"), ("commander", "supervisor"), ("officer", "officer"),
            ("grid", "grid_worker")]
    st.caption(t("auth.demo_logins") + "  " + " · ".join(
        t("auth.demo_login_row", username=u, role=t(f"role.{r}")) for u, r in rows))


def sign_in_form() -> Actor | None:
    """The sign-in form; returns the actor on success (the cookie is written in this run)."""
    from ui.widgets import language_switch

    st.title(t("app.title"))
    language_switch(None, key="login_lang")
    with db_session() as s:
        banner = system.banner(s)
    if banner:
        st.text(banner)  # the admin's text, shown as plain text: no markdown, no HTML
    _demo_logins()
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.warning(t(notice))
    with st.form("login", clear_on_submit=False):
        st.subheader(t("auth.title"))
        username = st.text_input(t("auth.username"), key="login_username", max_chars=64)
        password = st.text_input(t("auth.password"), type="password", key="login_password",
                                 max_chars=256)
        submitted = st.form_submit_button(t("auth.submit"), key="login_submit", type="primary")
    if not submitted:
        return None
    error: AuthFailed | Locked | None = None
    with db_session(write=True) as s:  # failed attempts must be committed too
        try:
            result = auth.sign_in(s, username=username or "", password=password or "",
                                  settings_hours=settings().session_hours)
        except (AuthFailed, Locked) as exc:
            error = exc
    if error is not None:
        st.error(t(error.key))
        return None
    st.session_state.update(auth_token=result.token, actor=result.actor, lang=result.actor.language,
                            auth_touched=time.monotonic())
    SessionCookie(result.token, result.actor.username).set_cookie()
    return result.actor


def sign_out(actor: Actor) -> None:
    with db_session(write=True) as s:
        auth.sign_out(s, actor=actor)
    _forget()
    st.session_state["auth_notice"] = "auth.signed_out"
    # The server-side session is over, so the cookie is useless; delete it anyway.
    cookie = SessionCookie("", actor.username)
    cookie.cookie_manager.delete(COOKIE_NAME, key="pingan_cookie_delete")

