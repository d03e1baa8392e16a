"""The command board's services: sections, shift figures, alarm acknowledgement, reassigning
several leads, and the officer's en route / on scene steps; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Lead, LeadEvent
from services import board, leads
from services.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from tests import factories as f
from tests.leads_world import World, build

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai: the day shift of 2 March
ALL = board.BoardFilters()


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _report(s: Session, w: World, urgency: str, *, at: datetime = T0, grid=None):  # type: ignore[no-untyped-def]
    return leads.report_lead(s, actor=grid or w.grid1, category="fire", urgency=urgency,
                             description="楼道电动车充电", now=at)


def _ids(section: board.Section) -> list[int]:
    return [r.id for r in section.rows]


def test_waiting_lists_emergency_then_urgent_then_routine_with_who_it_went_to(
        session: Session, w: World) -> None:
    routine = _report(session, w, "routine")
    urgent = _report(session, w, "urgent", at=T0 + timedelta(seconds=1))
    emergency = _report(session, w, "emergency", at=T0 + timedelta(seconds=2))
    b = board.board(session, actor=w.district_sup, filters=ALL, now=T0 + timedelta(minutes=1))
    assert _ids(b.waiting) == [emergency.id, urgent.id, routine.id]
    assert b.waiting.total == 3
    first = b.waiting.rows[0]
    assert first.assignee == w.o1.name and first.due_at == emergency.accept_due_at
    assert (b.in_progress.total, b.late.total) == (0, 0)


def test_a_lead_past_its_accept_deadline_moves_to_the_late_section_counted_by_station(
        session: Session, w: World) -> None:
    emergency = _report(session, w, "emergency")
    routine = _report(session, w, "routine")
    later = T0 + timedelta(minutes=6)  # the emergency had 5 minutes to be accepted
    b = board.board(session, actor=w.district_sup, filters=ALL, now=later)
    assert _ids(b.waiting) == [routine.id]
    assert _ids(b.late) == [emergency.id]
    assert b.late_by_station == ((w.station.name, 1),)
    leads.act(session, actor=w.district_sup, lead_id=routine.id, action="escalate",
              shown_version=routine.version, note="需要所里处理", now=T0)
    b = board.board(session, actor=w.district_sup, filters=ALL, now=T0)
    assert set(_ids(b.late)) == {routine.id} and _ids(b.waiting) == [emergency.id]


def test_in_progress_shows_the_last_step_and_when(session: Session, w: World) -> None:
    lead = _report(session, w, "urgent")
    at = T0 + timedelta(minutes=3)
    lead = leads.act(session, actor=w.officer1, lead_id=lead.id, action="accept",
                     shown_version=lead.version, now=at)
    leads.act(session, actor=w.officer1, lead_id=lead.id, action="en_route",
              shown_version=lead.version, now=at + timedelta(minutes=1))
    b = board.board(session, actor=w.district_sup, filters=ALL, now=at + timedelta(minutes=2))
    assert _ids(b.in_progress) == [lead.id] and b.waiting.total == 0
    row = b.in_progress.rows[0]
    assert (row.last_action, row.last_at) == ("en_route", at + timedelta(minutes=1))
    assert row.due_at == lead.resolve_due_at


def test_scope_and_filters_limit_every_section(session: Session, w: World) -> None:
    in_c1 = _report(session, w, "urgent")
    in_c2 = _report(session, w, "urgent", grid=w.grid2)
    only_c2 = f.actor(session, f.user(session, "supervisor", communities=[w.c2]))
    assert _ids(board.board(session, actor=only_c2, filters=ALL, now=T0).waiting) == [in_c2.id]
    routine_only = board.BoardFilters(urgencies=("routine",))
    assert board.board(session, actor=w.district_sup, filters=routine_only,
                       now=T0).waiting.total == 0
    station = board.BoardFilters(station_ids=(w.station.id,))
    assert set(_ids(board.board(session, actor=w.district_sup, filters=station,
                                now=T0).waiting)) == {in_c1.id, in_c2.id}
    other = f.station(session)
    assert board.board(session, actor=w.district_sup, filters=board.BoardFilters(
        station_ids=(other.id,)), now=T0).waiting.total == 0


def test_only_supervisors_admins_see_the_board(session: Session, w: World) -> None:
    for who in (w.officer1, w.grid1):
        with pytest.raises(PermissionDenied):
            board.board(session, actor=who, filters=ALL)
    board.board(session, actor=w.admin, filters=ALL)


def test_an_emergency_sounds_until_a_supervisor_acknowledges_it(
        session: Session, w: World) -> None:
    emergency = _report(session, w, "emergency")
    urgent = _report(session, w, "urgent", at=T0 + timedelta(seconds=5))
    b = board.alarm(session, actor=w.district_sup, filters=ALL, now=T0 + timedelta(minutes=1))
    assert [a.id for a in b.alarms] == [emergency.id]
    assert b.newest_urgent == urgent.id
    with pytest.raises(PermissionDenied):
        board.acknowledge(session, actor=w.officer1, lead_id=emergency.id)
    with pytest.raises(Invalid):
        board.acknowledge(session, actor=w.district_sup, lead_id=urgent.id)
    at = T0 + timedelta(minutes=2)
    done = board.acknowledge(session, actor=w.district_sup, lead_id=emergency.id, now=at)
    assert (done.by, done.at) == (w.district_sup.display_name, at)
    again = board.acknowledge(session, actor=w.supervisor, lead_id=emergency.id)
    assert (again.by, again.at) == (w.district_sup.display_name, at)  # the first one stands
    events = session.execute(select(LeadEvent.actor_user_id, LeadEvent.at).where(
        LeadEvent.lead_id == emergency.id, LeadEvent.action == board.ACK)).all()
    assert events == [(w.district_sup.user_id, at)]
    audited = session.scalars(select(AuditLog.actor_user_id).where(
        AuditLog.action == "leads.board_ack", AuditLog.entity_id == str(emergency.id))).all()
    assert audited == [w.district_sup.user_id]
    b = board.board(session, actor=w.district_sup, filters=ALL, now=at)
    assert board.alarm(session, actor=w.district_sup, filters=ALL, now=at).alarms == ()
    assert _ids(b.waiting)[0] == emergency.id  # still waiting, now quiet
    assert session.get(Lead, emergency.id).status == "dispatched"  # type: ignore[union-attr]


def test_accepting_an_emergency_stops_its_alarm_and_old_ones_do_not_sound(
        session: Session, w: World) -> None:
    old = _report(session, w, "emergency", at=T0 - timedelta(hours=13))
    fresh = _report(session, w, "emergency")
    assert [a.id for a in board.alarm(session, actor=w.district_sup, filters=ALL,
                                      now=T0).alarms] == [fresh.id]
    leads.act(session, actor=w.officer1, lead_id=fresh.id, action="accept",
              shown_version=fresh.version, now=T0)
    assert board.alarm(session, actor=w.district_sup, filters=ALL, now=T0).alarms == ()
    assert old.id  # past the window: it is in the late section instead


def test_acknowledging_out_of_scope_is_not_found(session: Session, w: World) -> None:
    lead = _report(session, w, "emergency", grid=w.grid2)
    only_c1 = f.actor(session, f.user(session, "supervisor", communities=[w.c1]))
    with pytest.raises(NotFound):
        board.acknowledge(session, actor=only_c1, lead_id=lead.id)
    assert session.scalar(select(LeadEvent.id).where(LeadEvent.action == board.ACK)) is None


def test_several_leads_are_reassigned_at_once_or_none_is(session: Session, w: World) -> None:
    a = _report(session, w, "urgent")
    b = _report(session, w, "routine")
    n = board.reassign_many(session, actor=w.district_sup, shown={a.id: a.version,
                                                                  b.id: b.version},
                            officer_id=w.backup.id, now=T0)
    assert n == 2
    rows = session.execute(select(Lead.assigned_officer_id, Lead.dispatch_rule).where(
        Lead.id.in_([a.id, b.id]))).all()
    assert rows == [(w.backup.id, "manual")] * 2
    assert len(session.scalars(select(AuditLog.id).where(
        AuditLog.action == "leads.reassign")).all()) == 2
    c = _report(session, w, "urgent")
    stale = {c.id: c.version, a.id: a.version}  # a changed since it was shown
    with pytest.raises(Conflict) as caught:
        with session.begin_nested():
            board.reassign_many(session, actor=w.district_sup, shown=stale, officer_id=w.o1.id)
    assert caught.value.params["lead"] == a.id
    assert session.get(Lead, c.id).assigned_officer_id == w.o1.id  # type: ignore[union-attr]
    with pytest.raises(Invalid):
        board.reassign_many(session, actor=w.district_sup, shown={}, officer_id=w.o1.id)
    with pytest.raises(PermissionDenied):
        board.reassign_many(session, actor=w.officer1, shown={c.id: c.version},
                            officer_id=w.o2.id)


def test_reassigning_to_an_officer_outside_the_scope_is_refused(
        session: Session, w: World) -> None:
    lead = _report(session, w, "urgent")
    elsewhere = f.officer(session, f.community(session, station_=f.station(session)))
    with pytest.raises(Invalid):
        board.reassign_many(session, actor=w.supervisor, shown={lead.id: lead.version},
                            officer_id=elsewhere.id)
    assert session.get(Lead, lead.id).assigned_officer_id == w.o1.id  # type: ignore[union-attr]


def test_shift_figures_count_the_shift_in_scope(session: Session, w: World) -> None:
    before = _report(session, w, "urgent", at=T0 - timedelta(hours=4))  # 07:00: night shift
    a = _report(session, w, "urgent")
    b = _report(session, w, "emergency", at=T0 + timedelta(minutes=1))
    leads.act(session, actor=w.officer1, lead_id=a.id, action="accept",
              shown_version=a.version, now=T0 + timedelta(minutes=10))
    late = leads.act(session, actor=w.officer1, lead_id=b.id, action="accept",
                     shown_version=b.version, now=T0 + timedelta(minutes=20))
    leads.act(session, actor=w.officer1, lead_id=b.id, action="on_scene",
              shown_version=late.version, now=T0 + timedelta(minutes=31))
    leads.act(session, actor=w.district_sup, lead_id=before.id, action="escalate",
              shown_version=before.version, note="夜班遗留", now=T0 + timedelta(minutes=2))
    fig = board.shift_figures(session, actor=w.district_sup, filters=ALL,
                              now=T0 + timedelta(hours=1))
    assert (fig.shift.kind, fig.shift.day) == ("day", date(2026, 3, 2))
    assert (fig.reported, fig.dispatched, fig.accepted, fig.accepted_in_time) == (2, 2, 2, 1)
    assert fig.median_dispatch_s == 0.0
    assert fig.median_accept_s in (600.0, 1140.0)  # nearest rank of two
    assert fig.median_to_scene_s == 1800.0
    assert fig.escalations == 1
    only_c2 = f.actor(session, f.user(session, "supervisor", communities=[w.c2]))
    assert board.shift_figures(session, actor=only_c2, filters=ALL,
                               now=T0 + timedelta(hours=1)).reported == 0


def test_shifts_change_at_eight_and_twenty_shanghai_time() -> None:
    assert board.shift_at(datetime(2026, 3, 2, 0, 0, tzinfo=UTC)).kind == "day"  # 08:00
    night = board.shift_at(datetime(2026, 3, 1, 23, 59, tzinfo=UTC))  # 07:59 on 2 March
    assert (night.kind, night.day) == ("night", date(2026, 3, 1))
    assert night.end == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert board.shift_at(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)).day == date(2026, 3, 2)
    with pytest.raises(Invalid):
        board.shift(date(2026, 3, 2), "evening")


def test_en_route_and_on_scene_are_timed_steps_of_the_holder_only(
        session: Session, w: World) -> None:
    lead = _report(session, w, "urgent")
    with pytest.raises(Invalid):  # not accepted yet
        leads.act(session, actor=w.officer1, lead_id=lead.id, action="en_route",
                  shown_version=lead.version)
    lead = leads.act(session, actor=w.officer1, lead_id=lead.id, action="accept",
                     shown_version=lead.version, now=T0)
    with pytest.raises(Invalid):  # someone else's lead
        leads.act(session, actor=w.backup_officer, lead_id=lead.id, action="on_scene",
                  shown_version=lead.version)
    with pytest.raises(PermissionDenied):
        leads.act(session, actor=w.district_sup, lead_id=lead.id, action="on_scene",
                  shown_version=lead.version)
    for i, step in enumerate(("en_route", "on_scene")):
        after = leads.act(session, actor=w.officer1, lead_id=lead.id, action=step,
                          shown_version=lead.version, now=T0 + timedelta(minutes=i + 1))
        assert (after.status, after.version) == ("accepted", lead.version)
    steps = session.execute(select(LeadEvent.action, LeadEvent.at, LeadEvent.actor_user_id)
                            .where(LeadEvent.lead_id == lead.id,
                                   LeadEvent.action.in_(("en_route", "on_scene")))
                            .order_by(LeadEvent.id)).all()
    assert steps == [("en_route", T0 + timedelta(minutes=1), w.officer1.user_id),
                     ("on_scene", T0 + timedelta(minutes=2), w.officer1.user_id)]


def _states(b: board.Board) -> dict[int, tuple[str, datetime | None, int | None]]:
    return {u.id: (u.state, u.since, u.lead_id) for u in b.officers}


def test_units_show_each_officer_state_and_since_when(session: Session, w: World) -> None:
    from services import presence

    session.get(type(w.o2), w.o2.id).on_duty = False  # type: ignore[union-attr]
    presence.check_in(session, actor=w.backup_officer, community_id=w.c1.id, now=T0)
    lead = _report(session, w, "urgent")
    states = _states(board.board(session, actor=w.district_sup, filters=ALL, now=T0))
    assert states[w.o1.id] == ("on_duty", None, None)
    assert states[w.o2.id] == ("off_duty", None, None)
    assert states[w.backup.id] == ("in_community", T0, None)
    at = T0 + timedelta(minutes=2)
    lead = leads.act(session, actor=w.officer1, lead_id=lead.id, action="accept",
                     shown_version=lead.version, now=at)
    assert _states(board.board(session, actor=w.district_sup, filters=ALL, now=at))[
        w.o1.id] == ("on_lead", at, lead.id)
    for i, step in enumerate(("en_route", "on_scene"), start=1):
        leads.act(session, actor=w.officer1, lead_id=lead.id, action=step,
                  shown_version=lead.version, now=at + timedelta(minutes=i))
        assert _states(board.board(session, actor=w.district_sup, filters=ALL, now=at))[
            w.o1.id] == (step, at + timedelta(minutes=i), lead.id)
    leads.act(session, actor=w.officer1, lead_id=lead.id, action="resolve",
              shown_version=lead.version, note="已处理", now=at + timedelta(minutes=9))
    assert _states(board.board(session, actor=w.district_sup, filters=ALL, now=at))[
        w.o1.id] == ("on_duty", None, None)  # the lead is done: available again
    only_c2 = f.actor(session, f.user(session, "supervisor", communities=[w.c2]))
    assert set(_states(board.board(session, actor=only_c2, filters=ALL, now=at))) == {w.o2.id}


def test_units_show_teams_on_a_claimed_task(session: Session, w: World) -> None:
    lead = _report(session, w, "routine")
    task_id = leads.create_task(session, actor=w.officer1, lead_id=lead.id, title="排查楼道",
                                team_id=w.team1.id)
    teams = {u.id: u.state for u in board.board(session, actor=w.district_sup, filters=ALL,
                                                 now=T0).teams}
    assert set(teams.values()) == {"standing_by"} and len(teams) == 2
    leads.claim_task(session, actor=w.grid1, task_id=task_id, shown_version=1, now=T0)
    team = next(u for u in board.board(session, actor=w.district_sup, filters=ALL,
                                       now=T0).teams if u.id == w.team1.id)
    assert (team.state, team.since, team.lead_id) == ("on_task", T0, lead.id)


def test_a_display_account_is_not_signed_out_when_idle_but_is_at_the_session_limit(
        session: Session, w: World) -> None:
    from services.accounts import auth
    from services.core.actor import Role

    start = datetime.now(UTC)
    wall = f.user(session, Role.DISPLAY.value)
    clerk = f.user(session, "supervisor")
    tokens = {u.id: auth.sign_in(session, username=u.username, password=f.PASSWORD,
                                 settings_hours=12, now=start).token for u in (wall, clerk)}
    later = start + timedelta(hours=3)  # far past a 30-minute idle limit
    assert auth.check_session(session, token=tokens[wall.id], idle_minutes=30,
                              now=later).actor is not None
    idle = auth.check_session(session, token=tokens[clerk.id], idle_minutes=30, now=later)
    assert idle.actor is None and idle.end_reason == "idle"
    ended = auth.check_session(session, token=tokens[wall.id], idle_minutes=30,
                               now=start + timedelta(hours=12, seconds=1))
    assert ended.actor is None and ended.end_reason == "expired"


def test_a_display_account_views_the_board_and_acts_on_nothing(
        session: Session, w: World) -> None:
    lead = _report(session, w, "emergency")
    b = board.board(session, actor=w.display, filters=ALL, now=T0)
    assert _ids(b.waiting) == [lead.id]
    assert [a.id for a in board.alarm(session, actor=w.display, filters=ALL,
                                           now=T0).alarms] == [lead.id]
    assert board.board_choices(session, actor=w.display).officers == ()
    with pytest.raises(PermissionDenied):
        board.acknowledge(session, actor=w.display, lead_id=lead.id)
    with pytest.raises(PermissionDenied):
        board.reassign_many(session, actor=w.display, shown={lead.id: lead.version},
                            officer_id=w.o2.id)
    for action in ("accept", "escalate", "comment", "reassign"):
        with pytest.raises(PermissionDenied):
            leads.act(session, actor=w.display, lead_id=lead.id, action=action,
                      shown_version=lead.version, note="x", officer_id=w.o2.id)
    with pytest.raises(PermissionDenied):
        leads.get_lead(session, actor=w.display, lead_id=lead.id)


def test_each_user_saves_their_own_board_filters(session: Session, w: World) -> None:
    assert board.saved_filters(session, actor=w.district_sup) is None
    mine = board.BoardFilters(station_ids=(w.station.id,), urgencies=("urgent", "emergency"))
    board.save_filters(session, actor=w.district_sup, filters=mine)
    got = board.saved_filters(session, actor=w.district_sup)
    assert got == board.BoardFilters(station_ids=(w.station.id,),
                                      urgencies=("emergency", "urgent"))
    assert board.saved_filters(session, actor=w.supervisor) is None  # not someone else's
    with pytest.raises(Invalid):
        board.save_filters(session, actor=w.district_sup,
                           filters=board.BoardFilters(urgencies=("<script>",)))
    with pytest.raises(PermissionDenied):
        board.save_filters(session, actor=w.officer1, filters=mine)
    assert session.scalars(select(AuditLog.action).where(
        AuditLog.action == "board.save_filters")).all() == ["board.save_filters"]
