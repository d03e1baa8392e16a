"""An account's role and scope on the users page: choose them (the scopes the role may have),
review the change, confirm it. The account's sessions end with the change
(services.accounts.users)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from services.accounts import users
from services.core.actor import Actor, Role
from services.core.errors import ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import choose, label, t
from ui.core.markdown import md
from ui.core.widgets import field_error, pop_errors, refused

FORM = "users_access"
PENDING = "users_access_pending"


def _describe(access: dict[str, Any], choices: users.ScopeChoices) -> str:
    """"社区民警 · 所辖社区: 双林社区、…": the role and the scope by name, as plain text."""
    stations, communities = dict(choices.stations), dict(choices.communities)
    where = scope = t(f"scope.{access['scope_kind']}")
    if access["scope_kind"] == "station":
        where = t("users.access_scope_named", scope=scope,
                  names=stations.get(access["station_id"], "?"))
    elif access["scope_kind"] == "communities":
        where = t("users.access_scope_named", scope=scope, names="、".join(
            communities.get(c, "?") for c in access["community_ids"]))
    return f"{label('role', access['role'])} · {where}"


def _fields(current: users.Access, choices: users.ScopeChoices,
            errors: dict[str, Any]) -> dict[str, Any]:
    """Role first; the scope's choices follow the role (no form: they change as it does)."""
    prefix = f"{FORM}_{current.username}"
    roles = [r.value for r in Role]
    role = st.selectbox(t("users.role"), roles, index=roles.index(current.role)
                        if current.role in roles else 0, key=f"{prefix}_role",
                        format_func=lambda r: label("role", r))
    field_error(errors, "role")
    kinds = list(users.ROLE_SCOPES[role])
    kind = st.radio(t("users.scope"), kinds, horizontal=True, key=f"{prefix}_scope_{role}",
                    index=kinds.index(current.scope_kind) if current.scope_kind in kinds else 0,
                    format_func=lambda k: t(f"scope.{k}"))
    station, picked = None, []
    if kind == "station":
        stations = dict(choices.stations)
        ids = list(stations)
        station = st.selectbox(t("users.access_station"), ids, key=f"{prefix}_station",
                               index=ids.index(current.station_id)
                               if current.station_id in ids else None,
                               placeholder=t("widget.choose"), format_func=lambda i: stations[i])
    elif kind == "communities":
        communities = dict(choices.communities)
        picked = st.multiselect(t("users.access_communities"), list(communities),
                                default=[c for c in current.community_ids if c in communities],
                                key=f"{prefix}_communities", placeholder=choose(communities),
                                format_func=lambda i: communities[i])
    field_error(errors, "scope")
    return {"role": role, "scope_kind": kind, "station_id": station,
            "community_ids": sorted(picked)}


def _review(actor: Actor, current: users.Access, wanted: dict[str, Any]) -> None:
    """Checked by the service before the confirmation is asked for: nothing is written."""
    try:
        with db_session() as s:
            users.check_access(s, actor=actor, username=current.username, **wanted)
    except ServiceError as exc:
        refused(FORM, exc)
    else:
        st.session_state[PENDING] = {"username": current.username,
                                     "version": current.version, **wanted}
        st.rerun()


def _confirm(actor: Actor, pending: dict[str, Any], current: users.Access,
             choices: users.ScopeChoices) -> None:
    before = {"role": current.role, "scope_kind": current.scope_kind,
              "station_id": current.station_id, "community_ids": current.community_ids}
    st.warning(t("users.access_confirm", username=md(current.username),
                 before=md(_describe(before, choices)), after=md(_describe(pending, choices))),
               icon=":material/manage_accounts:")
    go, back = st.columns(2)
    prefix = f"{FORM}_{current.username}"
    if back.button(t("users.access_back"), key=f"{prefix}_back"):
        st.session_state.pop(PENDING, None)
        st.rerun()
    if not go.button(t("users.access_apply"), key=f"{prefix}_apply", type="primary"):
        return
    wanted = {k: pending[k] for k in ("role", "scope_kind", "station_id", "community_ids")}
    try:
        with db_session(write=True) as s:
            users.change_access(s, actor=actor, username=current.username,
                                shown_version=pending["version"], **wanted)
    except ServiceError as exc:  # a change saved meanwhile names who and when
        st.session_state.pop(PENDING, None)
        refused(FORM, exc)
        return
    st.session_state.pop(PENDING, None)
    st.session_state["users_notice"] = ("users.access_changed", current.username)
    st.rerun()


def access_section(actor: Actor, username: str, choices: users.ScopeChoices) -> None:
    """Role and scope of the picked account, changed after a confirmation."""
    with db_session() as s:
        current = users.access_of(s, actor=actor, username=username)
    st.markdown(f"**{t('users.access_title')}**")
    errors = pop_errors(FORM)
    pending = st.session_state.get(PENDING)
    if pending and pending["username"] != username:
        st.session_state.pop(PENDING, None)  # another account was picked meanwhile
        pending = None
    wanted = _fields(current, choices, errors)
    if pending and {k: pending[k] for k in wanted} == wanted:
        _confirm(actor, pending, current, choices)
        return
    st.session_state.pop(PENDING, None)  # the choice changed after the review: review again
    if st.button(t("users.access_review"), key=f"{FORM}_{username}_review"):
        _review(actor, current, wanted)
