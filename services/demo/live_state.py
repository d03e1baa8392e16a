"""What the living demo remembers between runs, kept as JSON in one system_setting row."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LiveState:
    """What the simulation must remember between runs (kept as JSON)."""

    at: int  # epoch seconds: simulated up to here
    seed: int
    per_day: float  # leads a day before the pilot's extra eyes
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # lead id -> its plan
    checked_in: dict[str, int] = field(default_factory=dict)  # presence id -> planned end

    def dump(self) -> str:
        return json.dumps({"at": self.at, "seed": self.seed, "per_day": self.per_day,
                           "pending": self.pending, "checked_in": self.checked_in})
