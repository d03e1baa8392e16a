"""The command board (指挥台): live sections, shift figures, alarm, units and supervisor tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from db.models import Community, Officer, PoliceOffice, Station
from services.board.alarm import (
    ACK,
    SHOWN,
    Acknowledged,
    AlarmLead,
    acknowledge,
    newest_urgent,
    sounding,
)
from services.board.handover import AlertInForce, Escalation, Handover, UnitHours, handover
from services.board.handover_page import handover_page
from services.board.live import (
    BoardFilters,
    BoardRow,
    Section,
    in_progress,
    overdue,
    scope_where,
    totals,
    waiting,
)
from services.board.map import POINTS as MAP_POINTS
from services.board.map import BoardMap, MapLead, MapUnit, board_map
from services.board.saved import save_filters, saved_filters
from services.board.shift import KINDS, Shift, ShiftFigures, figures, shift, shift_at
from services.board.units import OFFICER_STATES, TEAM_STATES, Unit, officer_units, team_units
from services.core import clock
from services.core.actor import Actor, Perm, require
from services.core.errors import Invalid, ServiceError
from services.core.scope import community_filter
from services.leads import act

__all__ = [
    "ACK", "acknowledge", "Acknowledged", "act", "Actor", "Alarm", "alarm", "AlarmLead",
    "AlertInForce", "Board", "board", "board_choices", "board_map", "BoardFilters", "BoardMap",
    "BoardRow", "Choices", "clock", "Community", "community_filter", "dataclass", "datetime",
    "Escalation", "figures", "Handover", "handover", "handover_page", "in_progress", "Invalid",
    "KINDS", "MAP_POINTS", "MapLead", "MapUnit", "newest_urgent", "Officer", "OFFICER_STATES",
    "officer_units", "overdue", "Perm", "PoliceOffice", "reassign_many", "require",
    "save_filters", "saved_filters", "scope_where", "Section", "select", "ServiceError",
    "Session", "Shift", "shift", "shift_at", "shift_figures", "ShiftFigures", "SHOWN",
    "sounding", "Station", "TEAM_STATES", "team_units", "totals", "true", "Unit", "UnitHours",
    "waiting",
]


@dataclass(frozen=True)
class Board:
    now: datetime
    waiting: Section
    in_progress: Section
    late: Section
    late_by_station: tuple[tuple[str, int], ...]
    officers: tuple[Unit, ...]
    teams: tuple[Unit, ...]


@dataclass(frozen=True)
class Choices:
    stations: tuple[tuple[int, str], ...]
    communities: tuple[tuple[int, str], ...]
    officers: tuple[tuple[int, str], ...]  # active officers a lead in scope may go to


def board(session: Session, *, actor: Actor, filters: BoardFilters,
          now: datetime | None = None) -> Board:
    """Everything the board shows on one refresh, limited to the actor's scope and filters."""
    require(actor, Perm.VIEW_BOARD)
    now = now or clock.now()
    base = scope_where(session, actor, filters)
    counts, stations = totals(session, base, now)
    return Board(
        now=now, waiting=waiting(session, base, now, counts.get("waiting", 0)),
        in_progress=in_progress(session, base, now, counts.get("progress", 0)),
        late=overdue(session, base, now, counts.get("late", 0)),
        late_by_station=tuple(stations),
        officers=tuple(officer_units(session, actor, filters.station_ids)),
        teams=tuple(team_units(session, actor, filters.station_ids)),
    )


@dataclass(frozen=True)
class Alarm:
    now: datetime
    alarms: tuple[AlarmLead, ...]  # emergencies sounding, newest first (SHOWN + 1 at most)
    newest_urgent: int  # the newest urgent lead waiting (0: none): a chime when it grows


def alarm(session: Session, *, actor: Actor, filters: BoardFilters,
          now: datetime | None = None) -> Alarm:
    """What the alarm needs, read on its own and more often than the board (two small
    indexed queries): a new emergency sounds within seconds of its dispatch."""
    require(actor, Perm.VIEW_BOARD)
    now = now or clock.now()
    base = scope_where(session, actor, filters)
    return Alarm(now, sounding(session, base, now), newest_urgent(session, base, now))


def shift_figures(session: Session, *, actor: Actor, filters: BoardFilters,
                  now: datetime | None = None) -> ShiftFigures:
    """The headline figures of the shift running now, in the actor's scope and filters (the
    board reads them every 30 s, not on every refresh: they move slowly and cost most)."""
    require(actor, Perm.VIEW_BOARD)
    now = now or clock.now()
    return figures(session, scope_where(session, actor, filters), shift_at(now), now)


def board_choices(session: Session, *, actor: Actor) -> Choices:
    """Stations and communities to filter by; officers to reassign to (active, in scope)."""
    require(actor, Perm.VIEW_BOARD)
    scope = community_filter(actor, Community.id)
    communities = session.execute(select(Community.id, Community.name, Community.station_id)
                                  .where(scope).order_by(Community.name)).all()
    station_ids = sorted({int(r[2]) for r in communities})
    stations = session.execute(select(Station.id, Station.name).where(
        Station.id.in_(station_ids) if actor.community_ids is not None else true())
        .order_by(Station.name)).all()
    officers: list[tuple[int, str]] = []
    if actor.can(Perm.SUPERVISE_LEADS):
        officers = [(int(i), n) for i, n in session.execute(
            select(Officer.id, Officer.name)
            .join(PoliceOffice, PoliceOffice.id == Officer.police_office_id)
            .where(PoliceOffice.station_id.in_([s[0] for s in stations]),
                   Officer.active.is_(True)).order_by(Officer.name)).all()]
    return Choices(tuple((int(i), n) for i, n in stations),
                   tuple((int(r[0]), r[1]) for r in communities), tuple(officers))


def reassign_many(session: Session, *, actor: Actor, shown: dict[int, int], officer_id: int,
                  note: str = "", now: datetime | None = None) -> int:
    """Give several leads (id → the version shown) to one officer in one transaction: each a
    workflow reassignment, audited; any refusal or conflict undoes all (the caller's rollback)
    and names the lead. Returns how many were reassigned."""
    require(actor, Perm.SUPERVISE_LEADS)
    if not shown:
        raise Invalid({"leads": "board.pick_leads"})
    if officer_id not in dict(board_choices(session, actor=actor).officers):
        raise Invalid({"officer_id": "leads.bad_officer"})
    now = now or clock.now()
    for lead_id, version in sorted(shown.items()):
        try:
            act(session, actor=actor, lead_id=int(lead_id), action="reassign",
                shown_version=int(version), note=note, now=now, officer_id=officer_id)
        except ServiceError as exc:
            exc.params.setdefault("lead", int(lead_id))  # the page names the lead that failed
            raise
    return len(shown)
