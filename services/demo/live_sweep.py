"""The worker's deadline sweep at simulated times: in the living demo a lead left past its
deadline is escalated by the worker's own escalation rule and batch, at the first sweep after
the deadline, as if the worker had swept every EVERY_S seconds all along. Only the sweeps that
find a lead still waiting are run: every other sweep would have found nothing to escalate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Lead
from services.core.leadstate import OPEN_STATUSES
from services.core.sweeps import BATCH, EVERY_S
from services.demo import dates
from services.leads import escalate_overdue, overdue_unescalated

SWEEP = int(EVERY_S)  # seconds between two of the worker's sweeps
DUE = "due"  # the queue's step name of a deadline event


def epoch(at: datetime | None) -> int | None:
    if at is None:
        return None
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp())


def first_sweep_after(due: datetime | None) -> int | None:
    """When the worker, sweeping every SWEEP seconds, first finds `due` passed."""
    seconds = epoch(due)
    return None if seconds is None else (seconds // SWEEP + 1) * SWEEP


def events(lead_id: int, dues: Iterable[datetime | None], lo: int, hi: int
           ) -> list[tuple[int, int, str]]:
    """Queue entries (time, lead id, DUE) for the sweeps in [lo, hi) after the lead's dues."""
    ticks = {first_sweep_after(d) for d in dues}
    return [(t, lead_id, DUE) for t in sorted(x for x in ticks if x is not None and lo <= x < hi)]


def open_deadlines(session: Session, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The sweeps in [lo, hi) after a deadline of a lead open at `lo` (reported earlier)."""
    first, last = dates.utc(lo - SWEEP), dates.utc(hi)
    rows = session.execute(select(Lead.id, Lead.accept_due_at, Lead.resolve_due_at).where(
        Lead.status.in_(OPEN_STATUSES),
        or_(Lead.accept_due_at.between(first, last),
            Lead.resolve_due_at.between(first, last)))).all()
    return [e for lead_id, accept, resolve in rows
            for e in events(lead_id, (accept, resolve), lo, hi)]


def waits_past_deadline(session: Session, lead_id: int, at: int) -> bool:
    """The lead is still there for the escalation rule to find at `at` (not accepted or not
    resolved in time, and not escalated for that deadline yet)."""
    return session.scalar(select(Lead.id).where(
        Lead.id == lead_id, overdue_unescalated(dates.utc(at)))) is not None


def sweep(session: Session, at: int) -> int:
    """The worker's escalation (its rule and batch), run at the simulated instant `at`; how many
    it escalated."""
    return escalate_overdue(session, now=dates.utc(at), limit=BATCH)
