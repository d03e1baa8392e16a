"""Issue 17: a table with nothing in it is a sentence, not Streamlit's grey 'empty' grid. Every
page runs for every role that may open it, over a district with people and no records but an
assistance file and a dispute, each with nothing recorded under it (opened on their pages)."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.proto.Dataframe_pb2 import Dataframe as DataframeProto
from streamlit.testing.v1 import AppTest

from services import disputes
from services.accounts import auth
from services.cases import files as cases
from services.core.actor import ROLE_PERMS, Role
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env  # noqa: F401
from ui.core import nav
from ui.core.i18n import translate

ROLES = [Role.ADMIN, Role.SUPERVISOR, Role.OFFICER, Role.GRID_WORKER, Role.DISPLAY]
# How a page opens the one record of the world: a link's ?id=, or the first row of its list.
OPENED: dict[str, tuple[str, str]] = {"pages/cases.py": ("row", "cases_table")}
SAID = {"pages/cases.py": "cases.empty_visits", "pages/disputes.py": "disputes.empty_steps"}


@pytest.fixture
def tokens(app_env: AppEnv) -> dict[Role, str]:  # noqa: F811
    """A district with a station, a community, a grid and an officer; nothing recorded yet."""
    with app_env.session() as s:
        f.district(s)
        station = f.station(s)
        community = f.community(s, station_=station)
        f.grid(s, community)
        f.officer(s, community)
        names = {}
        for role in ROLES:
            scoped = role in {Role.OFFICER, Role.GRID_WORKER}
            u = f.user(s, role, communities=[community] if scoped else None)
            names[role] = u.username
            if role == Role.ADMIN:
                admin = f.actor(s, u)
        cases.open_case(s, actor=admin, community_id=community.id, household="王家",
                        needs="独居老人")
        dispute = disputes.record_dispute(s, actor=admin, community_id=community.id,
                                          kind="neighbour", address="双林路1号",
                                          description="楼道堆物",
                                          parties=[{"name": "王大明"}])
        OPENED["pages/disputes.py"] = ("query", str(dispute.id))
    with app_env.session() as s:
        return {role: auth.sign_in(s, username=name, password=f.PASSWORD,
                                   settings_hours=12).token for role, name in names.items()}


def _empty_tables(at: AppTest) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        if type(node).__name__ not in {"Dataframe", "Table"} or len(node.value):
            return
        if getattr(node.proto, "editing_mode", 0) != DataframeProto.EditingMode.DYNAMIC:
            # (a form's grid to add rows to draws a row to type in, not 'empty')
            found.append(str(getattr(node, "key", None) or node.proto.id))

    walk(at._tree)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_an_empty_table(tokens: dict[Role, str], role: Role,
                                      tmp_path) -> None:  # type: ignore[no-untyped-def]
    router = tmp_path / "router.py"  # outside the project root: every run goes through app.py
    router.write_text(f"import runpy\nrunpy.run_path({str(ROOT / 'app.py')!r})\n")
    empty: dict[str, list[str]] = {}
    for spec in nav.PAGES:
        if spec.perm not in ROLE_PERMS[role] or not (ROOT / spec.path).exists():
            continue
        at = AppTest.from_file(str(router), default_timeout=120)
        at.session_state["auth_token"] = tokens[role]
        at.run()
        how, what = OPENED.get(spec.path, ("", ""))
        if how == "query":
            at.query_params["id"] = what
        at.switch_page(str(ROOT / spec.path)).run()
        opened = how == "query"
        if how == "row" and what in [d.key for d in at.dataframe]:  # the role's list has it
            at.session_state[what] = {"selection": {"rows": [0], "columns": []}}
            at.run()
            opened = True
        assert not at.exception, (spec.path, at.exception)
        if opened:  # the record is open, and says what it has not
            assert translate("zh", SAID[spec.path]) in [c.value for c in at.caption], spec.path
        if tables := _empty_tables(at):
            empty[spec.path] = tables
    assert empty == {}
