"""The lead layer: points when few, square cells counted in SQL when many (never every point)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from db.models import Community, District, Lead
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.leadstate import is_open
from services.core.masking import mask_text
from services.maps.filters import MapFilters, check, lead_where

POINT_LIMIT = 3000  # above this many leads in the window the map shows cells
CELL_M = 300  # side of a cell in metres
POINT_COLUMNS = ["id", "lat", "lon", "category", "urgency", "status", "created_at",
                 "community", "address", "contact", "open"]
CELL_COLUMNS = ["row", "col", "count", "open", "urgent"]


@dataclass(frozen=True)
class CellGrid:
    """Square cells of about `metres` a side: row = floor(lat / dlat), col = floor(lon / dlon)."""

    metres: int
    dlat: float
    dlon: float


@dataclass(frozen=True)
class LeadLayer:
    total: int  # leads matching the filters in the window
    mode: str  # points | cells
    points: pd.DataFrame  # POINT_COLUMNS; contact masked, created_at a UTC datetime
    cells: pd.DataFrame  # CELL_COLUMNS plus lat/lon of the cell's south-west corner
    grid: CellGrid


def cell_grid(session: Session, metres: int = CELL_M) -> CellGrid:
    """Cells square on the ground at the district's latitude."""
    lat = session.scalar(select(District.lat).order_by(District.id).limit(1)) or 30.0
    dlat = metres / 111_320.0
    return CellGrid(metres, dlat, dlat / math.cos(math.radians(lat)))


def lead_layer(session: Session, *, actor: Actor, filters: MapFilters,
               now: datetime | None = None, prefer_cells: bool = False,
               point_limit: int = POINT_LIMIT) -> LeadLayer:
    """The leads matching `filters` in the actor's scope, as points or as counted cells."""
    require(actor, Perm.VIEW_MAP)
    check(filters)
    where = lead_where(actor, filters, now or clock.now())
    total = session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0
    grid = cell_grid(session)
    if total <= point_limit and not prefer_cells:
        return LeadLayer(total, "points", _points(session, where), _no_cells(), grid)
    return LeadLayer(total, "cells", pd.DataFrame(columns=POINT_COLUMNS),
                     cells(session, where, grid), grid)


def _floor(session: Session, value: ColumnElement[Any]) -> ColumnElement[int]:
    """floor() on both databases: SQLite's CAST truncates towards zero, so step back below it."""
    if session.get_bind().dialect.name == "sqlite":
        truncated = cast(value, Integer)
        return truncated - case((value < truncated, 1), else_=0)
    return cast(func.floor(value), Integer)


def cells(session: Session, where: list[ColumnElement[bool]], grid: CellGrid) -> pd.DataFrame:
    """Lead counts per cell, grouped by the database: only the cells travel."""
    row = _floor(session, Lead.lat / grid.dlat).label("row")
    col = _floor(session, Lead.lon / grid.dlon).label("col")
    query = (
        select(row, col, func.count().label("count"),
               func.sum(case((is_open(), 1), else_=0)).label("open"),
               func.sum(case((Lead.urgency != "routine", 1), else_=0)).label("urgent"))
        .where(*where).group_by(row, col).order_by(row, col)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=CELL_COLUMNS)
    frame = frame.astype("int64")
    frame["lat"] = (frame["row"] * grid.dlat).round(5)
    frame["lon"] = (frame["col"] * grid.dlon).round(5)
    return frame


def _no_cells() -> pd.DataFrame:
    return pd.DataFrame(columns=[*CELL_COLUMNS, "lat", "lon"])


def _points(session: Session, where: list[ColumnElement[bool]]) -> pd.DataFrame:
    query = (
        select(Lead.id, Lead.lat, Lead.lon, Lead.category, Lead.urgency, Lead.status,
               Lead.created_at, Community.name, Lead.address, Lead.reporter_contact,
               case((is_open(), True), else_=False))
        .join(Community, Community.id == Lead.community_id)
        .where(*where).order_by(Lead.created_at)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=POINT_COLUMNS)
    frame["lat"] = frame["lat"].astype(float).round(5)
    frame["lon"] = frame["lon"].astype(float).round(5)
    frame["address"] = frame["address"].fillna("").str.slice(0, 60)
    frame["contact"] = frame["contact"].fillna("").map(mask_text)  # never shown in full here
    return frame
