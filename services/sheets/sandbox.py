"""Every parse of an uploaded file runs in a child process with a memory and time cap, so
that no file (a declared size of 17 billion cells, an entity bomb, ...) can kill or bloat
the server: the child dies instead and the user gets a message."""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from services.sheets.model import SheetError

_ROOT = Path(__file__).resolve().parents[2]


def run_capped(call: tuple[Any, ...], *, memory_mb: int, seconds: float) -> Any:
    """services.sheets.child.parse(*call) in a new process limited to `memory_mb` of address
    space (on top of its start) and `seconds`; its SheetError is raised here, its death or
    overrun becomes one."""
    env = {**os.environ, "PINGAN_SHEETS_MEMORY_MB": str(memory_mb)}
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and module, no shell)
        [sys.executable, "-m", "services.sheets.child"], cwd=_ROOT, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        out, _ = child.communicate(pickle.dumps(call, protocol=5), timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise SheetError("sheets.too_slow", seconds=int(seconds)) from None
    if child.returncode != 0 or not out:
        raise SheetError("sheets.too_heavy")
    ok, value = pickle.loads(out)  # noqa: S301 (written by our own child process)
    if ok:
        return value
    raise value


def cap_memory(memory_mb: int) -> None:
    """In the child: the address space it has now plus `memory_mb`."""
    with open(f"/proc/{os.getpid()}/statm") as f:
        now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = now + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
