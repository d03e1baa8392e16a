"""The base of the map, from the database: district outline, river, communities, grids, posts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, District, Grid, PoliceOffice, Station
from services.core.actor import Actor, Perm, require
from services.core.scope import community_filter
from services.maps.geometry import collection, feature, square

FeatureCollection = dict[str, Any]


@dataclass(frozen=True)
class BaseLayers:
    district: FeatureCollection  # the outline: drawn for everyone, it is the map's frame
    river: FeatureCollection
    communities: FeatureCollection  # properties: id, name, name_en, kind, population
    stations: list[dict[str, Any]]  # id, name, name_en, lat, lon
    offices: list[dict[str, Any]]


def base_layers(session: Session, *, actor: Actor) -> BaseLayers:
    """Outline, river, the communities in the actor's scope and the stations and offices
    that serve them."""
    require(actor, Perm.VIEW_MAP)
    district = session.scalars(select(District).order_by(District.id).limit(1)).first()
    in_scope = community_filter(actor, Community.id)
    rows = session.execute(
        select(Community.id, Community.name, Community.name_en, Community.kind,
               Community.population, Community.lat, Community.lon, Community.boundary)
        .where(in_scope).order_by(Community.id)
    ).all()
    communities = collection([
        feature(r.boundary or square(r.lat, r.lon, 0.002), id=r.id, name=r.name,
                name_en=r.name_en, kind=r.kind, population=r.population)
        for r in rows
    ])
    return BaseLayers(
        district=collection([feature(district.boundary, name=district.name,
                                     name_en=district.name_en)] if district else []),
        river=collection([feature(district.river)] if district and district.river else []),
        communities=communities,
        stations=_posts(session, Station, select(Community.station_id).where(in_scope)),
        offices=_posts(session, PoliceOffice,
                       select(Community.police_office_id).where(in_scope)),
    )


def _posts(session: Session, model: type[Station] | type[PoliceOffice],
           ids: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(model.id, model.name, model.name_en, model.lat, model.lon)
        .where(model.id.in_(ids)).order_by(model.id)
    ).all()
    return [{"id": r.id, "name": r.name, "name_en": r.name_en, "lat": round(r.lat, 5),
             "lon": round(r.lon, 5)} for r in rows]


def grid_layer(session: Session, *, actor: Actor,
               community_ids: list[int] | None = None) -> FeatureCollection:
    """Grid boundaries in scope (optionally of some communities only), for a zoomed-in view."""
    require(actor, Perm.VIEW_MAP)
    query = (select(Grid.id, Grid.code, Grid.name, Grid.community_id, Grid.lat, Grid.lon,
                    Grid.boundary)
             .where(community_filter(actor, Grid.community_id)).order_by(Grid.id))
    if community_ids is not None:
        query = query.where(Grid.community_id.in_(community_ids))
    return collection([
        feature(r.boundary or square(r.lat, r.lon, 0.001), id=r.id, code=r.code, name=r.name,
                community_id=r.community_id)
        for r in session.execute(query).all()
    ])

