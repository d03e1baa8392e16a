"""Security figures: sign-in answer times by kind of failure, audit-chain check, backup."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from services.accounts import auth, users
from services.admin import backup
from services.core import audit
from services.core.errors import AuthFailed, Locked

ROUNDS = 40
SECRET = "a long enough secret"  # noqa: S105 - a benchmark account
Report = Callable[[str, float, str, str], None]


def _answer_ms(engine, name: str, password: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with session_scope(engine, write=True) as s:
        try:
            auth.sign_in(s, username=name, password=password)
        except (AuthFailed, Locked):
            pass
    return (time.perf_counter() - started) * 1000


def _sign_in_times(engine, report: Report) -> None:  # type: ignore[no-untyped-def]
    cases = {"existing user, wrong password": ("li", "wrong password"),
             "unknown user": ("nobody", "wrong password"),
             "disabled user, right password": ("off", SECRET),
             "password over 72 bytes": ("li", "x" * 100)}
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for i in range(ROUNDS):  # interleaved, so drift in machine load hits every case alike
        for label, (name, password) in cases.items():
            samples[label].append(_answer_ms(engine, f"{name}{i // 4}" if name == "nobody"
                                             else name, password))
            with session_scope(engine, write=True) as s:  # keep lockout out of the way
                for who in ("li", "off"):
                    users.unlock(s, actor=users.SYSTEM, username=who)
    for label, values in samples.items():
        report(f"sign-in answer, {label} (median)", statistics.median(values), "ms",
               f"mean {statistics.mean(values):.1f} sd {statistics.stdev(values):.1f} n={ROUNDS}")
    known, unknown = samples["existing user, wrong password"], samples["unknown user"]
    diff = statistics.mean(known) - statistics.mean(unknown)
    se = (statistics.variance(known) / ROUNDS + statistics.variance(unknown) / ROUNDS) ** 0.5
    report("difference existing - unknown (mean)", diff, "ms", f"95% CI ±{1.96 * se:.1f} ms")


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sec.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        with session_scope(engine, write=True) as s:
            for name in ("li", "off"):
                users.create_user(s, actor=users.SYSTEM, username=name, display_name=name,
                                  role="officer", password=SECRET)
            users.set_active(s, actor=users.SYSTEM, username="off", active=False)
        _sign_in_times(engine, report)
        with session_scope(engine, write=True) as s:
            for i in range(20_000):
                audit.record(s, actor=users.SYSTEM, action="bench.entry", entity_id=i)
        started = time.perf_counter()
        with session_scope(engine) as s:
            checked = audit.verify_chain(s).checked
        report("pingan audit verify", checked / (time.perf_counter() - started), "rows/s",
               f"{checked} entries")
        started = time.perf_counter()
        backup.backup_sqlite(path, Path(tmp) / "copy.db")
        report("pingan backup", (time.perf_counter() - started) * 1000, "ms",
               f"{path.stat().st_size / 1e6:.1f} MB")
        engine.dispose()
