"""Run the same work in several threads at once, for tests of concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_concurrently(work: Callable[[int], None], n: int) -> list[BaseException]:
    """Start work(0) … work(n − 1) in n threads together, wait for all; what they raised."""
    errors: list[BaseException] = []

    def guarded(i: int) -> None:
        try:
            work(i)
        except BaseException as exc:  # noqa: BLE001 - returned to the test to assert on
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
