"""Map views: base layers, community measures, leads, team coverage and alert areas, in scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from services.core import clock
from services.core.actor import Actor
from services.maps.base import BaseLayers, base_layers, grid_layer
from services.maps.coverage import alert_areas, grid_coverage, response_units, sees_alert_areas
from services.maps.filters import MapFilters, check
from services.maps.leads import LeadLayer, lead_layer
from services.maps.measures import MEASURES, community_measures

LAYERS = ("measure", "leads", "grids", "coverage", "alerts", "posts")
DEFAULT_LAYERS = frozenset({"measure", "leads", "alerts", "posts"})
ZOOMED_IN_COMMUNITIES = 6  # a scope this small is drawn close enough to show grids

__all__ = [
    "Actor", "alert_areas", "Any", "base_layers", "BaseLayers", "check", "clock",
    "community_measures", "dataclass", "datetime", "grid_coverage", "grid_layer",
    "grids_by_default", "LAYERS", "lead_layer", "LeadLayer", "map_view", "MapFilters",
    "MapView", "MEASURES", "response_units", "sees_alert_areas", "Session",
]


@dataclass(frozen=True)
class MapView:
    """Everything one map shows; a layer that was not asked for is None. The grids come
    with every map but the coverage one (which colours them): switched off, they are still
    drawn as thin lines that appear as the map is zoomed in."""

    base: BaseLayers
    measures: pd.DataFrame | None = None
    leads: LeadLayer | None = None
    grids: dict[str, Any] | None = None
    coverage: dict[str, Any] | None = None
    units: list[dict[str, Any]] | None = None
    alerts: dict[str, Any] | None = None


def grids_by_default(actor: Actor) -> bool:
    """Grids are drawn from the start when the scope is a few communities (a close view)."""
    return actor.community_ids is not None and len(actor.community_ids) <= ZOOMED_IN_COMMUNITIES


def map_view(session: Session, *, actor: Actor, filters: MapFilters, layers: frozenset[str],
             now: datetime | None = None, prefer_cells: bool = False) -> MapView:
    """The data of the layers asked for, each limited to the actor's scope."""
    check(filters)
    now = now or clock.now()
    base = base_layers(session, actor=actor)
    coverage = "coverage" in layers
    return MapView(
        base=base,
        measures=community_measures(session, actor=actor, filters=filters, now=now)
        if "measure" in layers else None,
        leads=lead_layer(session, actor=actor, filters=filters, now=now,
                         prefer_cells=prefer_cells) if "leads" in layers else None,
        grids=grid_layer(session, actor=actor) if not coverage else None,
        coverage=grid_coverage(session, actor=actor) if coverage else None,
        units=response_units(session, actor=actor) if coverage else None,
        alerts=alert_areas(session, actor=actor, now=now)
        if "alerts" in layers and sees_alert_areas(actor) else None,
    )
