"""Map filters: the time window and the lead categories, statuses and urgencies to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement

from db.models import Lead
from services.core import clock
from services.core.actor import Actor
from services.core.errors import Invalid
from services.core.scope import lead_filter
from services.leads import CATEGORIES, STATUSES, URGENCIES

WINDOWS = ("24h", "7d", "30d", "custom")
_HOURS = {"24h": 24, "7d": 7 * 24, "30d": 30 * 24}


@dataclass(frozen=True)
class MapFilters:
    """What to show. Empty tuples mean "all"; `first`/`last` are local days for "custom"."""

    window: str = "7d"
    first: date | None = None
    last: date | None = None
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()


def check(filters: MapFilters) -> None:
    """Raise Invalid naming the field whose value the map cannot use."""
    if filters.window not in WINDOWS:
        raise Invalid(fields={"window": "map.error.window"})
    if filters.window == "custom":
        if filters.first is None or filters.last is None:
            raise Invalid(fields={"first": "map.error.custom_days"})
        if filters.first > filters.last:
            raise Invalid(fields={"first": "map.error.range"})
    for field, chosen, allowed in (("categories", filters.categories, CATEGORIES),
                                   ("statuses", filters.statuses, STATUSES),
                                   ("urgencies", filters.urgencies, URGENCIES)):
        if not set(chosen) <= set(allowed):
            raise Invalid(fields={field: "map.error.choice"})


def window_bounds(filters: MapFilters, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC: the last 24 h / 7 / 30 days up to now, or whole custom days."""
    if filters.window == "custom":
        assert filters.first is not None and filters.last is not None
        return clock.day_range(filters.first, filters.last)
    return now - timedelta(hours=_HOURS[filters.window]), now


def window_days(filters: MapFilters, now: datetime) -> tuple[date, date]:
    """The local days the window touches (daily incident counts have no finer time)."""
    start, end = window_bounds(filters, now)
    return clock.local_today(start), clock.local_today(end - timedelta(microseconds=1))


def attribute_where(filters: MapFilters) -> list[ColumnElement[bool]]:
    """Category, status and urgency conditions (no time, no scope)."""
    where: list[ColumnElement[bool]] = []
    if filters.categories:
        where.append(Lead.category.in_(filters.categories))
    if filters.statuses:
        where.append(Lead.status.in_(filters.statuses))
    if filters.urgencies:
        where.append(Lead.urgency.in_(filters.urgencies))
    return where


def lead_where(actor: Actor, filters: MapFilters, now: datetime) -> list[ColumnElement[bool]]:
    """Every condition on the leads the map shows: scope, window, category, status, urgency."""
    start, end = window_bounds(filters, now)
    return [lead_filter(actor), Lead.created_at >= start, Lead.created_at < end,
            *attribute_where(filters)]
