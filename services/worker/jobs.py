"""The jobs a sweep runs, in order: a plain list, so that other work can be added to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from services.core import clock
from services.core.sweeps import BATCH

# A job gets the sweep's session (its own transaction) and the sweep's time, and returns how
# many things it changed. It must be safe to run again at once (a crash between two jobs
# makes the next sweep repeat it) and should do a bounded amount of work per call.
JobFn = Callable[[Session, datetime], int]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFn


def _dispatch(session: Session, now: datetime) -> int:
    from services.leads import dispatch_waiting

    return dispatch_waiting(session, now=now, limit=BATCH)


def _escalate(session: Session, now: datetime) -> int:
    from services.leads import escalate_overdue

    return escalate_overdue(session, now=now, limit=BATCH)


def _measures(session: Session, now: datetime) -> int:
    from services.cases import flag_overdue_measures

    return flag_overdue_measures(session, today=clock.local_today(now))


def _alerts(session: Session, now: datetime) -> int:
    from services.alerts import expire_alerts

    return expire_alerts(session, now=now)


DEMO_BATCH = timedelta(hours=2)  # a sweep simulates at most this much (make run catches up first)


def _demo(session: Session, now: datetime) -> int:
    """In demo mode the worker also plays the district (services.demo.live); off otherwise."""
    from db.settings import load_settings

    if not load_settings().demo:
        return 0
    from services.demo import live

    done = live.advance(session, until=now, batch=DEMO_BATCH)
    return done.leads + done.steps


# Dispatch goes before escalation, so a lead someone can take now is not escalated past them.
JOBS: list[Job] = [
    Job("dispatched", _dispatch),
    Job("escalated", _escalate),
    Job("measures_overdue", _measures),
    Job("alerts_expired", _alerts),
    Job("demo_lived", _demo),
]


def register(name: str, run: JobFn) -> None:
    """Add a job at the end of every sweep (once: registering a name again replaces it)."""
    for i, job in enumerate(JOBS):
        if job.name == name:
            JOBS[i] = Job(name, run)
            return
    JOBS.append(Job(name, run))
