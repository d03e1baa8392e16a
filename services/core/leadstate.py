"""Lead status groups shared by the inbox, the home page, statistics and maps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_

from db.models import Lead

DONE_STATUSES = ("resolved", "verified", "closed", "duplicate")
UNACCEPTED_STATUSES = ("new", "dispatched", "returned", "escalated")
OPEN_STATUSES = ("new", "dispatched", "accepted", "in_progress", "escalated", "returned",
                 "needs_info")


def closed_level(level: str, *, by_team: bool) -> str:
    """The level a lead is closed at, set when it is resolved (the one rule, used by the
    workflow and the demo, read by the statistics): "grid" when a team member finished a
    shared task for it (small matters do not leave the grid), else the level that handled it."""
    return "grid" if by_team else level


def is_open() -> ColumnElement[bool]:
    # Named statuses, not NOT IN: the status index then finds the few open leads among a
    # million instead of scanning them all.
    return Lead.status.in_(OPEN_STATUSES)


def is_overdue(now: datetime) -> ColumnElement[bool]:
    """Open and past a deadline: not accepted in time, or not resolved in time."""
    return and_(
        is_open(),
        or_(
            and_(Lead.status.in_(UNACCEPTED_STATUSES), Lead.accept_due_at < now),
            Lead.resolve_due_at < now,
        ),
    )
