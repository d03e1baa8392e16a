"""`pingan worker` (the sweeps alone, for a service manager) and `pingan serve` (the app with
its worker: what `make run` runs)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

import click

ROOT = Path(__file__).resolve().parent.parent.parent
_log = logging.getLogger("pingan.worker")


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


@click.command(help="Sweep deadlines, waiting leads, late measures and alert expiry on a "
                    "schedule (one process at a time per database).")
@click.option("--once", is_flag=True, help="Run one sweep, print what it did, and exit.")
@click.option("--every", type=click.FloatRange(min=1, max=30), default=15.0, show_default=True,
              help="Seconds between sweeps.")
@click.option("--parent-pid", type=int, default=None, hidden=True,
              help="Stop when this process (the app server that started us) is gone.")
def worker(once: bool, every: float, parent_pid: int | None) -> None:
    from services import worker as sweeps
    from services.cli import _engine  # the package that registers this command

    _setup_logging()
    engine = _engine()
    if once:
        holder = sweeps.holder_name()
        result = sweeps.sweep(engine, holder)
        sweeps.release(engine, holder)
        if result is None:
            click.echo("another worker holds the lease: nothing done")
            return
        done = ", ".join(f"{k} {v}" for k, v in result.counts.items())
        click.echo(f"sweep done in {result.seconds:.2f} s: {done}")
        if result.failed:
            raise click.ClickException(f"failed jobs: {', '.join(result.failed)}")
        return
    stop = threading.Event()
    _stop_on_signals(stop)
    sweeps.run(engine, every=every, stop=stop, parent_pid=parent_pid)


def _die_with_parent() -> None:
    """In the child, before exec (Linux): SIGTERM when `pingan serve` dies, even by SIGKILL,
    so neither the app nor the worker outlives it (the worker also watches its parent)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start_worker(every: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "services.cli", "worker", "--every",  # noqa: S603
                             str(every), "--parent-pid", str(os.getpid())], cwd=ROOT,
                            preexec_fn=_die_with_parent)  # noqa: PLW1509 - no threads yet


def _end(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _tile_serving() -> list[str]:
    """PINGAN_TILE_URL naming a folder of tiles: the app serves it as its static folder
    (`static` beside app.py, a link to the folder; Streamlit serves it at app/static/)."""
    from db.settings import load_settings

    folder = load_settings().tile_folder
    if folder is None:
        return []
    link = ROOT / "static"
    if link.is_symlink():
        link.unlink()
    elif link.exists():
        raise click.ClickException(f"{link} exists and is not a link: move it to serve tiles")
    link.symlink_to(folder.resolve(), target_is_directory=True)
    _log.info("serving map tiles from %s at app/static/", folder)
    return ["--server.enableStaticServing", "true"]


@click.command(help="Serve the app and its worker together; stopping one stops both.")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--every", type=click.FloatRange(min=1, max=30), default=15.0, show_default=True,
              help="Seconds between the worker's sweeps.")
def serve(port: int, every: float) -> None:
    from services.cli import _engine  # the package that registers this command

    _setup_logging()
    _engine().dispose()  # upgrade the schema once, before two processes start
    stop = threading.Event()
    _stop_on_signals(stop)
    app = subprocess.Popen([sys.executable, "-m", "services.cli.server",  # noqa: S603
                            "--server.port", str(port), *_tile_serving()], cwd=ROOT,
                           preexec_fn=_die_with_parent)  # noqa: PLW1509
    sweeper = _start_worker(every)
    try:
        while not stop.is_set() and app.poll() is None:
            if sweeper.poll() is not None:  # it crashed: the deadlines must not stop
                _log.warning("worker exited with %s; starting it again", sweeper.returncode)
                time.sleep(2)
                sweeper = _start_worker(every)
            stop.wait(1.0)
    finally:
        _end(app)
        _end(sweeper)
    if app.returncode not in (0, None, -signal.SIGTERM):
        sys.exit(app.returncode)
