"""Publishing an assist-investigation alert to 1,300 recipients (the pilot's 1+10+N size)."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import Engine, insert, text

from db.base import Base
from db.engine import make_engine, session_scope
from db.models import (
    Community,
    District,
    Member,
    Membership,
    Officer,
    PoliceOffice,
    Station,
    Subdistrict,
    Team,
    User,
)
from services import alerts
from services.accounts.auth import actor_for

COMMUNITIES = 10
MEMBERS = 1_290  # plus one officer per community: 1,300 recipients
WITH_ACCOUNT = 300  # members who sign in themselves; the rest are relayed
RUNS = 5
Report = Callable[[str, float, str, str], None]


def _fill(engine: Engine) -> int:
    """A small district with 10 communities, 10 officers, 40 teams and 1,290 members."""
    place = {"lat": 29.48, "lon": 106.48}
    with engine.begin() as c:
        c.execute(insert(District), [{"id": 1, "name": "大渡口区", **place}])
        c.execute(insert(Subdistrict), [{"id": 1, "district_id": 1, "name": "街道",
                                         "kind": "street", **place}])
        c.execute(insert(Station), [{"id": 1, "district_id": 1, "name": "派出所", **place}])
        c.execute(insert(PoliceOffice), [{"id": 1, "station_id": 1, "name": "警务室", **place}])
        c.execute(insert(Officer), [{"id": k, "name": f"民警{k}", "badge_no": f"B{k:05d}",
                                     "police_office_id": 1} for k in range(1, COMMUNITIES + 1)])
        c.execute(insert(Community), [
            {"id": k, "subdistrict_id": 1, "station_id": 1, "police_office_id": 1,
             "officer_id": k, "name": f"社区{k}", "kind": "community", **place}
            for k in range(1, COMMUNITIES + 1)])
        teams = [{"id": t, "community_id": (t - 1) // 4 + 1, "kind": "volunteer",
                  "name": f"队伍{t}"} for t in range(1, COMMUNITIES * 4 + 1)]
        c.execute(insert(Team), teams)
        c.execute(insert(Member), [
            {"id": m, "name": f"队员{m}", "phone": f"139{m:08d}",
             "skills": ["first_aid"] if m % 3 == 0 else [], "availability": {}}
            for m in range(1, MEMBERS + 1)])
        c.execute(insert(Membership), [{"member_id": m, "team_id": m % len(teams) + 1}
                                       for m in range(1, MEMBERS + 1)])
        users: list[dict[str, Any]] = [{"username": "commander", "display_name": "值班长",
                                        "password_hash": "x", "role": "supervisor",
                                        "scope_kind": "district"}]
        users += [{"username": f"o{k}", "display_name": f"民警{k}", "password_hash": "x",
                   "role": "officer", "scope_kind": "communities", "officer_id": k}
                  for k in range(1, COMMUNITIES + 1)]
        users += [{"username": f"m{m}", "display_name": f"队员{m}", "password_hash": "x",
                   "role": "grid_worker", "scope_kind": "communities", "member_id": m}
                  for m in range(1, WITH_ACCOUNT + 1)]
        c.execute(insert(User), users)
        return int(c.scalar(text("SELECT id FROM app_user WHERE username = 'commander'")))


def _publish_once(engine: Engine, commander: int) -> tuple[float, int]:
    now = datetime.now(UTC)
    with session_scope(engine, write=True) as s:
        actor = actor_for(s, s.get(User, commander))  # type: ignore[arg-type]
        draft = alerts.save_draft(
            s, actor=actor, origin_region="浙江省青溪市公安局", title="协查通报",
            subject="两名嫌疑人", valid_from=now, valid_to=now + timedelta(days=3),
            target=alerts.Target(community_ids=tuple(range(1, COMMUNITIES + 1))))
    started = time.perf_counter()
    with session_scope(engine, write=True) as s:
        _, reach = alerts.publish(s, actor=actor, alert_id=draft.id,
                                  shown_version=draft.version, now=now)
    return time.perf_counter() - started, reach.total


def _measure(name: str, engine: Engine, report: Report) -> None:
    Base.metadata.create_all(engine)
    commander = _fill(engine)
    times, total = [], 0
    for _ in range(RUNS):
        took, total = _publish_once(engine, commander)
        times.append(took)
    report(f"alerts: publish to {total} recipients, {name} (median of {RUNS})",
           median(times) * 1000, "ms", f"max {max(times) * 1000:.0f} ms; target < 1 s")


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'alerts.db'}")
        try:
            _measure("SQLite", engine, report)
        finally:
            engine.dispose()
    url = os.environ.get("PINGAN_BENCH_POSTGRES_URL")
    if url:  # a schema of its own, dropped afterwards
        schema = f"bench_alerts_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            _measure("PostgreSQL", engine, report)
        finally:
            engine.dispose()
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
