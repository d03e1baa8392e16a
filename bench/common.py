"""Shared benchmark fixtures: databases with the demo district at a million leads."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from db.engine import make_engine
from db.migrate import upgrade
from db.models import Lead

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("PINGAN_BENCH_DIR", ROOT / "data" / "bench"))
MILLION = int(os.environ.get("PINGAN_BENCH_LEADS", "1000000"))


def _loaded(engine: Engine, leads: int) -> bool:
    try:
        with engine.connect() as conn:
            return (conn.scalar(select(func.count()).select_from(Lead)) or 0) >= leads
    except Exception:  # noqa: BLE001 - an empty or half-made database is rebuilt below
        return False


def sqlite_million() -> Engine:
    """A SQLite file with the demo district and a million leads, built once and kept."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"million-{MILLION}.db"
    engine = make_engine(f"sqlite:///{path}")
    if not _loaded(engine, MILLION):
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
        _build(engine)
    else:
        upgrade(engine)  # a database kept from before a migration gets it now
    return engine


def postgres_million() -> Engine | None:
    """The same on PostgreSQL when PINGAN_BENCH_POSTGRES_URL is set (a database of its own)."""
    url = os.environ.get("PINGAN_BENCH_POSTGRES_URL")
    if not url:
        return None
    engine = make_engine(url)
    if not _loaded(engine, MILLION):
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        _build(engine)
    else:
        upgrade(engine)
    return engine


def _build(engine: Engine) -> None:
    from services.demo import load_demo

    upgrade(engine)
    started = time.perf_counter()
    load_demo(engine, leads=MILLION, today=date.today())
    print(f"(built demo with {MILLION} leads in {time.perf_counter() - started:.0f} s)")
