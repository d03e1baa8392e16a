"""Sign-in form, the signed cookie that names a server-side session, password form, sign-out."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timedelta
from typing import Any

import jwt
import streamlit as st
from extra_streamlit_components.CookieManager import _component_func as _cookie_component
from streamlit_authenticator.models import CookieModel

from services.accounts import auth
from services.core import system
from services.core.actor import Actor
from services.core.errors import AuthFailed, Invalid, Locked
from ui.core import stylesheet
from ui.core.bridge import db_session, settings
from ui.core.i18n import t
from ui.core.markdown import md

COOKIE_NAME = "pingan_session"
PENDING = "auth_cookie_pending"  # the cookie write the browser has not confirmed yet
TOUCH_EVERY_S = 30.0
_STATE = ("auth_token", "actor", "auth_touched", "must_change")


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

    def set_cookie(self) -> None:
        """SameSite=Strict always; Secure when the site is served over HTTPS (a setting).

        The cookie is written by a component in the browser, which must load before the next
        rerun removes it; a light page reruns quickly (the component that reads the cookies
        triggers one), so the write waits in the session and is drawn again on every run
        until the browser says it is done (write_pending_cookie)."""
        expires = datetime.now() + timedelta(days=float(self.cookie_expiry_days or 0))
        self.exp_date = expires.timestamp()
        options: dict[str, Any] = {"path": "/", "expires": expires.isoformat(),
                                   "sameSite": "strict"}
        if settings().cookie_secure:
            options["secure"] = True
        st.session_state[PENDING] = {"method": "set", "cookie": self.cookie_name,
                                     "value": self._token_encode(), "options": options}
        write_pending_cookie()


def write_pending_cookie() -> None:
    """Draw the pending cookie write (or deletion); forget it once the browser reports it
    done. The router calls this first on every run, and set_cookie right after queuing a
    new write (whose key differs: each write has its own expiry)."""
    pending = st.session_state.get(PENDING)
    if not pending:
        return
    key = "pingan_cookie_" + hashlib.sha256(
        json.dumps(pending, sort_keys=True).encode()).hexdigest()[:16]
    stylesheet.apply("cookie")  # the component's frame has no height: no gap either
    done = _cookie_component(**pending, key=key, default=False)
    if done is True and st.session_state.get(PENDING) == pending:
        st.session_state.pop(PENDING, None)


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
    return sid if isinstance(sid, str) and sid else None


def _forget() -> None:
    for key in _STATE:
        st.session_state.pop(key, None)


def current_actor(*, activity: bool = True) -> Actor | None:
    """The signed-in actor, checked against the server-side session on every run.

    Reads in a read transaction; writes only when the session must end or its activity
    is due (at most every 30 s), so page runs do not queue on SQLite's write lock.
    Automatic refreshes pass activity=False: they never keep an idle session alive.
    """
    state = st.session_state
    had_session = "auth_token" in state
    token = state.get("auth_token") or _token_from_cookie()
    if not token:
        return None
    idle = settings().idle_minutes
    every = min(TOUCH_EVERY_S, idle * 60 / 4)
    touch = activity and time.monotonic() - state.get("auth_touched", 0.0) >= every
    with db_session() as s:
        check = auth.check_session(s, token=token, idle_minutes=idle, activity=touch)
    if check.session_id is not None and (check.end_reason or check.touch_due):
        with db_session(write=True) as s:
            if check.end_reason:
                auth.end_session(s, session_id=check.session_id, reason=check.end_reason)
            else:
                auth.touch_session(s, session_id=check.session_id)
    if check.actor is None:
        _forget()
        if had_session:
            state["auth_notice"] = "auth.expired"
        return None
    if not had_session:
        state["lang"] = check.actor.language
    state.update(auth_token=token, actor=check.actor, must_change=check.must_change_password)
    if touch:
        state["auth_touched"] = time.monotonic()
    return check.actor


def _demo_logins() -> None:
    with db_session() as s:
        demo = system.demo_loaded(s)
    if not demo:
        return
    st.info(t("app.demo_banner"))
    rows = [("admin", "admin"), ("commander", "supervisor"), ("officer", "officer"),
            ("grid", "grid_worker")]
    st.caption(t("auth.demo_logins") + "  " + " · ".join(
        t("auth.demo_login_row", username=md(u), role=t(f"role.{r}")) for u, r in rows))


def sign_in_form() -> Actor | None:
    """The sign-in form; returns the actor on success (the cookie is written in this run)."""
    from ui.shell.language import language_switch

    st.title(t("app.title"))
    language_switch(None, key="login_lang")
    with db_session() as s:
        banner = system.banner(s)
    if banner:
        st.text(banner)  # the admin's text, shown as plain text: no markdown, no HTML
    _demo_logins()
    # The notice stays until the next attempt: a rerun (a cookie written, a heartbeat) must
    # not take it away before it is read.
    notice = st.session_state.get("auth_notice")
    if notice:
        st.warning(t(notice))
    with st.form("login", clear_on_submit=False, enter_to_submit=False):
        st.subheader(t("auth.title"))
        username = st.text_input(t("auth.username"), key="login_username", max_chars=64)
        password = st.text_input(t("auth.password"), type="password", key="login_password",
                                 max_chars=256)
        submitted = st.form_submit_button(t("auth.submit"), key="login_submit", type="primary")
    if not submitted:
        return None
    st.session_state.pop("auth_notice", None)
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
                            auth_touched=time.monotonic(), must_change=result.must_change_password)
    SessionCookie(result.token, result.actor.username).set_cookie()
    return result.actor


def password_form(actor: Actor) -> bool:
    """Change one's own password (asks for the current one); True once changed."""
    from ui.core.widgets import field_error, pop_errors, remember_errors

    error = pop_errors("password")
    with st.form("password_form", enter_to_submit=False):
        current = st.text_input(t("account.current"), type="password", key="pw_current")
        field_error(error, "current")
        new = st.text_input(t("account.new"), type="password", key="pw_new",
                            help=t("password.rules"))
        field_error(error, "new")
        repeat = st.text_input(t("account.repeat"), type="password", key="pw_repeat")
        field_error(error, "repeat")
        submitted = st.form_submit_button(t("account.save"), key="pw_submit", type="primary")
    if not submitted:
        return False
    try:
        if new != repeat:
            raise Invalid({"repeat": "account.mismatch"})
        with db_session(write=True) as s:
            rotated = auth.change_own_password(s, actor=actor, current=current or "",
                                               new=new or "")
    except Invalid as exc:
        remember_errors("password", exc)
        st.rerun()
    # A new token: the old one (and any copy of this browser's cookie) is dead. The cookie
    # is written in this run, so the caller must not rerun before it reaches the browser.
    st.session_state.update(auth_token=rotated.token, actor=rotated.actor, must_change=False,
                            auth_touched=time.monotonic())
    SessionCookie(rotated.token, rotated.actor.username).set_cookie()
    return True


def sign_out(actor: Actor) -> None:
    with db_session(write=True) as s:
        auth.sign_out(s, actor=actor)
    _forget()
    st.session_state["auth_notice"] = "auth.signed_out"
    # The server-side session is over, so the cookie is useless; delete it anyway, on the
    # next run (the caller reruns at once, before a component drawn now could load).
    st.session_state[PENDING] = {"method": "delete", "cookie": COOKIE_NAME}
