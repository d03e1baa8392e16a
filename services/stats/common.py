"""Shared pieces of the statistics: the scope filter, community lists, a period's UTC bounds."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from db.models import Community, Station
from services import clock
from services.actor import Actor, Perm, require
from services.scope import check_community, community_filter
from services.stats.periods import Period, pct_change


@dataclass(frozen=True)
class Change:
    """A count this period against the same period a year before."""

    this: int
    before: int

    @property
    def diff(self) -> int:
        return self.this - self.before

    @property
    def pct(self) -> float | None:
        return pct_change(self.this, self.before)

    @property
    def small_base(self) -> bool:
        return self.pct is None


def in_scope(actor: Actor, column: Any,
             communities: Collection[int] | None = None) -> ColumnElement[bool]:
    """The actor's scope, narrowed to the chosen communities (each must lie in the scope)."""
    base = community_filter(actor, column)
    if communities is None:
        return base
    for community_id in communities:
        check_community(actor, community_id)
    return and_(base, column.in_(sorted(communities)))


def bounds(period: Period) -> tuple[datetime, datetime]:
    """[start of the first day, start of the day after the last) in UTC."""
    return clock.day_range(period.first, period.last)


def communities_frame(session: Session, *, actor: Actor,
                      communities: Collection[int] | None = None) -> pd.DataFrame:
    """The communities in scope: id, names, kind, station and population."""
    require(actor, Perm.VIEW_STATS)
    rows = session.execute(
        select(Community.id, Community.name, Community.name_en, Community.kind,
               Community.station_id, Station.name.label("station"),
               Station.name_en.label("station_en"), Community.population)
        .join(Station, Station.id == Community.station_id)
        .where(in_scope(actor, Community.id, communities))
        .order_by(Community.station_id, Community.name)
    ).all()
    return pd.DataFrame(rows, columns=["community_id", "name", "name_en", "kind", "station_id",
                                       "station", "station_en", "population"])


def frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
