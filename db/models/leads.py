"""Leads (线索) reported from the grid, their history, photos, dispatch rules, deadlines, tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class Lead(Base):
    __tablename__ = "lead"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    reporter_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    reporter_contact: Mapped[str] = mapped_column(String(64), default="")
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), default=None)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(200), default="")
    # public_order | suspicious | dispute | fraud | fire | help | traffic | other
    category: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(16))  # routine | urgent | emergency
    description: Mapped[str] = mapped_column(Text)
    # new | dispatched | accepted | in_progress | resolved | verified | closed |
    # escalated | returned | duplicate
    status: Mapped[str] = mapped_column(String(16), default="new")
    # grid | community | station | district
    level: Mapped[str] = mapped_column(String(16), default="grid")
    assigned_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), default=None)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    dispatch_rule: Mapped[str | None] = mapped_column(String(32), default=None)
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    accept_due_at: Mapped[datetime | None] = mapped_column(default=None)
    resolve_due_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_level: Mapped[str | None] = mapped_column(String(16), default=None)
    resolution: Mapped[str] = mapped_column(Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id"), default=None)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), default=None)
    resolved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id"), default=None
    )
    # Deadlines already escalated automatically: 0 none, 1 the accept one, 2 the resolve one.
    overdue_step: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_lead_community_created", "community_id", "created_at"),
        Index("ix_lead_status_created", "status", "created_at"),
        Index("ix_lead_officer_status", "assigned_officer_id", "status"),
        Index("ix_lead_reporter", "reporter_user_id", "created_at"),
        Index("ix_lead_created", "created_at"),
        Index("ix_lead_user_status", "assigned_user_id", "status"),
        Index("ix_lead_category_created", "category", "created_at"),
        Index("ix_lead_status_due", "status", "resolve_due_at"),
        Index("ix_lead_status_urgency", "status", "urgency", "community_id"),
        Index("ix_lead_reporter_status", "reporter_user_id", "status"),
        # statistics: leads closed (else resolved) in a period
        Index("ix_lead_closed", "closed_at"),
        Index("ix_lead_resolved", "resolved_at"),
    )


class LeadEvent(Base):
    """One step in a lead's history: who did what, when, with which note."""

    __tablename__ = "lead_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    __table_args__ = (
        Index("ix_lead_event_actor", "actor_user_id", "action"),
        Index("ix_lead_event_lead_status", "lead_id", "to_status"),  # "was it ever escalated"
        Index("ix_lead_event_action_at", "action", "at"),  # the board: a shift's escalations
    )


class LeadPhoto(Base):
    __tablename__ = "lead_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    mime: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class DispatchRule(Base):
    """Ordered dispatch rules an admin can edit: first rule that finds an active person wins."""

    __tablename__ = "dispatch_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    # community_officer | office_backup | station_duty_supervisor
    kind: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)


class Deadline(Base):
    """Minutes to accept and to resolve, per category ('*' = any) and urgency."""

    __tablename__ = "deadline"
    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(24), default="*")
    urgency: Mapped[str] = mapped_column(String(16))
    accept_minutes: Mapped[int] = mapped_column(Integer)
    resolve_minutes: Mapped[int] = mapped_column(Integer)


class Task(Base):
    """A shared task (任务共领) made from a lead for the community's teams to claim."""

    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id"), index=True, default=None)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True, default=None)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|claimed|done|cancelled
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    # given to a social unit (the "N"): it takes the task, the officer records its report-back
    social_unit_id: Mapped[int | None] = mapped_column(ForeignKey("social_unit.id"), index=True,
                                                       default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    report: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    # by_hand (with the reason typed) | lead_closed | lead_duplicate (automatic, with the lead)
    cancel_cause: Mapped[str | None] = mapped_column(String(16), default=None)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (Index("ix_task_status_team", "status", "team_id"),)  # the board's units
