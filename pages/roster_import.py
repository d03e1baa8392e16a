"""Import members or social units from CSV or Excel: map columns, preview, then import."""

import streamlit as st

from services import roster
from services.core.actor import Perm
from services.core.errors import Invalid, ServiceError
from ui.core.bridge import db_session
from ui.core.i18n import t
from ui.core.places import place
from ui.core.widgets import show_error
from ui.roster.common import import_aliases
from ui.roster.import_review import check_bar, counts, decisions, show_changes
from ui.roster.imports import (
    bad_rows_table,
    finished,
    load_file,
    mapping_widgets,
    run,
    show_notes,
    template_buttons,
)
from ui.shell import guard

actor = guard.require(Perm.EDIT_ROSTER)
st.title(t("page.roster_import"))
st.caption(t("roster.imp.intro"))

kind = st.segmented_control(t("roster.imp.kind"), ["members", "units"], key="imp_kind",
                            default="members", format_func=lambda k: t(f"roster.imp.kind_{k}"))
kind = kind or "members"
template_buttons(kind)

with db_session() as s:
    choices = roster.community_names(s, actor=actor)
names: dict[int | None, str] = {None: t("roster.imp.community_from_file")}
names.update({cid: place(n, en) for cid, n, en in choices})
default = 1 if len(choices) == 1 else 0
community = st.selectbox(t("roster.imp.community"), list(names), format_func=lambda i: names[i],
                         key="imp_community", index=default, help=t("roster.imp.community_help"))

loaded = load_file()
if loaded is None:
    st.stop()
table, ident = loaded
st.caption(t("roster.imp.file_rows", rows=len(table.rows), columns=len(table.headers)))
show_notes(table.notes)
errors = st.session_state.pop("imp_map_errors", {})
mapping = mapping_widgets(kind, table, errors)
signature = (ident, kind, tuple(sorted(mapping.items(), key=lambda kv: kv[0])), community)

if st.button(t("roster.imp.check"), key="imp_check", type="primary"):
    checking = check_bar(len(table.rows))
    try:  # writing: out-of-scope ID matches are audited (and counted against a daily limit)
        with db_session(write=True) as s:
            plan = roster.preview_import(
                s, actor=actor, kind=kind, table=table, mapping=mapping,
                default_community=community, aliases=import_aliases(), progress=checking)
    except Invalid as exc:
        st.session_state["imp_map_errors"] = dict(exc.fields)
        st.rerun()
    except ServiceError as exc:
        show_error(exc)
    else:
        st.session_state["imp_plan"] = (signature, plan)

saved = st.session_state.get("imp_plan")
if not saved or saved[0] != signature:
    st.stop()  # the file, the kind, the mapping or the community changed: check again
plan = saved[1]
# The run an import button started draws only what the import needs (the decisions' values,
# the button, its progress) and then the result in place: the plan's tables would be stale.
importing = bool(st.session_state.get("imp_commit_valid") or st.session_state.get("imp_commit"))
if not importing:
    counts(plan)
    show_changes(plan)
chosen = decisions(plan)
undecided = len(plan.undecided) - len(chosen)
good = len(plan.rows) - len(plan.bad) - undecided
if undecided and not plan.bad:
    st.stop()  # every possible match needs a yes or no first
if plan.bad and not good:
    st.error(t("roster.imp.all_bad"))
    bad_rows_table(plan.bad, key="imp_bad_rows")
    st.stop()
if not plan.bad and plan.count("add") + plan.count("update") + len(chosen) == 0:
    st.info(t("roster.imp.nothing_to_do"))
    st.stop()
if plan.bad and not importing:
    st.warning(t("roster.imp.has_bad", bad=len(plan.bad), good=good))
    bad_rows_table(plan.bad, key="imp_bad_rows")
slot = st.empty()  # the button, until its import is done
if plan.bad:  # the button says what it leaves out: pressing it is the explicit choice
    start = slot.button(t("roster.imp.commit_valid", n=good, bad=len(plan.bad)),
                        key="imp_commit_valid")
else:
    start = slot.button(t("roster.imp.commit", n=len(plan.rows)), key="imp_commit",
                        type="primary")
if start:
    summary = run(actor, kind, table, mapping, community, valid_only=bool(plan.bad),
                  decisions=chosen)
    if summary is not None:
        slot.empty()
        finished(summary)
