"""Officers' hours a week and team figures against plain Python over hand-built rows."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from db.models import Presence, Team
from services.core.errors import Invalid
from services.stats import presence, teams
from services.stats.periods import Period
from tests import factories as f
from tests import stats_world as sw

SPLIT = date(2025, 7, 1)


@pytest.fixture
def w(session: Session) -> sw.World:
    w = sw.build(session)
    rng = random.Random(3)
    oa = w.extra["officer_a"]
    ob, oc = f.officer(session, w.b), f.officer(session, w.c)
    idle = f.officer(session, w.b, assign=False)  # active, looks after no community, no time
    gone = f.officer(session, w.a, assign=False, active=False)
    for officer, community, weekly in ((oa, w.a, 45), (ob, w.b, 30), (oc, w.c, 50),
                                       (gone, w.a, 20)):
        day = date(2025, 1, 1)
        while day < sw.TODAY:
            if rng.random() < 0.5:
                sw.presence(session, officer, community, sw.at(day, 9), hours=weekly / 3.5)
            elif rng.random() < 0.1:
                sw.presence(session, officer, community, sw.at(day, 9), manual=weekly / 2)
            day += timedelta(days=1)
    sw.presence(session, oa, w.a, sw.at(date(2025, 6, 30), 23, 59), hours=2)  # before
    sw.presence(session, oa, w.a, sw.at(SPLIT, 0, 0), hours=3)  # after: starts at the split
    sw.presence(session, oa, w.a, sw.at(date(2025, 11, 28), 8))  # still checked in: 0 h
    sw.presence(session, ob, w.b, sw.at(sw.TODAY, 8), hours=5)  # today: in neither range
    w.extra.update(ob=ob, oc=oc, idle=idle, gone=gone,
                   presence=session.query(Presence).all())
    return w


def _hours(w: sw.World, officer_id: int, first: date, end: date, cids: set[int]) -> float:
    total = 0.0
    for p in w.extra["presence"]:
        if p.officer_id == officer_id and p.community_id in cids and \
                sw.at(first, 0) <= p.started_at < sw.at(end, 0):
            if p.hours is not None:
                total += p.hours
            elif p.ended_at is not None:
                total += (p.ended_at - p.started_at).total_seconds() / 3600
    return total


# Whole weeks, Monday to Sunday (docs/FIGURES.md): 1 January 2025 is a Wednesday, 1 July a
# Tuesday, TODAY (29 November) a Saturday whose week is not over.
BEFORE = (date(2025, 1, 6), date(2025, 6, 30))
AFTER = (date(2025, 7, 7), date(2025, 11, 24))


@pytest.mark.parametrize("who", ["admin", "supervisor"])
def test_hours_a_week_before_and_after(session: Session, w: sw.World, who: str) -> None:
    cids = {w.a.id, w.b.id} | ({w.c.id} if who == "admin" else set())
    got = presence.hours_change(session, actor=getattr(w, who), today=sw.TODAY, split=SPLIT)
    assert (got.before.first, got.before.end) == BEFORE
    assert (got.after.first, got.after.end) == AFTER
    officers = [w.extra["officer_a"], w.extra["ob"]] + ([w.extra["oc"]] if who == "admin" else [])
    gone = w.extra["gone"]
    for (first, end), hours, count, per_week in (
            (BEFORE, got.hours_before, got.officers_before, got.per_week_before),
            (AFTER, got.hours_after, got.officers_after, got.per_week_after)):
        expected = sum(_hours(w, o.id, first, end, cids) for o in officers + [gone])
        assert hours == pytest.approx(expected, abs=1e-3)
        # Officers of the range: the active ones looking after a community in scope, and
        # whoever logged time in it (the officer who has since left too: their hours count).
        assert _hours(w, gone.id, first, end, cids) > 0
        assert count == len(officers) + 1
        weeks = (end - first).days // 7
        assert per_week == round(expected / weeks / count, 1)


def test_per_officer_and_who_is_below_target(session: Session, w: sw.World) -> None:
    table = presence.per_officer(session, actor=w.admin, today=sw.TODAY, split=SPLIT)
    cids = {w.a.id, w.b.id, w.c.id}
    weeks_after = (AFTER[1] - AFTER[0]).days // 7
    assert set(table["officer_id"]) == {w.extra[k].id for k in ("officer_a", "ob", "oc")}
    for row in table.itertuples():
        after = _hours(w, row.officer_id, *AFTER, cids)
        # one decimal, rounded from sums that differ in the last bits (58.75 → 58.7 or 58.8)
        assert row.per_week_after == pytest.approx(after / weeks_after, abs=0.05 + 1e-6)
        assert row.below_target == (row.per_week_after < 40)
    assert table.set_index("officer_id").loc[w.extra["ob"].id, "below_target"]


def test_no_whole_week_after_the_split_gives_no_figure(session: Session, w: sw.World) -> None:
    """Four days after a Tuesday split no week is over: nothing to average, nobody below."""
    got = presence.hours_change(session, actor=w.admin, today=date(2025, 11, 22),
                                split=date(2025, 11, 18))
    assert got.after.weeks == 0 and got.per_week_after is None
    table = presence.per_officer(session, actor=w.admin, today=date(2025, 11, 22),
                                 split=date(2025, 11, 18))
    assert not table["below_target"].any()


def test_a_split_in_the_future_is_refused(session: Session, w: sw.World) -> None:
    with pytest.raises(Invalid):
        presence.hours_change(session, actor=w.admin, today=sw.TODAY, split=sw.TODAY)


def test_teams_members_leads_and_tasks(session: Session, w: sw.World) -> None:
    period = Period(date(2025, 10, 1), sw.TODAY)
    member_a = w.extra["member_a"]
    team_a_id = f.team_of(session, member_a)
    team_a = session.get(Team, team_a_id)
    other = f.member(session, team_a)
    f.member(session, team_a, active=False)
    inside, outside = sw.at(date(2025, 10, 5)), sw.at(date(2025, 9, 5))
    for when in (inside, inside, outside):
        sw.lead(session, w.a, when, reporter_user_id=w.grid_a.user_id)
    sw.lead(session, w.a, inside, reporter_member_id=other.id)
    sw.task(session, w.a, other, inside)
    sw.task(session, w.a, other, outside)
    sw.task(session, w.a, None, None)
    table = teams.per_team(session, actor=w.supervisor, period=period).set_index("team_id")
    assert table.loc[team_a_id, "active_members"] == 2
    assert table.loc[team_a_id, "leads_reported"] == 3
    assert table.loc[team_a_id, "tasks_claimed"] == 1
    members = teams.per_member(session, actor=w.supervisor, period=period, team_id=team_a_id)
    by = members.set_index("member_id")
    assert by.loc[member_a.id, "leads_reported"] == 2 and by.loc[other.id, "tasks_claimed"] == 1
    assert len(members) == 3
    assert set(teams.per_team(session, actor=w.officer_a, period=period)["team_id"]) == {
        team_a_id}
