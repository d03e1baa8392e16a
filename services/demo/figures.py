"""Small exact-arithmetic helpers that let the demo hit the bureau's figures to one decimal."""

from __future__ import annotations

from datetime import date

import numpy as np

MARGIN = 0.03  # stay this far inside the rounding band, so any rounding rule gives the figure


def change_pct(before: int, this: int) -> float:
    return (this - before) / before * 100


def pct_pair(before: int, pct: float) -> tuple[int, int]:
    """(before', this') with before' as close to `before` as possible and the change = pct."""
    for step in range(0, 10 * before + 100):
        for b in (before + step, before - step):
            if b < 10:
                continue
            this = round(b * (1 + pct / 100))
            if abs(change_pct(b, this) - pct) <= MARGIN:
                return b, this
    raise ValueError("no pair")  # pragma: no cover - some pair always exists for b >= 10


def rate_pair(n_this: int, r_this: int, n_before: int, r_before: int, gain: float
              ) -> tuple[int, int] | None:
    """Resolved counts (this', before') closest to the drawn ones whose rates differ by `gain`."""
    best: tuple[int, int, int] | None = None
    for step in range(0, n_before + 1):
        if best is not None and step > best[0]:
            break
        for rb in {r_before + step, r_before - step}:
            if not 0 <= rb <= n_before:
                continue
            rt = round((rb / n_before + gain / 100) * n_this)
            if not 0 <= rt <= n_this:
                continue
            if abs(100 * rt / n_this - 100 * rb / n_before - gain) <= MARGIN:
                cost = step + abs(rt - r_this)
                if best is None or cost < best[0]:
                    best = (cost, rt, rb)
    return None if best is None else (best[1], best[2])


def set_total(counts: np.ndarray, weights: np.ndarray, target: int,
              rng: np.random.Generator) -> np.ndarray:
    """Counts changed to sum to `target`: units added by weight, or removed at random."""
    diff = int(target - counts.sum())
    if diff > 0:
        return counts + rng.multinomial(diff, weights / weights.sum())
    if diff < 0:
        return counts - rng.multivariate_hypergeometric(counts.astype(np.int64), -diff)
    return counts


def in_days(ordinals: np.ndarray, first: date, last: date) -> np.ndarray:
    return (ordinals >= first.toordinal()) & (ordinals <= last.toordinal())
