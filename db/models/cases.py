"""Assistance files (一对一帮扶档案) with measures, visits and an access log; disputes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class AssistanceCase(Base):
    __tablename__ = "assistance_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    household: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    # [{"name": ..., "relation": ..., "id_number": ..., "phone": ...}]
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    needs: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    outcome: Mapped[str] = mapped_column(Text, default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), default=None)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AssistanceMeasure(Base):
    __tablename__ = "assistance_measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id"), index=True)
    # civil_affairs | legal_aid | education | community_workers | housing | ...
    department: Mapped[str] = mapped_column(String(32))
    # subsistence_allowance | temporary_relief | legal_aid | tuition | counselling | ...
    kind: Mapped[str] = mapped_column(String(32))
    responsible: Mapped[str] = mapped_column(String(64), default="")
    responsible_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id"), default=None, index=True
    )
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned|in_progress|done
    # The local day the worker first found it past due and not done (flagged once, audited).
    overdue_since: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class AssistanceVisit(Base):
    __tablename__ = "assistance_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    visitor: Mapped[str] = mapped_column(String(64))
    findings: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)


class CaseAccess(Base):
    """Who opened an assistance file, and when."""

    __tablename__ = "case_access"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (Index("ix_case_access_case_at", "case_id", "at"),)


class Dispute(Base):
    __tablename__ = "dispute"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), default=None)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id"), default=None)
    kind: Mapped[str] = mapped_column(String(32))  # neighbour|family|property|labour|...
    address: Mapped[str] = mapped_column(String(200), default="")
    parties: Mapped[list[Any]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str] = mapped_column(Text, default="")
    recurring_of_id: Mapped[int | None] = mapped_column(ForeignKey("dispute.id"), default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class MediationStep(Base):
    __tablename__ = "mediation_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("dispute.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
