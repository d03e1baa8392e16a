"""Community measures for colouring the map, each aggregated in SQL for the actor's scope."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.models import Community, IncidentCount, Lead
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.scope import community_filter, lead_filter
from services.leads import OPEN_STATUSES
from services.maps.filters import MapFilters, attribute_where, check, lead_where, window_days

MEASURES = ("open_leads", "leads_per_1000", "incidents", "incident_change")
MIN_BEFORE = 10  # docs/FIGURES.md: no percentage when the year before had fewer than 10


def community_measures(session: Session, *, actor: Actor, filters: MapFilters,
                       now: datetime | None = None) -> pd.DataFrame:
    """One row per community in scope.

    open_leads: open now (any age) of the chosen categories and urgencies; leads and
    leads_per_1000: created in the window with every filter, per 1,000 residents;
    incidents: imported incident counts on the window's days; incident_change: % against
    the same days a year before (NaN when that was under 10).
    """
    require(actor, Perm.VIEW_MAP)
    check(filters)
    now = now or clock.now()
    frame = pd.DataFrame(
        session.execute(
            select(Community.id.label("community_id"), Community.population)
            .where(community_filter(actor, Community.id)).order_by(Community.id)
        ).all(),
        columns=["community_id", "population"],
    ).set_index("community_id")
    # The same leads as leadstate.is_open(), named by status so that the status index finds
    # the few open ones instead of scanning a million closed ones (8 s → milliseconds).
    open_where = [lead_filter(actor), Lead.status.in_(OPEN_STATUSES),
                  *attribute_where(replace(filters, statuses=()))]
    frame["open_leads"] = _lead_counts(session, open_where)
    frame["leads"] = _lead_counts(session, lead_where(actor, filters, now))
    first, last = window_days(filters, now)
    frame["incidents"] = _incidents(session, actor, first, last)
    frame["incidents_before"] = _incidents(session, actor, clock.year_before(first),
                                           clock.year_before(last))
    frame = frame.fillna(0).astype("int64")
    population = frame["population"].where(frame["population"] > 0)
    frame["leads_per_1000"] = (frame["leads"] / population * 1000).round(2)
    before = frame["incidents_before"].where(frame["incidents_before"] >= MIN_BEFORE)
    frame["incident_change"] = ((frame["incidents"] - before) / before * 100).round(1)
    return frame.reset_index()


def _lead_counts(session: Session, where: list[ColumnElement[bool]]) -> pd.Series:
    rows = session.execute(
        select(Lead.community_id, func.count()).where(*where).group_by(Lead.community_id)
    ).all()
    return _series(rows)


def _incidents(session: Session, actor: Actor, first: date, last: date) -> pd.Series:
    rows = session.execute(
        select(IncidentCount.community_id, func.sum(IncidentCount.count))
        .where(IncidentCount.day >= first, IncidentCount.day <= last,
               community_filter(actor, IncidentCount.community_id))
        .group_by(IncidentCount.community_id)
    ).all()
    return _series(rows)


def _series(rows: Any) -> pd.Series:
    if not rows:
        return pd.Series(dtype="float64")
    ids, values = zip(*rows, strict=True)
    return pd.Series(np.asarray(values, dtype="float64"), index=list(ids))
