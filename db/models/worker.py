"""The worker's lease: which process sweeps deadlines now, and what its last sweep did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class WorkerLease(Base):
    """One row per kind of periodic work ("sweep"). A process may sweep only while it holds
    the row: its holder names it and expires_at is in the future, or the last holder let the
    lease run out (it stopped or died), and another process takes it over."""

    __tablename__ = "worker_lease"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128), default="")
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    last_sweep_at: Mapped[datetime | None] = mapped_column(default=None)
    last_holder: Mapped[str] = mapped_column(String(128), default="")
    last_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # {"dispatched": 3, "escalated": 1, ...}: what each job of the last sweep did
    last_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_error: Mapped[str] = mapped_column(Text, default="")  # the jobs that failed, by name
