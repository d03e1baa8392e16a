"""Home-page headline figures, checked against counts made by hand, and their scopes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from db.models import IncidentCount, Lead
from services.core.leadstate import DONE_STATUSES, OPEN_STATUSES
from services.leads.common import STATUSES
from services.stats import home
from tests import factories as f

NOW = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def _lead(s, c, *, created, status="dispatched", dispatch_s=10.0, accept_due=None,
          resolve_due=None, reporter=None):  # type: ignore[no-untyped-def]
    lead = Lead(community_id=c.id, lat=c.lat, lon=c.lon, category="other", urgency="routine",
                description="x", status=status, created_at=created,
                dispatched_at=created + timedelta(seconds=dispatch_s),
                accept_due_at=accept_due, resolve_due_at=resolve_due,
                reporter_user_id=reporter)
    s.add(lead)
    s.flush()
    return lead


def test_status_groups_cover_every_status_once() -> None:
    assert sorted(OPEN_STATUSES + DONE_STATUSES) == sorted(STATUSES)


def test_headline_counts_match_the_rows_for_each_scope(session) -> None:  # type: ignore[no-untyped-def]
    c1, c2 = f.community(session), f.community(session)
    boss = f.actor(session, f.user(session, "supervisor"))
    mine = f.actor(session, f.user(session, "officer", communities=[c1]))
    today_morning = datetime(2026, 11, 28, 17, 30, tzinfo=UTC)  # 01:30 on the 29th in Shanghai
    _lead(session, c1, created=today_morning, dispatch_s=4)
    _lead(session, c1, created=NOW - timedelta(days=2), dispatch_s=8,
          accept_due=NOW - timedelta(hours=1))  # overdue: not accepted in time
    _lead(session, c1, created=NOW - timedelta(days=3), status="closed", dispatch_s=30,
          resolve_due=NOW - timedelta(days=1))  # done: never overdue
    _lead(session, c2, created=NOW - timedelta(hours=20), status="accepted", dispatch_s=2,
          resolve_due=NOW - timedelta(minutes=5))  # yesterday in Shanghai, overdue
    _lead(session, c2, created=NOW - timedelta(days=40), dispatch_s=500)  # outside 30 days

    whole = home.headline(session, actor=boss, now=NOW)
    assert (whole.leads_open, whole.leads_today, whole.overdue) == (4, 1, 2)
    assert whole.median_dispatch_s == 8.0  # of 4, 8, 30, 2 -> nearest rank of the middle
    assert whole.p90_dispatch_s == 30.0
    own = home.headline(session, actor=mine, now=NOW)
    assert (own.leads_open, own.leads_today, own.overdue) == (2, 1, 1)
    assert own.median_dispatch_s == 8.0


def test_incidents_year_to_date_against_the_same_days_last_year(session) -> None:  # type: ignore[no-untyped-def]
    c1, c2 = f.community(session), f.community(session)
    rows = [(date(2026, 1, 1), c1, 5), (date(2026, 11, 29), c1, 3), (date(2026, 11, 30), c1, 99),
            (date(2025, 1, 1), c1, 7), (date(2025, 11, 29), c2, 2), (date(2025, 11, 30), c1, 50),
            (date(2025, 12, 31), c2, 40)]
    for day, c, n in rows:
        session.add(IncidentCount(day=day, category="criminal", community_id=c.id, count=n))
    session.flush()
    boss = f.actor(session, f.user(session, "supervisor"))
    figures = home.headline(session, actor=boss, now=NOW)
    assert (figures.incidents_ytd, figures.incidents_ytd_last_year) == (8, 9)
    mine = f.actor(session, f.user(session, "officer", communities=[c2]))
    own = home.headline(session, actor=mine, now=NOW)
    assert (own.incidents_ytd, own.incidents_ytd_last_year) == (0, 2)


def test_a_grid_worker_counts_only_their_own_reports(session) -> None:  # type: ignore[no-untyped-def]
    c = f.community(session)
    worker = f.user(session, "grid_worker", communities=[c])
    _lead(session, c, created=NOW - timedelta(hours=1), reporter=worker.id)
    _lead(session, c, created=NOW - timedelta(hours=1))
    figures = home.headline(session, actor=f.actor(session, worker), now=NOW)
    assert figures.leads_open == 1
