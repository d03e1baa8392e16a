"""Assist-investigation alerts (协查通报), their photos, recipients and acknowledgements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class Alert(Base):
    """draft → published (frozen) → closed; an amendment is a new row with amends_id, and
    publishing it marks the version it replaces as superseded."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), default=None)
    origin_region: Mapped[str] = mapped_column(String(100))
    case_ref: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    # {"community_ids": [...], "grid_ids": [...], "team_kinds": [...], "roles": [...],
    #  "skills": [...], "available_only": bool}
    target: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    valid_from: Mapped[datetime] = mapped_column()
    valid_to: Mapped[datetime] = mapped_column()
    # draft | published | superseded | closed
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)  # caught|found|...
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    suspects_caught: Mapped[int] = mapped_column(Integer, default=0)
    mobilised: Mapped[int] = mapped_column(Integer, default=0)  # the count frozen at closing
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the worker found a published alert past its validity window (marked once, audited).
    expired_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AlertPhoto(Base):
    """A photo of who or what to look for, stored under a random name like lead photos."""

    __tablename__ = "alert_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    mime: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class AlertRecipient(Base):
    """One person an alert reached: an officer or a team member, with their account if any.

    Members without an account are relayed by relay_user_id (their team leader's account, or
    the community officer's): when that user acknowledges, they are counted as reached.
    """

    __tablename__ = "alert_recipient"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), default=None)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), default=None)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), default=None)
    relay_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    reached_at: Mapped[datetime | None] = mapped_column(default=None)
    mobilised: Mapped[bool] = mapped_column(default=False)
    helpers: Mapped[int] = mapped_column(Integer, default=0)  # people an officer brought in
    __table_args__ = (
        UniqueConstraint("alert_id", "officer_id", "member_id", name="uq_alert_recipient_person"),
        Index("ix_alert_recipient_user", "user_id", "acknowledged_at"),
        Index("ix_alert_recipient_relay", "relay_user_id", "alert_id"),
    )
