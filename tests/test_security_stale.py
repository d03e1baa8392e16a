"""Issue 14, finding 8: a stale edit (someone else saved first) is refused with who changed
the record and when, and what was typed stays; never stored nothing and said nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import LeadEvent, Member, User
from services import leads, roster
from services.core.errors import Conflict
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in, texts  # noqa: F401
from tests.leads_world import build as leads_world
from tests.roster_world import build as roster_world


def _open(username: str, page: str):  # type: ignore[no-untyped-def]
    at = sign_in(new_app(), username, f.PASSWORD)
    assert not at.exception, at.exception
    return at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()


def test_a_stale_accept_says_who_accepted_first(app_env: AppEnv) -> None:  # noqa: F811
    with app_env.session() as s:
        w = leads_world(s)
        lead = leads.report_lead(s, actor=w.grid1, category="fire", urgency="routine",
                                 description="楼道堆物")
        officer, backup = w.officer1.username, w.backup_officer
        backup_name = backup.username  # the audit trail names the account
    at = sign_in(new_app(), officer, f.PASSWORD)
    at.session_state["lead_id"] = lead.id
    at.switch_page(str(ROOT / "pages" / "lead.py")).run()
    assert "lead_do_accept" in [b.key for b in at.button]
    with app_env.session() as s:  # the other browser accepts first
        leads.act(s, actor=backup, lead_id=lead.id, action="accept",
                  shown_version=lead.version, note="")
    at.text_area(key=f"lead_note_accept_{lead.id}").input("我马上到")
    at.button(key="lead_do_accept").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert backup_name in shown and "未保存" in shown  # who, and that nothing was saved
    assert any(a.value == "我马上到" for a in at.text_area)  # what was typed, to copy
    with app_env.session() as s:
        accepts = s.scalar(select(func.count()).select_from(LeadEvent).where(
            LeadEvent.lead_id == lead.id, LeadEvent.action == "accept"))
    assert accepts == 1


def test_a_stale_member_edit_says_who_changed_it_and_keeps_the_form(
        app_env: AppEnv) -> None:  # noqa: F811
    with app_env.session() as s:
        w = roster_world(s)
        username = s.get(User, w.officer.user_id).username  # type: ignore[union-attr]
        mine = roster.community_roster(s, actor=w.officer, community_id=w.a.id)
        member = next(m for m in mine.members if m.team_id == w.response.id)
        member_id, version, team_id = member.id, member.version, w.response.id
        admin = w.admin
    at = _open(username, "community")
    at.segmented_control(key="community_section").set_value("members").run()
    at.selectbox(key="community_team").set_value(team_id).run()
    at.selectbox(key=f"member_pick_{team_id}").set_value(member_id).run()
    prefix = f"member_edit_{member_id}_{version}"
    at.text_input(key=f"{prefix}_name").input("我改的名字")
    with app_env.session() as s:  # the other browser saves first
        view = roster.community_roster(s, actor=admin, community_id=w.a.id)
        other = next(m for m in view.members if m.id == member_id)
        values = {"team_id": other.team_id, "name": "别人改的", "phone": "", "id_number": "",
                  "grid_id": other.grid_id, "skills": list(other.skills),
                  "availability": other.availability}
        roster.save_member(s, actor=admin, values=values, member_id=member_id,
                           shown_version=version, from_team_id=other.team_id)
    at.button(key=f"{prefix}_submit").click().run()
    assert not at.exception, at.exception
    assert "未保存" in texts(at)
    assert at.text_input(key=f"{prefix}_name").value == "我改的名字"  # kept
    with app_env.session() as s:
        assert s.get(Member, member_id).name == "别人改的"  # type: ignore[union-attr]
    at.button(key=f"member_reload_{member_id}").click().run()
    assert not at.exception
    fresh = f"member_edit_{member_id}_{version + 1}"
    assert at.text_input(key=f"{fresh}_name").value == "别人改的"


def test_the_service_refuses_the_stale_edit(app_env: AppEnv) -> None:  # noqa: F811
    """The control: the service itself raises the Conflict the pages now show."""
    with app_env.session() as s:
        w = leads_world(s)
        lead = leads.report_lead(s, actor=w.grid1, category="fire", urgency="routine",
                                 description="x")
        leads.act(s, actor=w.officer1, lead_id=lead.id, action="accept",
                  shown_version=lead.version, note="")
        try:
            leads.act(s, actor=w.backup_officer, lead_id=lead.id, action="accept",
                      shown_version=lead.version, note="")
        except Conflict as exc:
            assert set(exc.params) == {"who", "when"}
        else:
            raise AssertionError("no conflict")


def test_a_stale_team_edit_is_a_conflict_not_an_overwrite(app_env: AppEnv) -> None:  # noqa: F811
    """Other versioned forms carried the version read in the same run as the save, so a
    change saved meanwhile was silently overwritten (or the click was lost)."""
    from db.models import Team

    with app_env.session() as s:
        w = roster_world(s)
        username = s.get(User, w.officer.user_id).username  # type: ignore[union-attr]
        team_id, version = w.response.id, w.response.version
        admin, community = w.admin, w.a.id
    at = _open(username, "community")
    at.segmented_control(key="community_section").set_value("teams").run()
    at.selectbox(key="team_pick").set_value(team_id).run()
    prefix = f"team_{team_id}_{version}"
    at.text_input(key=f"{prefix}_name").input("我改的队名")
    with app_env.session() as s:  # the other browser saves first
        roster.save_team(s, actor=admin, community_id=community, team_id=team_id,
                         shown_version=version, values={"name": "别人改的队名",
                                                        "kind": "response_unit",
                                                        "min_size": 3,
                                                        "leader_member_id": None})
    at.button(key=f"{prefix}_submit").click().run()
    assert not at.exception, at.exception
    assert "未保存" in texts(at)
    with app_env.session() as s:
        assert s.get(Team, team_id).name == "别人改的队名"  # type: ignore[union-attr]
