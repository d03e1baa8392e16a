"""The demo district gives the bureau's figures: −31.9 %, −14.3 %, +3.5 points, 6 h → 40+ h."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import User
from services.accounts.auth import actor_for
from services.stats import disputes, incidents, presence
from services.stats.periods import period_for

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from services.demo import load_demo

    path: Path = tmp_path_factory.mktemp("stats_demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    load_demo(engine, leads=800, today=TODAY)
    yield engine
    engine.dispose()


def _commander(engine: Engine):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return actor_for(s, s.scalars(select(User).where(User.username == "commander")).one())


def test_since_july_gives_the_bureaus_figures(demo: Engine) -> None:
    actor = _commander(demo)
    period = period_for("since_july", TODAY)
    with session_scope(demo) as s:
        inc = incidents.compare_incidents(s, actor=actor, period=period)
        res = disputes.resolution_change(s, actor=actor, period=period)
        hours = presence.hours_change(s, actor=actor, today=TODAY)
    assert inc.by_category["criminal"].pct == -31.9
    assert inc.by_category["public_order"].pct == -14.3
    assert res.points == 3.5
    assert hours.per_week_before == 6.0
    assert hours.per_week_after is not None and hours.per_week_after >= 40


def test_the_parts_add_up_to_the_whole(demo: Engine) -> None:
    actor = _commander(demo)
    period = period_for("since_july", TODAY)
    with session_scope(demo) as s:
        whole = incidents.compare_incidents(s, actor=actor, period=period)
        table = incidents.incidents_by_community(s, actor=actor, period=period)
        trend = incidents.monthly_trend(s, actor=actor, through=TODAY)
    crim = table[table["category"] == "criminal"]
    assert crim["this"].sum() == whole.by_category["criminal"].this
    assert crim["before"].sum() == whole.by_category["criminal"].before
    since = trend[(trend["year"] == 2026) & (trend["month"] >= 7)]
    assert since["count"].sum() == whole.total.this
