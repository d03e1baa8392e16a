"""Roster tables: the district view's frame, a community's 1 + 10 + N, its gaps, exports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import roster
from services.core.actor import Actor
from services.core.errors import ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import label, lang, t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.widgets import show_error, table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def gap_text(gaps: roster.Gaps) -> str:
    """The gaps in one line, in the user's language; empty when there are none."""
    parts = []
    if gaps.no_officer:
        parts.append(t("roster.gap_no_officer"))
    if gaps.no_response_unit:
        parts.append(t("roster.gap_no_response_unit"))
    if gaps.short_teams:
        parts.append(t("roster.gap_short_teams", teams=t("roster.name_sep").join(gaps.short_teams)))
    if gaps.empty_grids:
        parts.append(t("roster.gap_empty_grids", grids=t("roster.name_sep").join(gaps.empty_grids)))
    return t("roster.list_sep").join(parts)


def district_frame(rows: list[roster.CommunitySummary]) -> pd.DataFrame:
    return pd.DataFrame({
        t("roster.col_community"): [place(r.name, r.name_en) for r in rows],
        t("roster.col_kind"): [t(f"roster.community_kind.{r.kind}") for r in rows],
        t("roster.col_officer"): [r.officer or "—" for r in rows],
        t("roster.col_teams"): [r.teams for r in rows],
        t("roster.col_members"): [r.members for r in rows],
        t("roster.col_grids"): [f"{r.grids_covered}/{r.grids}" for r in rows],
        t("roster.col_units"): [r.units for r in rows],
        t("roster.col_gaps"): [r.gaps.count for r in rows],
        t("roster.col_gap_detail"): [gap_text(r.gaps) for r in rows],
    })


def show_gaps(gaps: roster.Gaps) -> None:
    if gaps.count:
        st.warning(t("roster.gaps_title", n=gaps.count), icon=":material/warning:")
        st.text(gap_text(gaps))
    else:
        st.success(t("roster.no_gaps"), icon=":material/check_circle:")


def officers_block(view: roster.CommunityRoster) -> None:
    st.subheader(t("roster.the_one"))
    if not view.officers:
        st.caption(t("roster.no_officer_yet"))
    for o in view.officers:
        flags = [t(f"roster.officer_role.{o.role}")]
        if o.is_deputy_secretary:
            flags.append(t("roster.deputy_secretary"))
        flags.append(t("roster.on_duty") if o.on_duty else t("roster.off_duty"))
        if not o.active:
            flags.append(t("roster.inactive"))
        st.text(f"{o.name}（{o.badge_no}） {o.phone_masked}  ·  " + " · ".join(flags))
    st.caption(t("roster.police_office", office=md(place(view.police_office))))


def teams_frame(view: roster.CommunityRoster) -> pd.DataFrame:
    teams = view.teams
    return pd.DataFrame({
        t("roster.col_team"): [x.name for x in teams],
        t("roster.col_kind"): [label("roster.kind", x.kind) for x in teams],
        t("roster.col_leader"): [x.leader or "—" for x in teams],
        t("roster.col_active_members"): [x.active_members for x in teams],
        t("roster.col_min_size"): [x.min_size for x in teams],
        t("roster.col_grids_covered"): [t("roster.name_sep").join(x.grids_covered) for x in teams],
        t("roster.col_status"): [t("roster.inactive") if not x.active else
                                 (t("roster.short") if x.short else t("roster.ok"))
                                 for x in teams],
    })


def units_frame(view: roster.CommunityRoster) -> pd.DataFrame:
    units = view.units
    return pd.DataFrame({
        t("roster.col_unit"): [u.name for u in units],
        t("roster.col_kind"): [label("roster.unit_kind", u.kind) for u in units],
        t("roster.col_contact"): [u.contact_name for u in units],
        t("roster.col_phone"): [u.phone_masked for u in units],
        t("roster.col_services"): [t("roster.name_sep").join(u.services) for u in units],
        t("roster.col_status"): [t("roster.ok") if u.active else t("roster.inactive")
                                 for u in units],
    })


def overview(view: roster.CommunityRoster) -> None:
    """The 1 (officers), the 10 (teams), the N (social units)."""
    officers_block(view)
    st.subheader(t("roster.the_ten"))
    table(teams_frame(view), empty="roster.empty_teams", hide_index=True, key="community_teams")
    st.subheader(t("roster.the_n"))
    if view.units:
        st.dataframe(units_frame(view), hide_index=True, key="community_units")
    else:
        st.caption(t("roster.no_units"))


def export_box(actor: Actor, community_ids: list[int] | None, can_full: bool,
               key: str) -> None:
    """Members or social units to CSV or Excel: what the user may see, audited."""
    with st.expander(t("roster.export")):
        left, mid, right = st.columns(3)
        what = left.radio(t("roster.export_what"), ["members", "units"], key=f"{key}_what",
                          format_func=lambda v: t(f"roster.export_{v}"))
        fmt = mid.radio(t("roster.export_format"), ["xlsx", "csv"], key=f"{key}_fmt",
                        format_func=str.upper)
        full = right.checkbox(t("roster.export_full"), key=f"{key}_full",
                              help=t("roster.export_full_help")) if can_full else False
        if st.button(t("roster.export_prepare"), key=f"{key}_go"):
            columns = (roster.export.MEMBER_COLUMNS if what == "members"
                       else roster.export.UNIT_COLUMNS)
            headers = {c: t(f"roster.col_{c}") for c in columns}
            try:
                with db_session(write=True) as s:  # the export itself is audited
                    data, n = roster.export_roster(s, actor=actor, what=what, fmt=fmt,
                                                   community_ids=community_ids, full=full,
                                                   headers=headers, label=label,
                                                   lang=lang())
            except ServiceError as exc:
                show_error(exc)
            else:
                st.session_state[f"{key}_file"] = (data, what, fmt, n)
        ready = st.session_state.get(f"{key}_file")
        if ready:
            data, what, fmt, n = ready
            st.caption(t("roster.export_ready", n=n))
            st.download_button(t(f"common.download_{fmt}"), data, file_name=f"{what}.{fmt}",
                               mime="text/csv" if fmt == "csv" else XLSX, key=f"{key}_dl")
