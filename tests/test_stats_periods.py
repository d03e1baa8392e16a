"""Period presets and the year-before mapping (29 February → 28 February)."""

from __future__ import annotations

from datetime import date

import pytest

from services.core.errors import Invalid
from services.stats.periods import Period, custom, period_for, share

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(("preset", "first", "last"), [
    ("since_july", date(2026, 7, 1), TODAY),
    ("last_7_days", date(2026, 11, 23), TODAY),
    ("this_month", date(2026, 11, 1), TODAY),
    ("last_month", date(2026, 10, 1), date(2026, 10, 31)),
    ("this_quarter", date(2026, 10, 1), TODAY),
    ("last_quarter", date(2026, 7, 1), date(2026, 9, 30)),
    ("year_to_date", date(2026, 1, 1), TODAY),
])
def test_presets(preset: str, first: date, last: date) -> None:
    assert period_for(preset, TODAY) == Period(first, last)


def test_since_july_before_july_uses_last_july() -> None:
    assert period_for("since_july", date(2026, 3, 1)) == Period(date(2025, 7, 1), date(2026, 3, 1))
    assert period_for("last_quarter", date(2026, 2, 1)) == Period(date(2025, 10, 1),
                                                                 date(2025, 12, 31))
    assert period_for("last_month", date(2026, 1, 5)) == Period(date(2025, 12, 1),
                                                               date(2025, 12, 31))


def test_year_before_maps_the_leap_day() -> None:
    assert Period(date(2024, 2, 29), date(2024, 3, 1)).year_before() == Period(
        date(2023, 2, 28), date(2023, 3, 1))
    assert Period(date(2025, 2, 28), date(2025, 3, 1)).year_before() == Period(
        date(2024, 2, 28), date(2024, 3, 1))  # 29 February 2024 lies inside


def test_custom_ranges_are_checked_and_end_today() -> None:
    assert custom(date(2026, 11, 1), date(2027, 1, 1), TODAY).last == TODAY
    assert period_for("since_date", TODAY, first=date(2026, 9, 1)) == Period(date(2026, 9, 1),
                                                                             TODAY)
    for first, last, key in ((date(2026, 5, 2), date(2026, 5, 1), "stats.error.period_order"),
                             (date(2026, 12, 1), date(2026, 12, 2), "stats.error.period_future"),
                             (None, TODAY, "stats.error.period_missing")):
        with pytest.raises(Invalid) as exc:
            custom(first, last, TODAY)
        assert exc.value.fields == {"period": key}
    with pytest.raises(Invalid):
        period_for("fortnight", TODAY)


def test_shares_need_a_base_of_ten() -> None:
    assert share(3, 9) is None and share(3, 10) == 30.0 and share(1, 3000) == 0.0
