"""Imported incident counts, officers' presence in the community and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from db import ddl
from db.base import Base, utcnow


class IncidentCount(Base):
    """Daily incident (警情) counts from the dispatch system, per category and community."""

    __tablename__ = "incident_count"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(16))  # criminal | public_order | other
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    count: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("day", "category", "community_id", name="uq_incident_count_key"),
        # Covers every statistics query (a range of days, summed by category or community),
        # so they read the index alone, never the table.
        Index("ix_incident_count_day", "day", "category", "community_id", "count"),
    )


class ImportMapping(Base):
    """What a name in another system's export means in Pingan, remembered per source:
    a dispatch category ("盗窃") -> a Pingan category, or a community name -> a community id."""

    __tablename__ = "import_mapping"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # category | community
    name: Mapped[str] = mapped_column(String(128))
    target: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    __table_args__ = (UniqueConstraint("source", "kind", "name", name="uq_import_mapping_name"),)


class ImportedIncident(Base):
    """One incident counted from a per-incident export: its number makes a re-import add
    nothing twice, and a corrected incident move from its old count to its new one."""

    __tablename__ = "imported_incident"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(16))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("source", "number", name="uq_imported_incident_number"),)


class Presence(Base):
    """Time an officer spent stationed in a community: a check-in/out or a weekly entry."""

    __tablename__ = "presence"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    started_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    hours: Mapped[float | None] = mapped_column(Float, default=None)  # for a weekly entry
    source: Mapped[str] = mapped_column(String(16), default="checkin")  # checkin | manual
    reason: Mapped[str] = mapped_column(String(200), default="")


class AuditLog(Base):
    """Append-only record of every change and sign-in, chained by hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(default=None, index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(48), index=True)
    entity: Mapped[str] = mapped_column(String(32), default="")
    entity_id: Mapped[str] = mapped_column(String(32), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)  # one record's history


# The append-only triggers on audit_log for create_all too, as migration 0002 installs them.
event.listen(AuditLog.__table__, "after_create", ddl.after_create)
