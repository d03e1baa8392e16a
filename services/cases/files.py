"""Assistance files (一对一帮扶档案): who may open one, every opening logged, open/edit/close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from db.models import (
    AssistanceCase,
    AssistanceMeasure,
    AssistanceVisit,
    CaseAccess,
    Community,
    User,
)
from services.core import audit, clock, people
from services.core.actor import Actor, Perm, Role, refuse, require
from services.core.concurrency import update_versioned
from services.core.errors import Invalid, NotFound
from services.core.scope import check_community, community_filter
from services.core.text import clean_text, clean_texts

OPEN, CLOSED = "open", "closed"
ACCESS_SHOWN = 50


@dataclass(frozen=True)
class CaseRow:
    id: int
    household: str
    community: str
    status: str
    opened_at: datetime
    measures: int
    overdue: int
    last_visit: datetime | None


@dataclass(frozen=True)
class MeasureView:
    id: int
    department: str
    kind: str
    responsible: str
    responsible_user_id: int | None
    due_date: date | None
    status: str
    note: str
    overdue: bool
    version: int


@dataclass(frozen=True)
class VisitView:
    at: datetime
    visitor: str
    findings: str


@dataclass(frozen=True)
class CaseFile:
    id: int
    community_id: int
    community: str
    household: str
    address: str
    members: tuple[dict[str, str], ...]  # masked
    needs: str
    status: str
    outcome: str
    opened_at: datetime
    closed_at: datetime | None
    version: int
    measures: tuple[MeasureView, ...]
    visits: tuple[VisitView, ...]
    opened_by: tuple[tuple[datetime, str], ...]  # the access log, newest first


def _assigned(actor: Actor) -> ColumnElement[bool]:
    return AssistanceCase.id.in_(select(AssistanceMeasure.case_id).where(
        AssistanceMeasure.responsible_user_id == actor.user_id))


def openable(actor: Actor) -> ColumnElement[bool]:
    """Files the actor may open: admins all; supervisors their scope; the officer of the
    community (or of the file); anyone responsible for one of its measures."""
    if actor.role == Role.ADMIN:
        return true()
    allowed = [_assigned(actor)]
    if actor.role == Role.SUPERVISOR:
        allowed.append(community_filter(actor, AssistanceCase.community_id))
    if actor.officer_id is not None:
        allowed += [AssistanceCase.officer_id == actor.officer_id,
                    AssistanceCase.community_id.in_(select(Community.id).where(
                        Community.officer_id == actor.officer_id))]
    return or_(*allowed) if allowed else false()


def load_openable(session: Session, actor: Actor, case_id: int) -> AssistanceCase:
    """The file if the actor may open it; a refusal (audited) if it exists but they may not."""
    row = session.get(AssistanceCase, case_id)
    if row is None:
        raise NotFound()
    if not session.scalar(select(exists().where(AssistanceCase.id == case_id, openable(actor)))):
        refuse(actor, Perm.VIEW_CASES, f"case:{case_id}")
    return row


def overdue_clause(today: date) -> ColumnElement[bool]:
    return (AssistanceMeasure.due_date < today) & (AssistanceMeasure.status != "done")


def list_cases(session: Session, *, actor: Actor, status: str | None = OPEN,
               today: date | None = None) -> list[CaseRow]:
    """The files the actor may open (listing is not opening: nothing personal is shown)."""
    today = today or clock.local_today()
    counts = (select(AssistanceMeasure.case_id.label("cid"), func.count().label("n"),
                     func.sum(case((overdue_clause(today), 1), else_=0)).label("late"))
              .group_by(AssistanceMeasure.case_id).subquery())
    visits = (select(AssistanceVisit.case_id.label("cid"), func.max(AssistanceVisit.at).label("at"))
              .group_by(AssistanceVisit.case_id).subquery())
    query = (select(AssistanceCase.id, AssistanceCase.household, Community.name,
                    AssistanceCase.status, AssistanceCase.opened_at,
                    func.coalesce(counts.c.n, 0), func.coalesce(counts.c.late, 0), visits.c.at)
             .join(Community, Community.id == AssistanceCase.community_id)
             .outerjoin(counts, counts.c.cid == AssistanceCase.id)
             .outerjoin(visits, visits.c.cid == AssistanceCase.id)
             .where(openable(actor)).order_by(AssistanceCase.opened_at.desc()).limit(500))
    if status:
        query = query.where(AssistanceCase.status == status)
    return [CaseRow(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), int(r[6]), r[7])
            for r in session.execute(query)]


def open_file(session: Session, *, actor: Actor, case_id: int, now: datetime | None = None,
              today: date | None = None, log: bool = True) -> CaseFile:
    """Open one file: refused (and audited) unless allowed; every opening is logged.

    `log=False` only for redrawing a file the same user has just opened (a page rerun after
    a click on it): the permission is checked all the same.
    """
    row = load_openable(session, actor, case_id)
    now = now or clock.now()
    if log:
        session.add(CaseAccess(case_id=row.id, user_id=actor.user_id, at=now))
        audit.record(session, actor=actor, action="cases.open", entity="assistance_case",
                     entity_id=row.id)
    return _file(session, row, today or clock.local_today(now))


def measures_of(session: Session, case_id: int, today: date) -> list[MeasureView]:
    rows = session.scalars(select(AssistanceMeasure).where(AssistanceMeasure.case_id == case_id)
                           .order_by(AssistanceMeasure.due_date, AssistanceMeasure.id)).all()
    return [MeasureView(m.id, m.department, m.kind, m.responsible, m.responsible_user_id,
                        m.due_date, m.status, m.note, is_overdue(m.due_date, m.status, today),
                        m.version) for m in rows]


def is_overdue(due: date | None, status: str, today: date) -> bool:
    """Overdue: a due date before today (Asia/Shanghai) and not done."""
    return due is not None and due < today and status != "done"


def _file(session: Session, row: AssistanceCase, today: date) -> CaseFile:
    log = session.execute(
        select(CaseAccess.at, func.coalesce(User.display_name, ""))
        .outerjoin(User, User.id == CaseAccess.user_id).where(CaseAccess.case_id == row.id)
        .order_by(CaseAccess.at.desc(), CaseAccess.id.desc()).limit(ACCESS_SHOWN)).all()
    visits = session.execute(select(AssistanceVisit.at, AssistanceVisit.visitor,
                                    AssistanceVisit.findings)
                             .where(AssistanceVisit.case_id == row.id)
                             .order_by(AssistanceVisit.at.desc())).all()
    community = session.get(Community, row.community_id)
    return CaseFile(
        id=row.id, community_id=row.community_id, community=community.name if community else "",
        household=row.household, address=row.address,
        members=tuple(people.masked(m) for m in row.members or []), needs=row.needs,
        status=row.status, outcome=row.outcome, opened_at=row.opened_at,
        closed_at=row.closed_at, version=row.version,
        measures=tuple(measures_of(session, row.id, today)),
        visits=tuple(VisitView(*v) for v in visits), opened_by=tuple((a, n) for a, n in log))


def reveal_members(session: Session, *, actor: Actor, case_id: int) -> list[dict[str, str]]:
    """The household members unmasked, for those allowed to see personal data; audited."""
    require(actor, Perm.REVEAL_PERSONAL)
    row = load_openable(session, actor, case_id)
    audit.revealed(session, actor=actor, entity="assistance_case", entity_id=row.id,
                   fields=["members.id_number", "members.phone"])
    return [dict(m) for m in row.members or []]


def _fields(household: str | None, address: str | None, needs: str | None) -> dict[str, str]:
    return clean_texts([("household", household, 100, True), ("address", address, 200, False),
                        ("needs", needs, 4000, True)])


def open_case(session: Session, *, actor: Actor, community_id: int, household: str,
              needs: str, address: str = "", members: list[dict[str, Any]] | None = None,
              now: datetime | None = None) -> int:
    """Open a file for a household of a community in scope; the community's officer owns it."""
    require(actor, Perm.EDIT_CASES)
    check_community(actor, community_id)
    community = session.get(Community, community_id)
    if community is None:
        raise NotFound()
    text = _fields(household, address, needs)
    checked = people.check_people(members or [], field="members")
    row = AssistanceCase(community_id=community_id, members=checked, status=OPEN,
                         officer_id=community.officer_id or actor.officer_id,
                         opened_at=now or clock.now(), **text)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="cases.create", entity="assistance_case",
                 entity_id=row.id, after={**text, "community_id": community_id,
                                          "members": len(checked)})
    return row.id


def update_case(session: Session, *, actor: Actor, case_id: int, shown_version: int,
                household: str, needs: str, address: str = "",
                members: list[dict[str, Any]] | None = None) -> int:
    """Edit the household's facts; refused if someone changed the file since it was shown,
    and once the file is closed (its outcome is the record)."""
    require(actor, Perm.EDIT_CASES)
    row = load_openable(session, actor, case_id)
    if row.status == CLOSED:
        raise Invalid(key="cases.closed_no_change")
    text = _fields(household, address, needs)
    values: dict[str, Any] = dict(text)
    if members is not None:
        values["members"] = people.check_people(members, field="members")
    before = {k: getattr(row, k) for k in text}
    version = update_versioned(session, AssistanceCase, row.id, shown_version, values,
                               entity="assistance_case")
    audit.record(session, actor=actor, action="cases.update", entity="assistance_case",
                 entity_id=row.id, before=before,
                 after={**text, "members": len(values.get("members", row.members or []))})
    return version


def close_case(session: Session, *, actor: Actor, case_id: int, shown_version: int,
               outcome: str, now: datetime | None = None) -> int:
    """Close the file with its outcome (what changed for the household)."""
    require(actor, Perm.EDIT_CASES)
    row = load_openable(session, actor, case_id)
    if row.status == CLOSED:
        raise Invalid(key="cases.already_closed")
    text = clean_text(outcome, field="outcome", max_len=4000)
    version = update_versioned(session, AssistanceCase, row.id, shown_version,
                               {"status": CLOSED, "outcome": text,
                                "closed_at": now or clock.now()}, entity="assistance_case")
    audit.record(session, actor=actor, action="cases.close", entity="assistance_case",
                 entity_id=row.id, before={"status": OPEN},
                 after={"status": CLOSED, "outcome": text})
    return version


def community_choices(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Communities where the actor may open a file."""
    require(actor, Perm.EDIT_CASES)
    query = select(Community.id, Community.name).where(community_filter(actor, Community.id))
    if actor.role == Role.OFFICER:
        query = query.where(Community.officer_id == actor.officer_id)
    return [(int(i), n) for i, n in session.execute(query.order_by(Community.name))]
