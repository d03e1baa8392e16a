"""People, not rows: one person serves in several teams; the migration keeps every member."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import AuditLog, Community, Member, Membership, Team
from services import roster
from services.core.errors import Invalid, NotFound
from services.roster.coverage import counts_by_community
from tests import factories as f
from tests.conftest import BACKENDS, PG_URL, _drop_pg, _pg_engine
from tests.roster_world import build, id_number


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):  # type: ignore[no-untyped-def]
    from db.engine import make_engine

    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield eng
        eng.dispose()
        return
    eng, schema = _pg_engine(PG_URL)  # type: ignore[arg-type]
    yield eng
    eng.dispose()
    _drop_pg(PG_URL, schema)  # type: ignore[arg-type]


def _teams(session: Session, member: Member) -> set[int]:
    return set(session.scalars(select(Membership.team_id)
                               .where(Membership.member_id == member.id)))


def test_the_migration_keeps_every_member_and_their_team(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0007")
    with Session(empty_engine) as s:  # the organisation's tables are as they were at 0007
        c = f.community(s, station_=f.station(s))
        teams = [f.team(s, c, "patrol").id, f.team(s, c, "mediator").id]
        s.commit()
    with empty_engine.begin() as c:
        for m, t in ((1, 1), (2, 2), (3, 1)):
            c.execute(text(
                "INSERT INTO member (id, name, phone, id_number, team_id, skills, availability,"
                " active, created_at, version) VALUES (:m, :n, '13800000000', :i, :t, '[]', "
                "'{}', :a, '2026-01-02 03:04:05', 1)"),
                {"m": m, "n": f"p{m}", "i": id_number(m), "t": teams[t - 1], "a": m != 3})
    upgrade(empty_engine)
    with empty_engine.connect() as c:
        rows = c.execute(text("SELECT member_id, team_id FROM membership ORDER BY member_id"))
        assert [tuple(r) for r in rows] == [(1, teams[0]), (2, teams[1]), (3, teams[0])]
        people = c.execute(text("SELECT id, name, active FROM member ORDER BY id")).all()
        assert [tuple(r) for r in people] == [(1, "p1", True), (2, "p2", True), (3, "p3", False)]


def test_one_person_in_two_teams_is_listed_under_each_and_counted_once(
        session: Session) -> None:
    w = build(session)
    zhang = w.members[0]
    assert roster.join_member(session, actor=w.officer, member_id=zhang.id, team_id=w.patrol.id)
    assert not roster.join_member(session, actor=w.officer, member_id=zhang.id,
                                  team_id=w.patrol.id)  # already there: nothing changes
    assert _teams(session, zhang) == {w.response.id, w.patrol.id}
    view = roster.community_roster(session, actor=w.officer, community_id=w.a.id)
    assert sorted(m.team_id for m in view.members if m.id == zhang.id) == sorted(
        [w.response.id, w.patrol.id])
    counts = {t.id: t.active_members for t in view.teams}
    assert counts == {w.response.id: 3, w.patrol.id: 2}
    assert counts_by_community(session, Community.id == w.a.id)[w.a.id]["members"] == 4
    helpers = roster.who_can_help(session, actor=w.officer, community_ids=[w.a.id])
    assert [h.member_id for h in helpers].count(zhang.id) == 1
    joined = session.scalars(select(AuditLog).where(AuditLog.action == "roster.member_join"))
    assert [e.after for e in joined] == [{"team_id": w.patrol.id}]


def test_leaving_a_team_is_explicit_and_the_last_team_cannot_be_left(session: Session) -> None:
    w = build(session)
    zhang = w.members[0]
    with pytest.raises(Invalid) as caught:
        roster.leave_team(session, actor=w.officer, member_id=zhang.id, team_id=w.response.id)
    assert caught.value.fields == {"team_id": "roster_people.last_team"}
    roster.join_member(session, actor=w.officer, member_id=zhang.id, team_id=w.patrol.id)
    w.patrol.leader_member_id = zhang.id
    session.flush()
    roster.leave_team(session, actor=w.officer, member_id=zhang.id, team_id=w.patrol.id)
    session.expire_all()
    assert _teams(session, zhang) == {w.response.id}
    assert session.get(Team, w.patrol.id).leader_member_id is None  # type: ignore[union-attr]
    assert session.get(Member, zhang.id).active  # type: ignore[union-attr]
    left = session.scalars(select(AuditLog).where(AuditLog.action == "roster.member_leave"))
    assert [e.before for e in left] == [{"team_id": w.patrol.id}]
    with pytest.raises(NotFound):  # not in that team (any more)
        roster.leave_team(session, actor=w.officer, member_id=zhang.id, team_id=w.patrol.id)


def test_another_communitys_team_or_person_is_out_of_reach(session: Session) -> None:
    w = build(session)
    far_team = f.team(session, w.far)
    stranger = f.member(session, far_team, name="远方")
    with pytest.raises(NotFound):
        roster.join_member(session, actor=w.officer, member_id=w.members[0].id,
                           team_id=far_team.id)
    with pytest.raises(NotFound):
        roster.join_member(session, actor=w.officer, member_id=stranger.id,
                           team_id=w.patrol.id)
    assert _teams(session, w.members[0]) == {w.response.id}
    assert _teams(session, stranger) == {far_team.id}


def test_a_person_serving_in_two_communities_is_seen_from_both(session: Session) -> None:
    w = build(session)
    team_b = session.scalar(select(Team).where(Team.community_id == w.b.id))
    assert team_b is not None
    zhang = w.members[0]
    roster.join_member(session, actor=w.officer_b, member_id=zhang.id, team_id=team_b.id)
    in_b = roster.community_roster(session, actor=w.officer_b, community_id=w.b.id)
    assert [m.team_id for m in in_b.members if m.id == zhang.id] == [team_b.id]
    in_a = roster.community_roster(session, actor=w.officer, community_id=w.a.id)
    assert [m.team_id for m in in_a.members if m.id == zhang.id] == [w.response.id]
    # the officer of a edits the person through a's roster; their team in b stays
    roster.save_member(session, actor=w.officer, member_id=zhang.id,
                       shown_version=session.get(Member, zhang.id).version,  # type: ignore[union-attr]
                       from_team_id=w.response.id,
                       values={"name": "张三", "team_id": w.patrol.id, "skills": [],
                               "grid_id": None, "availability": {}})
    assert _teams(session, zhang) == {w.patrol.id, team_b.id}
