"""`make bench` (python -m bench) runs every bench/bench_*.py module's run(report): a module
named so without one stopped the whole run, as a helper module once did."""

from __future__ import annotations

import importlib
import pkgutil

import bench


def test_every_bench_module_has_a_run_that_make_bench_calls() -> None:
    names = [m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")]
    assert len(names) >= 10  # the benches are found at all
    missing = [n for n in names if not callable(getattr(
        importlib.import_module(f"bench.{n}"), "run", None))]
    assert missing == []
