"""Names in another system's export and what they mean here, remembered per source:
dispatch categories -> Pingan categories, community names -> communities (never a bare id)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, ImportMapping, Station
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid
from services.core.scope import check_community, community_filter
from services.core.text import clean_text
from services.stats.categories import TARGETS, normal_name

KINDS = ("category", "community")
_SUFFIX = re.compile(r"(社区居民委员会|社区居委会|村民委员会|居民委员会|村委会|居委会"
                     r"|社区|村|街道)$")


@dataclass(frozen=True)
class MappingView:
    source: str
    kind: str
    name: str
    target: str


@dataclass(frozen=True)
class Places:
    """The communities the actor may import for, by name, and the stations by name."""

    by_name: dict[str, int]
    names: dict[int, str]
    station_of: dict[int, int]
    stations: dict[str, int]

    def suggest(self, raw: str) -> int | None:
        """A community whose name is the same once 社区/村/居委会 are dropped, or contains
        the other: offered to the user, never taken without a yes. None when not unique."""
        core = _core(raw)
        if len(core) < 2:
            return None
        hits = {cid for name, cid in self.by_name.items()
                if _core(name) == core or (len(_core(name)) >= 2 and (core in name or
                                                                      _core(name) in core))}
        return hits.pop() if len(hits) == 1 else None


def _core(name: str) -> str:
    return _SUFFIX.sub("", normal_name(name))


def places(session: Session, actor: Actor) -> Places:
    by_name: dict[str, int] = {}
    names: dict[int, str] = {}
    station_of: dict[int, int] = {}
    for cid, name, name_en, sid in session.execute(
            select(Community.id, Community.name, Community.name_en, Community.station_id)
            .where(community_filter(actor, Community.id))):
        by_name[normal_name(name)] = cid
        if name_en:
            by_name.setdefault(normal_name(name_en), cid)
        names[cid], station_of[cid] = name, sid
    stations = {normal_name(n): sid for sid, n in session.execute(select(Station.id, Station.name))}
    return Places(by_name, names, station_of, stations)


def remembered(session: Session, *, actor: Actor, source: str, kind: str) -> dict[str, str]:
    """normal name -> target for one source and kind."""
    require(actor, Perm.IMPORT_DATA)
    rows = session.execute(select(ImportMapping.name, ImportMapping.target).where(
        ImportMapping.source == source, ImportMapping.kind == kind))
    return {normal_name(n): t for n, t in rows}


def list_mappings(session: Session, *, actor: Actor, source: str) -> list[MappingView]:
    require(actor, Perm.IMPORT_DATA)
    rows = session.scalars(select(ImportMapping).where(ImportMapping.source == source)
                           .order_by(ImportMapping.kind, ImportMapping.name))
    return [MappingView(m.source, m.kind, m.name, m.target) for m in rows]


def clean_source(source: str) -> str:
    return clean_text(source, field="source", max_len=64)


def save_mappings(session: Session, *, actor: Actor, source: str, kind: str,
                  decisions: dict[str, str]) -> int:
    """Remember what names mean (a new answer replaces the old one); audited. The number of
    names whose meaning changed."""
    require(actor, Perm.IMPORT_DATA)
    source = clean_source(source)
    if kind not in KINDS:
        raise Invalid({"kind": "stats.import.bad_kind"})
    stored = {normal_name(m.name): m for m in session.scalars(select(ImportMapping).where(
        ImportMapping.source == source, ImportMapping.kind == kind))}
    changed = 0
    for raw, target in decisions.items():
        name = clean_text(raw, field="name", max_len=128)
        _check_target(actor, kind, target)
        row = stored.get(normal_name(name))
        if row is not None and row.target == target:
            continue
        before = {"target": row.target} if row is not None else None
        if row is None:
            row = ImportMapping(source=source, kind=kind, name=name, target=target)
            session.add(row)
            stored[normal_name(name)] = row
        row.target, row.updated_at, row.updated_by = target, clock.now(), actor.user_id
        session.flush()
        audit.record(session, actor=actor, action="stats.import_mapping", entity="import_mapping",
                     entity_id=row.id, before=before,
                     after={"source": source, "kind": kind, "name": name, "target": target})
        changed += 1
    return changed


def _check_target(actor: Actor, kind: str, target: str) -> None:
    if kind == "category":
        if target not in TARGETS:
            raise Invalid({"target": "stats.import.bad_target"})
        return
    if not target.isdigit():
        raise Invalid({"target": "stats.import.bad_target"})
    check_community(actor, int(target))
