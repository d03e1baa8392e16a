"""Import rows checked one by one against what is on file: add, update, same, or bad (why)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, Grid, Member, Membership, SocialUnit, Team
from services.core.actor import Actor
from services.core.scope import community_filter
from services.roster import checks
from services.roster.common import SKILLS, TEAM_KINDS, UNIT_KINDS

Aliases = dict[str, dict[str, str]]  # "skill" | "team_kind" | "unit_kind" -> {label: code}
_SPLIT = re.compile(r"[,，、;；/|\n]+")
CHUNK = 500


@dataclass(frozen=True)
class RowResult:
    line: int  # the row as the sheet numbers it
    name: str
    action: str  # add | update | same | bad | decide (a possible match the user decides)
    problems: tuple[tuple[str, str], ...] = ()  # (field, translation key)
    params: tuple[tuple[str, str], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()  # (field, translation key): what was done
    changes: tuple[tuple[str, str, str], ...] = ()  # (field, before, after) as shown, masked
    candidate: str = ""  # decide: the person on file who shares the phone (name, masked)


@dataclass
class Op:
    """What one good row does: a new record, or changes to `record` (empty: nothing)."""

    result: RowResult
    values: dict[str, Any]
    record: Any = None
    team_id: int | None = None  # a member's team: a new membership when not yet in it
    teams: frozenset[int] = frozenset()  # the teams the matched member serves in now


def split(cell: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(cell or "") if p.strip()]


def _code(aliases: Aliases, kind: str, text: str, codes: tuple[str, ...]) -> str | None:
    low = text.strip().lower()
    return low if low in codes else aliases.get(kind, {}).get(low)


@dataclass
class Context:
    """Everything rows are matched against, read once for the whole file."""

    actor: Actor
    aliases: Aliases
    default_community: int | None
    communities: dict[str, int] = field(default_factory=dict)
    teams: dict[int, list[Team]] = field(default_factory=lambda: defaultdict(list))
    grids: dict[tuple[int, str], int] = field(default_factory=dict)
    by_id_number: dict[str, Member] = field(default_factory=dict)
    by_phone: dict[tuple[int, str], list[Member]] = field(default_factory=dict)
    grid_names: dict[int, str] = field(default_factory=dict)
    decisions: dict[int, str] = field(default_factory=dict)  # sheet row -> same | different
    elsewhere: list[tuple[int, str]] = field(default_factory=list)  # (row, ID digest)
    elsewhere_seen: set[str] = field(default_factory=set)  # digests matched today
    over_limit: int = 0
    quota_spent: bool = False
    team_community: dict[int, int] = field(default_factory=dict)
    member_teams: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    units: dict[tuple[int, str], SocialUnit] = field(default_factory=dict)


def load_context(session: Session, actor: Actor, aliases: Aliases,
                 default_community: int | None) -> Context:
    ctx = Context(actor, aliases, default_community)
    where = community_filter(actor, Community.id)
    for cid, name, name_en in session.execute(select(Community.id, Community.name,
                                                     Community.name_en).where(where)):
        ctx.communities[name.lower()] = cid
        if name_en:
            ctx.communities.setdefault(name_en.lower(), cid)
    ids = set(ctx.communities.values())
    for team in session.scalars(select(Team).where(community_filter(actor, Team.community_id))
                                .order_by(Team.active.desc(), Team.id)):
        ctx.teams[team.community_id].append(team)
        ctx.team_community[team.id] = team.community_id
    for gid, cid, code, name in session.execute(select(Grid.id, Grid.community_id, Grid.code,
                                                       Grid.name)
                                                .where(Grid.community_id.in_(sorted(ids)))):
        ctx.grid_names[gid] = name
        ctx.grids.setdefault((cid, code.lower()), gid)
        ctx.grids.setdefault((cid, name.lower()), gid)
    return ctx


def load_members(session: Session, ctx: Context, numbers: set[str], phones: set[str]) -> None:
    """Members the file may name: by ID number (anywhere), by phone (in scope)."""
    for chunk in _chunks(sorted(numbers)):
        for m in session.scalars(select(Member).where(Member.id_number.in_(chunk))):
            ctx.by_id_number[m.id_number or ""] = m
    for chunk in _chunks(sorted(phones)):
        rows = session.execute(select(Member, Team.community_id)
                               .join(Membership, Membership.member_id == Member.id)
                               .join(Team, Team.id == Membership.team_id)
                               .where(Member.phone.in_(chunk),
                                      community_filter(ctx.actor, Team.community_id))
                               .order_by(Member.id))
        for m, cid in rows:  # the oldest first
            same = ctx.by_phone.setdefault((cid, m.phone), [])
            if m not in same:
                same.append(m)
    ids = sorted({m.id for m in ctx.by_id_number.values()}
                 | {m.id for ms in ctx.by_phone.values() for m in ms})
    for chunk in _chunks(ids):  # type: ignore[arg-type]
        for mid, tid in session.execute(select(Membership.member_id, Membership.team_id)
                                        .where(Membership.member_id.in_(chunk))):
            ctx.member_teams[mid].add(tid)


def load_units(session: Session, ctx: Context) -> None:
    for u in session.scalars(select(SocialUnit).where(
            community_filter(ctx.actor, SocialUnit.community_id))):
        ctx.units[(u.community_id, u.name.lower())] = u


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


def community_of(ctx: Context, cell: str, problems: checks.Problems) -> int | None:
    if not cell:
        if ctx.default_community is None:
            problems.fields["community"] = "roster.v.required"
        return ctx.default_community
    cid = ctx.communities.get(cell.strip().lower())
    if cid is None:
        problems.fields["community"] = "roster.imp.no_community"
    return cid


def team_of(ctx: Context, cid: int, cell: str, problems: checks.Problems) -> Team | None:
    """A team of the community by name, else the one active team of the kind named."""
    teams = ctx.teams.get(cid, [])
    low = cell.strip().lower()
    named = [t for t in teams if t.name.lower() == low]
    if named:
        return named[0]
    kind = _code(ctx.aliases, "team_kind", cell, TEAM_KINDS)
    of_kind = [t for t in teams if t.kind == kind and t.active]
    if len(of_kind) == 1:
        return of_kind[0]
    problems.fields["team"] = "roster.imp.team_ambiguous" if of_kind else "roster.imp.no_team"
    return None


def skills_of(ctx: Context, cell: str, problems: checks.Problems) -> list[str] | None:
    codes = [_code(ctx.aliases, "skill", part, SKILLS) for part in split(cell)]
    if any(c is None for c in codes):
        problems.fields["skills"] = "roster.v.skill"
        return None
    return [s for s in SKILLS if s in codes]


def unit_kind_of(ctx: Context, cell: str, problems: checks.Problems) -> str | None:
    if not cell.strip():
        problems.fields["kind"] = "roster.v.required"
        return None
    kind = _code(ctx.aliases, "unit_kind", cell, UNIT_KINDS)
    if kind is None:
        problems.fields["kind"] = "roster.v.choice"
    return kind
