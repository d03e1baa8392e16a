"""One week everywhere: whole weeks, Monday to Sunday; the week not over is shown apart "so
far" and counts in no average, on the presence page and in the statistics alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from db.models import Presence
from services import presence
from services.core import clock
from services.core.clock import TZ
from services.stats import presence as stats_presence
from tests import factories as f
from tests.apptest_util import app_env  # noqa: F401

THURSDAY = date(2025, 11, 27)  # its week (from Monday 24 November) is not over
SPLIT = date(2025, 10, 27)  # a Monday: four whole weeks to 23 November


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


def _days(s: Session, officer_id: int, community_id: int, first: date, n: int,
          hours: float) -> None:
    for k in range(n):
        day = first + timedelta(days=k)
        start = _at(day, 8)
        s.add(Presence(officer_id=officer_id, community_id=community_id, started_at=start,
                       ended_at=start + timedelta(hours=hours), source="checkin"))
    s.flush()


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    st = f.station(session)
    c1, c2 = f.community(session, station_=st), f.community(session, station_=st)
    keen, busy = f.officer(session, c1), f.officer(session, c2)
    for k in range(4):  # whole weeks: 5 × 8.4 h = 42 h for one, 5 × 6 h = 30 h for the other
        monday = SPLIT + timedelta(weeks=k)
        _days(session, keen.id, c1.id, monday, 5, 8.4)
        _days(session, busy.id, c2.id, monday, 5, 6.0)
    _days(session, keen.id, c1.id, date(2025, 11, 24), 3, 8.4)  # Monday to Wednesday: 25.2 h
    _days(session, busy.id, c2.id, date(2025, 11, 24), 3, 8.4)
    boss = f.actor(session, f.user(session, "supervisor", station_=st))
    return boss, keen, busy


def test_whole_weeks() -> None:
    assert clock.whole_weeks(date(2025, 7, 1), THURSDAY) == (date(2025, 7, 7),
                                                             date(2025, 11, 24))
    assert clock.whole_weeks(SPLIT, THURSDAY) == (SPLIT, date(2025, 11, 24))
    assert clock.whole_weeks(date(2025, 11, 25), THURSDAY) == (date(2025, 12, 1),
                                                               date(2025, 12, 1))  # none
    assert clock.week_start(date(2025, 11, 30)) == date(2025, 11, 24)  # Sunday ends it


def test_the_presence_page_and_the_statistics_agree(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    boss, keen, busy = world
    frame = presence.weekly_hours(session, actor=boss, weeks=5, today=THURSDAY)
    assert frame.loc[frame["week"] == date(2025, 11, 24), "so_far"].all()
    assert not frame.loc[frame["week"] < date(2025, 11, 24), "so_far"].any()
    table = presence.weekly_table(frame).set_index("badge_no")
    stats = stats_presence.per_officer(session, actor=boss, today=THURSDAY,
                                       split=SPLIT).set_index("badge_no")
    for officer, average in ((keen, 42.0), (busy, 30.0)):
        assert table.loc[officer.badge_no, "average"] == average
        assert stats.loc[officer.badge_no, "per_week_after"] == average
        assert table.loc[officer.badge_no, "so_far"] == 25.2  # shown, not averaged
    assert list(table["below_target"]) == list(stats["below_target"]) == [False, True]
    change = stats_presence.hours_change(session, actor=boss, today=THURSDAY, split=SPLIT)
    assert (change.after.first, change.after.end, change.after.weeks) == (
        SPLIT, date(2025, 11, 24), 4)
    assert change.per_week_after == 36.0  # (42 + 30) / 2


def test_a_week_in_the_past_is_whole(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    boss, keen, _busy = world
    frame = presence.weekly_hours(session, actor=boss, last_week=SPLIT, weeks=1,
                                  today=THURSDAY)
    assert not frame["so_far"].any()
    table = presence.weekly_table(frame)
    assert "so_far" not in table.columns
    assert table.set_index("badge_no").loc[keen.badge_no, "average"] == 42.0


def test_the_presence_page_shows_the_current_week_apart(app_env) -> None:  # type: ignore[no-untyped-def]
    from tests.apptest_util import ROOT, new_app, sign_in

    this_monday = clock.week_start(clock.local_today())
    with app_env.session() as s:
        st = f.station(s)
        c1 = f.community(s, station_=st)
        keen = f.officer(s, c1)
        for k in range(1, 5):
            _days(s, keen.id, c1.id, this_monday - timedelta(weeks=k), 5, 8.4)
        f.user(s, "supervisor", station_=st, username="boss")
    at = sign_in(new_app(), "boss", f.PASSWORD)
    at = at.switch_page(str(ROOT / "pages/presence.py")).run()
    assert not at.exception
    assert at.metric[0].value == "0 / 1"  # 42 h a whole week; the week so far counts in no average
    columns = list(at.dataframe[0].value.columns)
    assert f"本周至今（{this_monday.isoformat()} 起）" in columns
    weeks = [c for c in columns if c[:2] == "20"]
    assert len(weeks) == 4 and this_monday.isoformat() not in weeks
