"""Time in the community: check-in/out, weekly entries, hours per Asia/Shanghai week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditLog, Presence
from services import presence
from services.core.clock import TZ
from services.core.errors import Invalid, PermissionDenied
from tests import factories as f

MONDAY = date(2025, 3, 10)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


def _world(s):  # type: ignore[no-untyped-def]
    st = f.station(s)
    c1, c2, other = f.community(s, station_=st), f.community(s, station_=st), f.community(s)
    o1, o2, o3 = f.officer(s, c1), f.officer(s, c2), f.officer(s, other)
    me = f.actor(s, f.user(s, "officer", communities=[c1], officer_id=o1.id))
    boss = f.actor(s, f.user(s, "supervisor", station_=st))
    return c1, me, boss, (o1, o2, o3)


def _span(s, officer, community, start: datetime, end: datetime | None) -> None:  # type: ignore[no-untyped-def]
    s.add(Presence(officer_id=officer.id, community_id=community.id, started_at=start,
                   ended_at=end, source="checkin"))
    s.flush()


def test_split_by_day_cuts_at_shanghai_midnight_not_utc() -> None:
    # 23:00 to 01:30 in Shanghai is 15:00 to 17:30 UTC: one UTC day, two local days.
    got = presence.split_by_day(local(MONDAY, 23), local(MONDAY + timedelta(days=1), 1, 30))
    assert got == {MONDAY: 1.0, MONDAY + timedelta(days=1): 1.5}


def test_weekly_hours_split_across_midnight_and_the_week_boundary(session) -> None:  # type: ignore[no-untyped-def]
    c, me, _boss, (o1, _o2, _o3) = _world(session)
    sunday = MONDAY - timedelta(days=1)
    _span(session, o1, c, local(sunday, 22), local(MONDAY, 3))  # 2 h last week, 3 h this
    _span(session, o1, c, local(MONDAY, 9), local(MONDAY, 17, 30))  # 8.5 h
    sun, next_monday = MONDAY + timedelta(days=6), MONDAY + timedelta(days=7)
    _span(session, o1, c, local(sun, 23), local(next_monday, 1))  # 1 h this week, 1 h next
    _span(session, o1, c, local(MONDAY + timedelta(days=2), 8), None)  # still open: not counted
    frame = presence.weekly_hours(session, actor=me, last_week=MONDAY, weeks=2)
    hours = dict(zip(frame["week"], frame["hours"], strict=True))
    assert hours == {MONDAY - timedelta(days=7): 2.0, MONDAY: 3.0 + 8.5 + 1.0}
    week = presence.week_detail(session, actor=me, week_of=MONDAY + timedelta(days=3))
    assert week.days[0] == (MONDAY, 11.5) and week.days[6] == (MONDAY + timedelta(days=6), 1.0)
    assert week.total == 12.5


def test_check_in_and_out(session) -> None:  # type: ignore[no-untyped-def]
    c, me, _boss, _o = _world(session)
    start = local(MONDAY, 8)
    presence.check_in(session, actor=me, community_id=c.id, now=start)
    with pytest.raises(Invalid) as again:
        presence.check_in(session, actor=me, community_id=c.id, now=start)
    assert again.value.key == "presence.already_in"
    assert presence.status(session, actor=me).since == start
    with pytest.raises(Invalid) as forgot:  # 20 hours later: say when you left
        presence.check_out(session, actor=me, now=start + timedelta(hours=20))
    assert forgot.value.fields == {"left_at": "presence.too_long"}
    hours = presence.check_out(session, actor=me, now=start + timedelta(hours=20),
                               left_at=start + timedelta(hours=9))
    assert hours == 9.0 and presence.status(session, actor=me).presence_id is None
    with pytest.raises(Invalid):
        presence.check_out(session, actor=me, now=start + timedelta(hours=21))
    actions = session.scalars(select(AuditLog.action).where(AuditLog.entity == "presence")).all()
    assert actions == ["presence.check_in", "presence.check_out"]


def test_weekly_entry_adds_once_per_week_with_a_reason(session) -> None:  # type: ignore[no-untyped-def]
    c, me, _boss, (o1, _o2, _o3) = _world(session)
    _span(session, o1, c, local(MONDAY, 9), local(MONDAY, 19))
    now = local(MONDAY + timedelta(days=8), 9)
    with pytest.raises(Invalid) as bad:
        presence.enter_week(session, actor=me, week_of=MONDAY, hours=0, reason=" ", now=now)
    assert bad.value.fields == {"hours": "presence.bad_hours", "reason": "error.required"}
    with pytest.raises(Invalid) as future:
        presence.enter_week(session, actor=me, week_of=MONDAY + timedelta(days=14), hours=5,
                            reason="下沉", now=now)
    assert "week" in future.value.fields
    presence.enter_week(session, actor=me, week_of=MONDAY + timedelta(days=4), hours=20,
                        reason="手机没电，未能打卡", now=now)
    presence.enter_week(session, actor=me, week_of=MONDAY, hours=25, reason="更正", now=now)
    assert session.scalar(select(func.count()).select_from(Presence)
                          .where(Presence.source == "manual")) == 1
    frame = presence.weekly_hours(session, actor=me, last_week=MONDAY, weeks=1)
    assert frame.loc[0, "hours"] == 35.0 and frame.loc[0, "manual_hours"] == 25.0
    assert frame.loc[0, "below_target"]  # 35 h < 40 h
    with pytest.raises(Invalid) as over:
        presence.enter_week(session, actor=me, week_of=MONDAY, hours=160, reason="x", now=now)
    assert over.value.fields == {"hours": "presence.week_over"}


def test_supervisor_sees_officers_of_the_scope_against_target(session) -> None:  # type: ignore[no-untyped-def]
    c, me, boss, (o1, o2, o3) = _world(session)
    for k in range(5):  # o1: 5 × 8.5 h = 42.5 h
        day = MONDAY + timedelta(days=k)
        _span(session, o1, c, local(day, 8), local(day, 16, 30))
    frame = presence.weekly_hours(session, actor=boss, last_week=MONDAY, weeks=1)
    assert set(frame["officer_id"]) == {o1.id, o2.id}  # o3 is another station's
    table = presence.weekly_table(frame)
    row = table.set_index("badge_no").loc[o1.badge_no]
    assert row[MONDAY.isoformat()] == 42.5 and not row["below_target"]
    assert table.set_index("badge_no").loc[o2.badge_no, "below_target"]
    mine = presence.weekly_hours(session, actor=me, last_week=MONDAY, weeks=1)
    assert list(mine["officer_id"]) == [o1.id]


def test_grid_worker_cannot_log_or_read_presence(session) -> None:  # type: ignore[no-untyped-def]
    c, _me, _boss, _o = _world(session)
    gw = f.actor(session, f.user(session, "grid_worker", communities=[c]))
    with pytest.raises(PermissionDenied):
        presence.check_in(session, actor=gw, community_id=c.id)
    with pytest.raises(PermissionDenied):
        presence.weekly_hours(session, actor=gw)
