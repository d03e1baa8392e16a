"""Dispatch: the first rule that finds an active person on duty gets the lead.

Everything dispatch needs for one community (who is on its chain and their accounts, the
rules, the lead's deadlines, and the reporter's grid when the place is theirs) is read in
one statement: a submission is short, and statements, not rows, are what it costs.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, ScalarSelect, Select, Table, bindparam, func, select
from sqlalchemy.orm import Session

from db.models import (
    Community,
    Deadline,
    DispatchRule,
    Grid,
    Member,
    Officer,
    PoliceOffice,
    Station,
    User,
)
from db.prepared import Prepared
from services.leads.rules import DEFAULT_DEADLINES, RULE_KINDS, deadline_minutes

LEVEL_OF_RULE = {"community_officer": "community", "office_backup": "community",
                 "station_duty_supervisor": "station"}
FALLBACK_MINUTES = (240, 4320)  # an urgency with no row and no default (never in practice)


@dataclass(frozen=True)
class Assignment:
    rule: str | None
    officer_id: int | None
    user_id: int | None
    level: str


@dataclass(frozen=True)
class Where:
    """The community's links that dispatch follows (boundaries are never loaded here)."""

    officer_id: int | None
    police_office_id: int
    station_id: int


@dataclass(frozen=True)
class Chain:
    """Everyone the rules may reach for one community, with their active accounts."""

    officer_id: int | None
    officer_ready: bool
    officer_user_id: int | None
    backup_id: int | None
    backup_ready: bool
    backup_user_id: int | None
    duty_user_id: int | None
    duty_active: bool


@dataclass(frozen=True)
class OwnPlace:
    """The reporter's own grid, when the submission names no place."""

    grid_id: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Context:
    """What one dispatch reads: the chain, the active rule kinds in order, and, when a
    category and urgency were given, the (accept, resolve) minutes."""

    community_id: int
    chain: Chain
    kinds: tuple[str, ...]
    minutes: tuple[int, int] | None
    own: OwnPlace | None = None


def officer_user(session: Session, officer_id: int) -> int | None:
    """The active account of an officer, if they have one."""
    return session.scalar(select(User.id).where(User.officer_id == officer_id,
                                                User.active.is_(True)).limit(1))


def where_of(session: Session, community_id: int) -> Where | None:
    row = session.execute(select(Community.officer_id, Community.police_office_id,
                                 Community.station_id).where(Community.id == community_id)).first()
    return Where(*row) if row else None


def duty_supervisor(session: Session, station_id: int) -> int | None:
    """The station's duty supervisor, if the station has one whose account is active."""
    return session.scalar(select(Station.duty_supervisor_id)
                          .join(User, User.id == Station.duty_supervisor_id)
                          .where(Station.id == station_id, User.active.is_(True)))


def _t(model: Any) -> Table:
    return cast(Table, model.__table__)


# Plain tables, not the mapped classes: an ORM-enabled select costs more to run than this
# whole read takes in the database. Aliases made once: each copies every column.
_C, _P, _S, _G, _M = _t(Community), _t(PoliceOffice), _t(Station), _t(Grid), _t(Member)
_U, _R, _D = _t(User), _t(DispatchRule), _t(Deadline)
_OWN, _BACKUP, _DUTY = _t(Officer).alias("own"), _t(Officer).alias("backup"), _U.alias("duty")


def _account_of(officer: Any) -> ScalarSelect[Any]:
    return (select(func.min(_U.c.id)).where(_U.c.officer_id == officer.c.id,
                                            _U.c.active.is_(True)).scalar_subquery())


def _rule_position(kind: str) -> ScalarSelect[Any]:
    return (select(func.min(_R.c.position))
            .where(_R.c.kind == kind, _R.c.active.is_(True)).scalar_subquery())


def _minutes(column: str, category: Any) -> ScalarSelect[Any]:
    return (select(func.min(_D.c[column])).where(_D.c.urgency == bindparam("urgency"),
                                                 _D.c.category == category).scalar_subquery())


def _context_statement(*, by_member: bool, with_deadlines: bool) -> Select[Any]:
    """The one read, built once per shape with bound parameters, so that SQLAlchemy's
    compiled cache is hit without walking a new statement on every submission."""
    own, backup, duty = _OWN, _BACKUP, _DUTY
    columns: list[Any] = [
        _C.c.id, _C.c.officer_id, own.c.active & own.c.on_duty, _account_of(own),
        _P.c.backup_officer_id, backup.c.active & backup.c.on_duty, _account_of(backup),
        _S.c.duty_supervisor_id, duty.c.active,
        select(func.count()).select_from(_R).scalar_subquery(),
        *[_rule_position(kind) for kind in RULE_KINDS],
    ]
    if with_deadlines:
        category: Any = bindparam("category")
        columns += [_minutes("accept_minutes", category), _minutes("resolve_minutes", category),
                    _minutes("accept_minutes", "*"), _minutes("resolve_minutes", "*")]
    if by_member:
        columns += [_G.c.id, _G.c.lat, _G.c.lon]
    stmt = select(*columns)
    if by_member:
        stmt = (stmt.select_from(_M).join(_G, _G.c.id == _M.c.grid_id)
                .join(_C, _C.c.id == _G.c.community_id)
                .where(_M.c.id == bindparam("member_id")))
    else:
        stmt = stmt.select_from(_C).where(_C.c.id == bindparam("community_id"))
    return (stmt.join(_P, _P.c.id == _C.c.police_office_id)
            .join(_S, _S.c.id == _C.c.station_id)
            .outerjoin(own, own.c.id == _C.c.officer_id)
            .outerjoin(backup, backup.c.id == _P.c.backup_officer_id)
            .outerjoin(duty, duty.c.id == _S.c.duty_supervisor_id))


_STATEMENTS = {(m, d): Prepared(_context_statement(by_member=m, with_deadlines=d))
               for m in (False, True) for d in (False, True)}


def _kinds(total: int, positions: Sequence[int | None]) -> tuple[str, ...]:
    """The active rule kinds in their order; the built-in order when the table is empty."""
    if not total:
        return RULE_KINDS
    found = [(p, i) for i, p in enumerate(positions) if p is not None]
    return tuple(RULE_KINDS[i] for _p, i in sorted(found))


def _chosen_minutes(urgency: str, row: Sequence[Any]) -> tuple[int, int]:
    """The category's own row, else '*', else the built-in default (as deadline_minutes)."""
    own_a, own_r, any_a, any_r = row
    if own_a is not None:
        return int(own_a), int(own_r)
    if any_a is not None:
        return int(any_a), int(any_r)
    return DEFAULT_DEADLINES.get(urgency, FALLBACK_MINUTES)


def context_of(
    session: Session, *, community_id: int | None = None, member_id: int | None = None,
    category: str | None = None, urgency: str | None = None,
) -> Context | None:
    """Read dispatch's context for a community, or for a member's own grid (then `own` is
    set); None when the community (or the member's grid) does not exist."""
    session.flush()  # a plain-table read does not flush what the caller has queued
    return context_on(session.connection(), community_id=community_id, member_id=member_id,
                      category=category, urgency=urgency)


def context_on(
    conn: Connection, *, community_id: int | None = None, member_id: int | None = None,
    category: str | None = None, urgency: str | None = None,
) -> Context | None:
    """`context_of` on the transaction's connection, for a caller that holds it already and
    has nothing queued in its session."""
    by_member = community_id is None
    with_deadlines = category is not None and urgency is not None
    params: dict[str, Any] = ({"member_id": member_id} if by_member
                              else {"community_id": community_id})
    if with_deadlines:
        params |= {"category": category, "urgency": urgency}
    rows = _STATEMENTS[by_member, with_deadlines].execute(conn, params)
    if not rows:
        return None
    row = rows[0]
    n = len(RULE_KINDS)
    chain = Chain(row[1], bool(row[2]), row[3], row[4], bool(row[5]), row[6], row[7],
                  bool(row[8]))
    kinds = _kinds(row[9], row[10:10 + n])
    rest = row[10 + n:]
    minutes = _chosen_minutes(str(urgency), rest[:4]) if with_deadlines else None
    own = OwnPlace(*rest[-3:]) if by_member else None
    return Context(int(row[0]), chain, kinds, minutes, own)


def _pick(chain: Chain, kind: str, exclude: Collection[int]) -> Assignment | None:
    """Who the rule `kind` reaches, or None."""
    if kind == "community_officer" and chain.officer_ready and chain.officer_id not in exclude:
        return Assignment(kind, chain.officer_id, chain.officer_user_id, LEVEL_OF_RULE[kind])
    if kind == "office_backup" and chain.backup_ready and chain.backup_id not in exclude:
        return Assignment(kind, chain.backup_id, chain.backup_user_id, LEVEL_OF_RULE[kind])
    if kind == "station_duty_supervisor" and chain.duty_active:
        return Assignment(kind, None, chain.duty_user_id, LEVEL_OF_RULE[kind])
    return None


NOBODY = Assignment(None, None, None, "community")


def pick(context: Context | None, *, exclude: Collection[int] = (),
         kinds: Sequence[str] | None = None) -> Assignment:
    """Walk the rules (`kinds`, else the context's) in order; NOBODY when nobody can take it."""
    if context is None:
        return NOBODY
    for kind in context.kinds if kinds is None else kinds:
        found = _pick(context.chain, kind, exclude)
        if found is not None:
            return found
    return NOBODY


def choose(session: Session, community_id: int, *, exclude: Collection[int] = (),
           kinds: Sequence[str] | None = None) -> Assignment:
    """Walk the active rules (`kinds`, read when not given) in order; Assignment(rule=None)
    when nobody can take it. One statement."""
    return pick(context_of(session, community_id=community_id), exclude=exclude, kinds=kinds)


def dispatch_event_row(lead_id: int, at: datetime, who: Assignment) -> dict[str, Any]:
    """The event of an automatic dispatch, on submit or later: by the system, not a person."""
    return {"lead_id": lead_id, "at": at, "actor_user_id": None, "action": "dispatch",
            "from_status": "new", "to_status": "dispatched", "note": "",
            "data": {"rule": who.rule, "officer_id": who.officer_id, "user_id": who.user_id}}


def deadlines(
    session: Session, category: str, urgency: str, *, created_at: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """(accept by, resolve by): accepting counts from now, resolving from the report."""
    accept, resolve = deadline_minutes(session, category, urgency)
    return due(accept, resolve, created_at=created_at, now=now)


def due(accept: int, resolve: int, *, created_at: datetime,
        now: datetime) -> tuple[datetime, datetime]:
    return now + timedelta(minutes=accept), created_at + timedelta(minutes=resolve)
