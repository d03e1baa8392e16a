"""Assist-investigation alerts (协查通报), their recipients and acknowledgements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class Alert(Base):
    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), default=None)
    origin_region: Mapped[str] = mapped_column(String(100))
    case_ref: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    # {"community_ids": [...], "grid_ids": [...], "team_kinds": [...], "roles": [...],
    #  "skills": [...]}
    target: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    valid_from: Mapped[datetime] = mapped_column()
    valid_to: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft|published|closed
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)  # caught|found|...
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    suspects_caught: Mapped[int] = mapped_column(Integer, default=0)
    mobilised: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AlertRecipient(Base):
    __tablename__ = "alert_recipient"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), default=None)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    mobilised: Mapped[bool] = mapped_column(default=False)
    __table_args__ = (
        UniqueConstraint("alert_id", "officer_id", "member_id", name="uq_alert_recipient_person"),
    )
