"""Run every bench/bench_*.py module's `run(report)`, or those named on the command line."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

import bench


def report(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name:<66} {value:>12.2f} {unit:<6} {note}", flush=True)


def main(argv: list[str]) -> None:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                   if m.name.startswith("bench_"))
    chosen = [n for n in names if not argv or any(a in n for a in argv)]
    print(f"Pingan benchmarks on {Path.cwd()} ({time.strftime('%Y-%m-%d %H:%M')})")
    for name in chosen:
        print(f"\n== {name}")
        importlib.import_module(f"bench.{name}").run(report)


if __name__ == "__main__":
    main(sys.argv[1:])
