"""Seeded random sources for the demo: one independent stream per stage, all from one seed."""

from __future__ import annotations

import random
import zlib

import numpy as np


class Rngs:
    """Streams keyed by stage name, so that changing one stage leaves the others' data alone."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def np(self, stage: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(stage.encode())])

    def py(self, stage: str) -> random.Random:
        return random.Random(self.seed * 1_000_003 + zlib.crc32(stage.encode()))
