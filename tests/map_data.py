"""Test data for the map services: leads, incident counts and alerts with valid defaults."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from db.models import Alert, Community, IncidentCount, Lead

NOW = datetime.fromisoformat("2026-03-15T04:00:00+00:00")  # 12:00 in Asia/Shanghai


def lead(s: Session, c: Community, *, at: datetime | None = None, **kw: Any) -> Lead:
    row = Lead(community_id=c.id, lat=kw.pop("lat", c.lat), lon=kw.pop("lon", c.lon),
               category=kw.pop("category", "public_order"), urgency=kw.pop("urgency", "routine"),
               description=kw.pop("description", "路灯坏了"),
               created_at=at or NOW - timedelta(hours=1), **kw)
    s.add(row)
    return row


def scatter(s: Session, c: Community, n: int, *, seed: int = 1, spread: float = 0.004,
            hours: float = 24 * 6, **kw: Any) -> list[Lead]:
    """n leads around the community centre, created over the last `hours`, mixed attributes."""
    rng = np.random.default_rng(seed)
    cats, urg, sts = ["public_order", "fraud", "fire"], ["routine", "urgent", "emergency"], \
        ["new", "dispatched", "closed", "resolved"]
    rows = [lead(s, c, lat=float(c.lat + rng.uniform(-spread, spread)),
                 lon=float(c.lon + rng.uniform(-spread, spread)),
                 category=cats[i % 3], urgency=urg[(i // 3) % 3], status=sts[(i // 2) % 4],
                 at=NOW - timedelta(hours=float(rng.uniform(0.01, hours))), **kw)
            for i in range(n)]
    s.flush()
    return rows


def incidents(s: Session, c: Community, day: date, count: int, category: str = "criminal") -> None:
    s.add(IncidentCount(day=day, category=category, community_id=c.id, count=count))
    s.flush()


def alert(s: Session, *, communities: tuple[int, ...] | list[int] = (),
          grids: tuple[int, ...] | list[int] = (), status: str = "published",
          **kw: Any) -> Alert:
    a = Alert(origin_region=kw.pop("origin_region", "外省某市"),
              title=kw.pop("title", "协查两名诈骗嫌疑人"),
              subject=kw.pop("subject", "男，约三十岁"),
              target={"community_ids": list(communities), "grid_ids": list(grids)},
              valid_from=kw.pop("valid_from", NOW - timedelta(days=1)),
              valid_to=kw.pop("valid_to", NOW + timedelta(days=6)), status=status, **kw)
    s.add(a)
    s.flush()
    return a
