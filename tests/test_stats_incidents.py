"""Incident figures against sums over the hand-built rows: periods, leap day, small bases, scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from services.core.errors import NotFound, PermissionDenied
from services.stats import incidents
from services.stats.periods import Period, pct_change
from tests import stats_world as sw


def ref_year_before(d: date) -> date:
    if (d.month, d.day) == (2, 29):
        return date(d.year - 1, 2, 28)
    return date(d.year - 1, d.month, d.day)


def ref_sum(w: sw.World, first: date, last: date, cat: str | None = None,
            cids: set[int] | None = None) -> int:
    return sum(n for d, c, cid, n in w.incidents
               if first <= d <= last and (cat is None or c == cat)
               and (cids is None or cid in cids))


def ref_pct(this: int, before: int) -> float | None:
    return None if before < 10 else round((this - before) * 100 / before, 1)


@pytest.fixture
def w(session: Session) -> sw.World:
    return sw.build(session)


PERIODS = [
    Period(date(2025, 7, 1), sw.TODAY),  # since July
    Period(date(2024, 2, 29), date(2024, 2, 29)),  # the leap day itself, against 28 Feb 2023
    Period(date(2025, 2, 1), date(2025, 3, 31)),  # a year before spans 29 February 2024
    Period(date(2025, 4, 1), date(2025, 4, 30)),  # the empty month
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label())
def test_each_category_matches_the_rows(session: Session, w: sw.World, period: Period) -> None:
    got = incidents.compare_incidents(session, actor=w.admin, period=period)
    bf = (ref_year_before(period.first), ref_year_before(period.last))
    assert (got.before.first, got.before.last) == bf
    for cat in sw.CATS:
        this, before = ref_sum(w, period.first, period.last, cat), ref_sum(w, *bf, cat)
        change = got.by_category[cat]
        assert (change.this, change.before, change.diff) == (this, before, this - before)
        assert change.pct == ref_pct(this, before)
        assert change.small_base == (before < 10)
    assert got.total.this == ref_sum(w, period.first, period.last)


def test_leap_day_counts_are_kept_and_the_year_before_ends_on_28_february(
        session: Session, w: sw.World) -> None:
    got = incidents.compare_incidents(session, actor=w.admin,
                                      period=Period(date(2024, 2, 29), date(2024, 2, 29)))
    assert got.total.this == ref_sum(w, date(2024, 2, 29), date(2024, 2, 29)) > 0
    assert got.before == Period(date(2023, 2, 28), date(2023, 2, 28))
    assert got.total.before == 0 and got.total.pct is None  # nothing in 2023: a small base


def test_by_community_lists_every_community_with_zeros_and_small_bases(
        session: Session, w: sw.World) -> None:
    period = Period(date(2025, 1, 1), date(2025, 6, 30))
    table = incidents.incidents_by_community(session, actor=w.admin, period=period)
    assert len(table) == 3 * 3
    bf = (ref_year_before(period.first), ref_year_before(period.last))
    for row in table.itertuples():
        this = ref_sum(w, period.first, period.last, row.category, {row.community_id})
        before = ref_sum(w, *bf, row.category, {row.community_id})
        assert (row.this, row.before, row.diff) == (this, before, this - before)
        assert (None if row.pct != row.pct else row.pct) == ref_pct(this, before)
    c_rows = table[table["community_id"] == w.c.id]
    assert (c_rows["before"] == 0).all() and c_rows["small_base"].all()  # no incidents in 2024
    assert (c_rows["this"] > 0).all()
    b_rows = table[table["community_id"] == w.b.id]
    assert b_rows["small_base"].all()  # a base under 10: counts only


def test_ranking_by_rate_per_thousand_residents_with_a_minimum_count(
        session: Session, w: sw.World) -> None:
    period = Period(date(2025, 7, 1), sw.TODAY)
    table = incidents.community_ranking(session, actor=w.admin, period=period, min_count=10)
    pops = {w.a.id: 5000, w.b.id: 1200, w.c.id: 3000}
    expected = {cid: ref_sum(w, period.first, period.last, cids={cid}) for cid in pops}
    ranked = [cid for cid in sorted(pops, key=lambda c: -expected[c] / pops[c])
              if expected[cid] >= 10]
    assert table[table["ranked"]]["community_id"].tolist() == ranked
    for row in table.itertuples():
        assert row.count == expected[row.community_id]
        assert row.rate_per_1000 == pytest.approx(expected[row.community_id] * 1000
                                                  / pops[row.community_id], abs=0.005)
    b = table[table["community_id"] == w.b.id].iloc[0]
    assert not b["ranked"] and b["count"] < 10 and b["rank"] != b["rank"]  # NaN rank


def test_monthly_trend_has_every_month_and_zero_for_the_empty_one(
        session: Session, w: sw.World) -> None:
    table = incidents.monthly_trend(session, actor=w.admin, through=sw.TODAY)
    assert len(table) == (12 + 11) * 3  # 2024 in full, 2025 to November
    for row in table.itertuples():
        first = date(row.year, row.month, 1)
        nxt = date(row.year + row.month // 12, row.month % 12 + 1, 1)
        last = min(date.fromordinal(nxt.toordinal() - 1), sw.TODAY)
        assert row.count == ref_sum(w, first, last, row.category), (row.year, row.month)
    april = table[(table["year"] == 2025) & (table["month"] == 4)]
    assert (april["count"] == 0).all()


def test_scope_limits_every_figure(session: Session, w: sw.World) -> None:
    period = Period(date(2025, 7, 1), sw.TODAY)
    mine = incidents.compare_incidents(session, actor=w.officer_a, period=period)
    assert mine.total.this == ref_sum(w, period.first, period.last, cids={w.a.id})
    station = incidents.compare_incidents(session, actor=w.supervisor, period=period)
    assert station.total.this == ref_sum(w, period.first, period.last, cids={w.a.id, w.b.id})
    narrowed = incidents.compare_incidents(session, actor=w.admin, period=period,
                                           communities=[w.c.id])
    assert narrowed.total.this == ref_sum(w, period.first, period.last, cids={w.c.id})
    table = incidents.incidents_by_community(session, actor=w.officer_a, period=period)
    assert set(table["community_id"]) == {w.a.id}
    with pytest.raises(NotFound):
        incidents.compare_incidents(session, actor=w.officer_a, period=period,
                                    communities=[w.b.id])
    with pytest.raises(PermissionDenied):
        incidents.compare_incidents(session, actor=w.grid_a, period=period)


def test_percentages_follow_the_definition() -> None:
    assert pct_change(68, 100) == -32.0 and pct_change(5, 9) is None
    assert pct_change(0, 10) == -100.0 and pct_change(12, 10) == 20.0
