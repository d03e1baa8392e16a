"""What the generator knows about the district so far, passed from stage to stage."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import Polygon

from services.demo.dates import Calendar
from services.demo.layout import Layout
from services.demo.names import IdRegistry, PhoneBook
from services.demo.rand import Rngs


@dataclass
class Members:
    """Team members column-wise (index = position in these lists)."""

    ids: list[int] = field(default_factory=list)
    community: list[int] = field(default_factory=list)  # community index
    grid: list[int] = field(default_factory=list)  # grid index
    kind: list[str] = field(default_factory=list)  # team kind
    active: list[bool] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)


@dataclass
class World:
    cal: Calendar
    rngs: Rngs
    layout: Layout
    phones: PhoneBook
    id_numbers: IdRegistry
    district_id: int = 0
    sub_ids: list[int] = field(default_factory=list)
    station_ids: list[int] = field(default_factory=list)
    office_ids: list[int] = field(default_factory=list)
    community_ids: list[int] = field(default_factory=list)
    community_sub: list[int] = field(default_factory=list)  # also the station index
    community_officer: list[int] = field(default_factory=list)  # officer index
    grid_ids: list[int] = field(default_factory=list)
    grid_community: list[int] = field(default_factory=list)
    grid_polys: list[Polygon] = field(default_factory=list)
    grid_hotspots: list[np.ndarray] = field(default_factory=list)
    officer_ids: list[int] = field(default_factory=list)
    officer_names: list[str] = field(default_factory=list)
    officer_badges: list[str] = field(default_factory=list)
    officer_communities: list[list[int]] = field(default_factory=list)
    officer_user_ids: list[int] = field(default_factory=list)
    members: Members = field(default_factory=Members)
    team_ids: dict[tuple[int, str], int] = field(default_factory=dict)
    logins: dict[str, int] = field(default_factory=dict)  # demo username -> user id
    grid_login_member: int = -1  # member index of the demo "grid" account
    duty_user_ids: list[int] = field(default_factory=list)  # per station
    shuanglin: int = 0  # community index of 双林社区
    units: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)  # per community
    _grids_by_community: dict[int, list[int]] = field(default_factory=dict)

    def grids_of(self, c: int) -> list[int]:
        """Grid indexes of community c."""
        if not self._grids_by_community:
            for g, gc in enumerate(self.grid_community):
                self._grids_by_community.setdefault(gc, []).append(g)
        return self._grids_by_community[c]

    @property
    def populations(self) -> np.ndarray:
        return np.array([c.population for c in self.layout.communities], dtype=float)
