"""The permission matrix: every role × every service action, and every role × every page.

Figures: 0 unauthorised successes, 0 wrong refusals, 0 unguarded actions. Run with -s to
see the counts. Truth is services.core.actor.ROLE_PERMS (and each page's PageSpec.perm).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from db.engine import session_scope
from services.accounts import auth, users
from services.admin.backup import backup_sqlite
from services.core.actor import ROLE_PERMS, Perm, Role
from tests import browser_util
from tests.leads_world import build
from tests.permission_probe import SELF_SERVICE, actions, outcome, probe, world_ids
from ui.core import nav
from ui.core.i18n import translate

ROOT = Path(__file__).resolve().parent.parent
demo_dir = browser_util.demo_dir  # the session's small demo district (built once)
ROLE_OF = {"admin": Role.ADMIN, "district_sup": Role.SUPERVISOR, "officer1": Role.OFFICER,
           "grid1": Role.GRID_WORKER, "display": Role.DISPLAY}
# Guarded by a relationship to the record rather than by a role permission: a role without
# the permission may only ever get nothing (or a refusal).
RECORD_RULES = {
    "services.cases.files.list_cases": Perm.VIEW_CASES,
    "services.cases.measures.overdue_measures": Perm.VIEW_CASES,
    # every role may see leads and alerts: these follow the lead's or alert's visibility,
    # which the cross-community attempts in test_security_scope.py exercise
    "services.leads.photos.read_photo": Perm.VIEW_LEADS,
    "services.alerts.photos.read_photo": Perm.VIEW_ALERTS,
    "services.leads.tasks.team_choices": Perm.VIEW_LEADS,
}
# Business rules narrower than the role's permission (documented in their modules): who is a
# community's officer decides who reads members' data in full, so only admins set it.
ONLY = {
    "services.roster.officers.add_officer": {Role.ADMIN},
    "services.roster.officers.assign_officer": {Role.ADMIN},
    "services.roster.officers.set_officer_active": {Role.ADMIN},
}
# Roles that hold the permission but reach a record only through a relationship to it: a grid
# worker opens only the files with a measure of theirs, and the probe's grid worker has none,
# so opening the probe's file must be refused (test_cases.py opens one with a measure).
NOT_THEIRS = {"services.cases.files.open_file": {Role.GRID_WORKER}}
# Inner steps of a gated action (the form that calls them is gated), returning only choices
# any reporter sees (every role may report leads); and the dispatch of waiting leads, a system
# step (like the overdue sweep) run after a gated roster, account or rule change or by the
# inbox's sweep: it applies the admin's rules and takes `actor` only to name the cause in the
# audit trail. test_leads_waiting.py checks that those changes stay gated.
HELPERS = {"services.leads.place.place_choices", "services.leads.place.locate",
           "services.alerts.publish.recipients_for", "services.leads.waiting.dispatch_waiting"}


def _mismatch(name: str, role: Role, gate: frozenset[Perm], got: str) -> str | None:
    allowed = (bool(gate & ROLE_PERMS[role]) and role in ONLY.get(name, {role})
               and role not in NOT_THEIRS.get(name, set()))
    if name in RECORD_RULES and not allowed:
        return None if got in {"refused", "empty", "NotFound"} else "unauthorised success"
    if allowed and got == "refused":
        return "wrong refusal"
    if not allowed and got != "refused":
        return "unauthorised success"
    return None


def test_every_service_action_refuses_exactly_the_roles_without_its_permission(
    engine: Engine,
) -> None:
    with session_scope(engine, write=True) as s:
        w = build(s)
        ids = world_ids(s, w)
    found = actions()
    checked, problems, unguarded = 0, [], []
    for action in found:
        if action.name in SELF_SERVICE or action.name in HELPERS:
            continue
        probe(action, engine, w.grid1, ids)
        gate = action.gate or frozenset({RECORD_RULES.get(action.name)} - {None})
        if not gate:
            unguarded.append(f"{action.name} ({action.probe_outcome})")
            continue
        for attr, role in ROLE_OF.items():
            got = outcome(action, engine, getattr(w, attr), ids)
            checked += 1
            wrong = _mismatch(action.name, role, frozenset(gate), got)
            if wrong:
                problems.append(f"{action.name} as {role}: {wrong} ({got})")
    print(f"\nservice matrix [{engine.dialect.name}]: {len(found)} actions, {checked} "
          f"role×action checks, {len(problems)} mismatches, {len(unguarded)} unguarded")
    print("\n".join(problems + unguarded))
    assert (unguarded, problems) == ([], [])
    assert checked >= 300


@pytest.fixture(scope="module")
def demo_copy(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo district: the page runs below write refusals and sessions."""
    path = tmp_path_factory.mktemp("matrix")
    backup_sqlite(demo_dir / "pingan.db", path / "pingan.db")
    return path


WALL_PASSWORD = "Wall-screen-of-2026"


def _tokens(path: Path) -> dict[Role, str]:
    from db.engine import make_engine

    engine = make_engine(f"sqlite:///{path / 'pingan.db'}")
    names = {Role.ADMIN: "admin", Role.SUPERVISOR: "commander", Role.OFFICER: "officer",
             Role.GRID_WORKER: "grid"}
    with session_scope(engine, write=True) as s:  # the demo has no wall screen: one is made
        users.create_user(s, actor=users.SYSTEM, username="wall", display_name="指挥中心大屏",
                          role=Role.DISPLAY, password=WALL_PASSWORD)
        tokens = {role: auth.sign_in(s, username=name, password=browser_util.DEMO_PASSWORD,
                                     settings_hours=12).token for role, name in names.items()}
        tokens[Role.DISPLAY] = auth.sign_in(s, username="wall", password=WALL_PASSWORD,
                                            settings_hours=12).token
    engine.dispose()
    return tokens


def page_run(page: str, token: str, *, through_app: bool) -> AppTest:
    """A role's run of a page: from the menu (app.py, then the page) when the role has it,
    else by its direct URL (the page file alone, as on a fresh server)."""
    at = AppTest.from_file(str(ROOT / ("app.py" if through_app else page)), default_timeout=60)
    at.session_state["auth_token"] = token
    at.run()
    return at.switch_page(str(ROOT / page)).run() if through_app else at


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9Xx])\d{17}[0-9Xx](?![0-9Xx])")
# Element and widget ids are md5 hex ("$$ID-8a91…-key"): their digit runs, bounded by the
# letters a-f, can look like a phone number (a CI run found one). Nothing shown to a user is
# such a token, so they are taken out before the scan; ID numbers (digits, X) are kept.
HASH = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])[0-9a-f]{16,}(?![0-9A-Za-z])")


def shown_text(at: AppTest) -> str:
    """Everything a page put on screen: every element's text, every table's cells."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        if type(node).__name__ in {"Dataframe", "Table"}:
            parts.append(node.value.to_csv())
        elif getattr(node, "proto", None) is not None and not getattr(node, "children", None):
            parts.append(str(node.proto))

    walk(at._tree)
    return HASH.sub("<id>", "\n".join(parts))


def test_every_page_opens_exactly_for_the_roles_allowed(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    monkeypatch.setenv("PINGAN_DATABASE_URL", f"sqlite:///{demo_copy / 'pingan.db'}")
    monkeypatch.setenv("PINGAN_DATA_DIR", str(demo_copy))
    monkeypatch.setenv("PINGAN_DEMO", "1")
    st.cache_resource.clear()
    st.cache_data.clear()
    tokens = _tokens(demo_copy)
    refusal = translate("zh", "error.permission_denied")
    pages = [p for p in nav.PAGES if (ROOT / p.path).exists()]
    problems, checked, scanned, leaks = [], 0, 0, []
    for spec in pages:
        for role, token in tokens.items():
            allowed = spec.perm in ROLE_PERMS[role]
            at = page_run(spec.path, token, through_app=allowed)
            checked += 1
            refused = any(e.value == refusal for e in at.error)
            shown = len(at.dataframe) + len(at.metric) + len(at.text_input) + len(at.button)
            if at.exception:
                problems.append(f"{spec.path} as {role}: exception {at.exception[0].message}")
            elif allowed and refused:
                problems.append(f"{spec.path} as {role}: wrong refusal")
            elif not allowed and (not refused or shown):
                problems.append(f"{spec.path} as {role}: unauthorised success")
            if Perm.REVEAL_PERSONAL not in ROLE_PERMS[role]:  # no right to full numbers
                found = PHONE.findall(text := shown_text(at)) + ID_NUMBER.findall(text)
                scanned += 1
                leaks += [f"{spec.path} as {role}: {len(found)} full numbers"] if found else []
    st.cache_resource.clear()
    st.cache_data.clear()
    print(f"\npage matrix: {len(pages)} pages × {len(tokens)} roles = {checked} checks, "
          f"{len(problems)} problems; personal-data scan: {scanned} page runs without the "
          f"right to see it, {len(leaks)} showing a full phone or ID number")
    assert (problems, leaks) == ([], [])


def test_the_scan_sees_numbers_in_text_tables_and_widgets() -> None:
    """The control for the scan above: it does find full numbers wherever a page puts them."""
    at = AppTest.from_string(
        "import pandas as pd\nimport streamlit as st\n"
        "st.text('电话 13912345678')\n"
        "st.dataframe(pd.DataFrame({'证件': ['11010119900307123X']}))\n"
        "st.selectbox('队员', ['张三 13812345678'])\n"
    ).run()
    text = shown_text(at)
    assert sorted(PHONE.findall(text)) == ["13812345678", "13912345678"]
    assert ID_NUMBER.findall(text) == ["11010119900307123X"]
    # an element id whose hex digits happen to read like a phone number is not a finding
    assert PHONE.findall(HASH.sub("<id>", "$$ID-ac13912345678edb6ace1361ad1e45-key")) == []
    assert HASH.sub("<id>", "13912345678 11010119900307123X") == "13912345678 11010119900307123X"
