"""The community page's sections: members, teams, social units, the officer."""

from __future__ import annotations

from typing import Any

import streamlit as st

from services import roster
from services.core.actor import Actor
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.versions import seen_key, seen_version
from ui.core.widgets import field_error, pop_errors, table
from ui.roster.bulk import bulk_editor
from ui.roster.forms import (
    active_button,
    add_member_form,
    edit_member_form,
    reveal_buttons,
    save,
    team_buttons,
)
from ui.roster.views import teams_frame


def _pick(title: str, records: list[Any], key: str, name: Any) -> Any:
    """Choose one record (by id) to edit, deactivate or reveal."""
    ids = [r.id for r in records]
    chosen = st.selectbox(title, ids, index=None, key=key, placeholder=t("roster.choose"),
                          format_func=lambda i: name(next(r for r in records if r.id == i)))
    return next((r for r in records if r.id == chosen), None)


def _follow_team() -> None:
    """The add form's team follows the team being looked at."""
    st.session_state["member_add_team"] = st.session_state.get("community_team")


def members(actor: Actor, view: roster.CommunityRoster) -> None:
    teams = [x for x in view.teams if x.active]
    if not teams:
        st.info(t("roster.no_teams_yet"))
        return
    names = {x.id: x.name for x in teams}
    team_id = st.selectbox(t("roster.f_team"), list(names), format_func=lambda i: names[i],
                           key="community_team", on_change=_follow_team)
    team = next(x for x in teams if x.id == team_id)
    st.metric(t("roster.team_count", team=md(team.name)), team.active_members)
    st.caption(t("roster.min_size_delta", n=team.min_size))
    if team.short:
        st.warning(t("roster.team_short", n=team.min_size - team.active_members))
    bulk_editor(actor, view, team)
    if view.can_edit:
        add_member_form(actor, view, team.id)
    in_team = [m for m in view.members if m.team_id == team.id]
    member = _pick(t("roster.pick_member"), in_team, f"member_pick_{team.id}",
                   lambda m: m.name + ("" if m.active else f"（{t('roster.inactive')}）"))
    if member is None:
        return
    if view.can_reveal:
        reveal_buttons(actor, "member", member.id, ("phone", "id_number"))
    if view.can_edit:
        edit_member_form(actor, view, member)
        team_buttons(actor, view, member)
        active_button(actor, "member", member.id, member.version, member.active, member.name)


def _team_form(actor: Actor, view: roster.CommunityRoster, team: roster.TeamView | None) -> None:
    form = f"team_{team.id if team else 'new'}"
    seen = seen_version("team", team.id, team.version) if team else None
    prefix = f"{form}_{seen or 0}"  # the version drawn before: a stale click lands
    errors = pop_errors(form)
    with st.form(prefix, enter_to_submit=False):
        st.text_input(t("roster.f_team_name"), value=team.name if team else "",
                      key=f"{prefix}_name", max_chars=64)
        field_error(errors, "name")
        kinds = list(roster.TEAM_KINDS)
        st.selectbox(t("roster.f_kind"), kinds, key=f"{prefix}_kind",
                     index=kinds.index(team.kind) if team and team.kind in kinds else 0,
                     format_func=lambda k: label("roster.kind", k))
        field_error(errors, "kind")
        st.number_input(t("roster.f_min_size"), min_value=0, max_value=500, step=1,
                        value=team.min_size if team else 3, key=f"{prefix}_min")
        field_error(errors, "min_size")
        leaders: dict[int | None, str] = {None: t("common.none")}
        if team:
            leaders.update({m.id: m.name for m in view.members
                            if m.team_id == team.id and m.active})
        st.selectbox(t("roster.f_leader"), list(leaders), format_func=lambda i: leaders[i],
                     key=f"{prefix}_leader", disabled=team is None,
                     index=list(leaders).index(team.leader_member_id)
                     if team and team.leader_member_id in leaders else 0)
        field_error(errors, "leader_member_id")
        go = st.form_submit_button(t("common.save"), key=f"{prefix}_submit", type="primary")
    if go:
        s_ = st.session_state
        values = {"name": s_.get(f"{prefix}_name"), "kind": s_.get(f"{prefix}_kind"),
                  "min_size": s_.get(f"{prefix}_min"),
                  "leader_member_id": s_.get(f"{prefix}_leader")}
        save(form, lambda s: roster.save_team(
            s, actor=actor, community_id=view.id, values=values,
            team_id=team.id if team else None, shown_version=seen),
            t("roster.saved", name=str(values["name"] or "").strip()),
            [f"{prefix}_name"] if team is None else [seen_key("team", team.id)])


def teams(actor: Actor, view: roster.CommunityRoster) -> None:
    table(teams_frame(view), empty="roster.empty_teams", hide_index=True, key="teams_table")
    if not view.can_edit:
        return
    with st.expander(t("roster.add_team")):
        _team_form(actor, view, None)
    team = _pick(t("roster.pick_team"), view.teams, "team_pick", lambda x: x.name)
    if team is not None:
        _team_form(actor, view, team)
        active_button(actor, "team", team.id, team.version, team.active, team.name)
