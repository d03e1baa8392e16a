"""The organisation: district, sub-districts, stations, police offices, communities and grids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Place:
    """Every place has a centre point and, where known, a GeoJSON polygon boundary."""

    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    boundary: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class District(Place, Base):
    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")
    river: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class Subdistrict(Place, Base):
    """A sub-district (街道) or town (镇)."""

    __tablename__ = "subdistrict"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16))  # street | town


class Station(Place, Base):
    __tablename__ = "station"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")
    duty_supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", use_alter=True), default=None
    )


class PoliceOffice(Place, Base):
    __tablename__ = "police_office"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")
    backup_officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officer.id", use_alter=True), default=None
    )


class Community(Place, Base):
    __tablename__ = "community"
    id: Mapped[int] = mapped_column(primary_key=True)
    subdistrict_id: Mapped[int] = mapped_column(ForeignKey("subdistrict.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    police_office_id: Mapped[int] = mapped_column(ForeignKey("police_office.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officer.id", use_alter=True), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16))  # community | village
    population: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int] = mapped_column(Integer, default=0)


class Grid(Place, Base):
    __tablename__ = "grid"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    # Bounding box, kept so that "which grid holds this point" is an indexed range query.
    min_lat: Mapped[float] = mapped_column(Float, default=0.0)
    max_lat: Mapped[float] = mapped_column(Float, default=0.0)
    min_lon: Mapped[float] = mapped_column(Float, default=0.0)
    max_lon: Mapped[float] = mapped_column(Float, default=0.0)
