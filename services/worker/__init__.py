"""The worker that owns time: deadlines, waiting leads, late measures and alert expiry are
swept on a schedule by one process at a time, whether or not anyone is signed in."""

from services.worker.jobs import JOBS, Job, JobFn, register
from services.worker.lease import TTL, LastSweep, last_sweep
from services.worker.loop import (
    EVERY_S,
    STALE,
    Status,
    SweepResult,
    holder_name,
    release,
    run,
    status,
    sweep,
)

__all__ = [
    "EVERY_S", "holder_name", "Job", "JobFn", "JOBS", "last_sweep", "LastSweep", "register",
    "release", "run", "STALE", "Status", "status", "sweep", "SweepResult", "TTL",
]
