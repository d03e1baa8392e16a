"""The "1+10+N" roster: officers, self-governing teams, their members and social units."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class Officer(Base):
    __tablename__ = "officer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    badge_no: Mapped[str] = mapped_column(String(16), unique=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    police_office_id: Mapped[int] = mapped_column(ForeignKey("police_office.id"), index=True)
    is_deputy_secretary: Mapped[bool] = mapped_column(Boolean, default=False)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    # grid_worker | security_committee | response_unit | activist | community_worker |
    # volunteer | mediator | patrol | ...
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    leader_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", use_alter=True), default=None
    )
    min_size: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Member(Base):
    """A person, identified once (ID number, else name + phone); their teams are memberships."""

    __tablename__ = "member"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True, default=None)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True, default=None)
    skills: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # e.g. {"days": [0..6], "from": "08:00", "to": "20:00", "night": false}
    availability: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Membership(Base):
    """A person serving in a team: one resident may serve in the patrol and mediation teams.

    Leaving a team deletes the row (the audit keeps the history); a person always keeps at
    least one membership: leaving the last team deactivates them instead.
    """

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("member_id", "team_id", name="uq_membership_person_team"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SocialUnit(Base):
    __tablename__ = "social_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    # property | shop | school | hospital | company | volunteer_group | ...
    kind: Mapped[str] = mapped_column(String(32))
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    services: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
