"""Measures and visits of assistance files, and the overdue measures flagged on home pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from db.models import (
    AssistanceCase,
    AssistanceMeasure,
    AssistanceVisit,
    Community,
    User,
    UserCommunity,
)
from services.cases.files import (
    CLOSED,
    load_openable,
    openable,
    overdue_clause,
)
from services.core import audit, clock
from services.core.actor import Actor, Perm, Role, require
from services.core.concurrency import update_versioned
from services.core.errors import Invalid, NotFound
from services.core.text import clean_text, clean_texts

DEPARTMENTS = ("civil_affairs", "legal_aid", "education", "community_workers", "housing",
               "health", "human_resources", "other")
KINDS = ("subsistence_allowance", "temporary_relief", "legal_aid", "tuition", "counselling",
         "home_repair", "regular_visit", "medical", "employment", "other")
STATUSES = ("planned", "in_progress", "done")


def _open_case(session: Session, actor: Actor, case_id: int) -> AssistanceCase:
    require(actor, Perm.EDIT_CASES)
    row = load_openable(session, actor, case_id)
    if row.status == CLOSED:
        raise Invalid(key="cases.closed_no_change")
    return row


def _measure_fields(department: str, kind: str, responsible: str | None, status: str,
                    note: str | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if department not in DEPARTMENTS:
        errors["department"] = "cases.bad_department"
    if kind not in KINDS:
        errors["kind"] = "cases.bad_kind"
    if status not in STATUSES:
        errors["status"] = "cases.bad_status"
    out: dict[str, Any] = {"department": department, "kind": kind, "status": status}
    for field, value, max_len in (("responsible", responsible, 64), ("note", note, 2000)):
        try:
            out[field] = clean_text(value, field=field, max_len=max_len,
                                    required=field == "responsible")
        except Invalid as exc:
            errors.update(exc.fields)
    if errors:
        raise Invalid(errors)
    return out


def _check_user(session: Session, user_id: int | None) -> None:
    if user_id is not None and session.get(User, user_id) is None:
        raise Invalid({"responsible_user_id": "cases.bad_user"})


def add_measure(session: Session, *, actor: Actor, case_id: int, department: str, kind: str,
                responsible: str, due_date: date | None, responsible_user_id: int | None = None,
                status: str = "planned", note: str = "") -> int:
    """A measure owned by a department, with a responsible person and a due date."""
    row = _open_case(session, actor, case_id)
    values = _measure_fields(department, kind, responsible, status, note)
    _check_user(session, responsible_user_id)
    measure = AssistanceMeasure(case_id=row.id, due_date=due_date,
                                responsible_user_id=responsible_user_id, **values)
    session.add(measure)
    session.flush()
    audit.record(session, actor=actor, action="cases.measure_add", entity="assistance_measure",
                 entity_id=measure.id, after={**values, "case_id": row.id, "due_date": due_date,
                                              "responsible_user_id": responsible_user_id})
    return measure.id


def update_measure(session: Session, *, actor: Actor, measure_id: int, shown_version: int,
                   status: str, note: str, due_date: date | None = None) -> int:
    """Progress a measure: the file's editors, or the person responsible for it."""
    measure = session.get(AssistanceMeasure, measure_id)
    if measure is None:
        raise NotFound()
    responsible = measure.responsible_user_id == actor.user_id
    if not responsible:
        require(actor, Perm.EDIT_CASES)
    row = load_openable(session, actor, measure.case_id)
    if row.status == CLOSED:
        raise Invalid(key="cases.closed_no_change")
    values = _measure_fields(measure.department, measure.kind, measure.responsible or "-",
                             status, note)
    changes: dict[str, Any] = {"status": values["status"], "note": values["note"]}
    if due_date is not None and not responsible:
        changes["due_date"] = due_date
        if due_date != measure.due_date:  # a new due date: late again only once it passes
            changes["overdue_since"] = None
    before = {k: getattr(measure, k) for k in changes}
    version = update_versioned(session, AssistanceMeasure, measure.id, shown_version, changes,
                               entity="assistance_measure")
    audit.record(session, actor=actor, action="cases.measure_update",
                 entity="assistance_measure", entity_id=measure.id, before=before, after=changes)
    return version


def add_visit(session: Session, *, actor: Actor, case_id: int, visitor: str, findings: str,
              at: datetime | None = None, now: datetime | None = None) -> None:
    """A visit to the household: when, who, what was found."""
    row = _open_case(session, actor, case_id)
    now = now or clock.now()
    at = at or now
    texts = clean_texts([("visitor", visitor, 64, True), ("findings", findings, 4000, True)],
                        {"at": "cases.visit_future"} if at > now else None)
    session.add(AssistanceVisit(case_id=row.id, at=at, recorded_by=actor.user_id, **texts))
    session.flush()
    audit.record(session, actor=actor, action="cases.visit", entity="assistance_case",
                 entity_id=row.id, after={"at": at, "visitor": texts["visitor"]})


@dataclass(frozen=True)
class Overdue:
    measure_id: int
    case_id: int
    household: str
    community: str
    department: str
    kind: str
    responsible: str
    due_date: date
    days_late: int


def overdue_measures(session: Session, *, actor: Actor, today: date | None = None,
                     limit: int = 50) -> list[Overdue]:
    """Measures past due and not done, in open files the actor may open (or is responsible
    for): an officer's own communities, a supervisor's scope, an assignee's measures."""
    today = today or clock.local_today()
    mine = or_(openable(actor), AssistanceMeasure.responsible_user_id == actor.user_id)
    rows = session.execute(
        select(AssistanceMeasure.id, AssistanceCase.id, AssistanceCase.household, Community.name,
               AssistanceMeasure.department, AssistanceMeasure.kind,
               AssistanceMeasure.responsible, AssistanceMeasure.due_date)
        .join(AssistanceCase, AssistanceCase.id == AssistanceMeasure.case_id)
        .join(Community, Community.id == AssistanceCase.community_id)
        .where(overdue_clause(today), AssistanceCase.status != CLOSED, mine)
        .order_by(AssistanceMeasure.due_date, AssistanceMeasure.id).limit(limit)
    ).all()
    return [Overdue(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7],
                    days_late=(today - r[7]).days) for r in rows if r[7] is not None]


def responsible_choices(session: Session, *, actor: Actor, case_id: int) -> list[tuple[int, str]]:
    """Accounts a measure can be assigned to: active officers and workers of the community."""
    require(actor, Perm.EDIT_CASES)
    row = load_openable(session, actor, case_id)
    users = session.execute(
        select(User.id, User.display_name).where(
            User.active.is_(True), User.role.in_([Role.OFFICER.value, Role.GRID_WORKER.value]),
            User.id.in_(select(UserCommunity.user_id).where(
                UserCommunity.community_id == row.community_id)))
        .order_by(User.display_name)).all()
    return [(int(i), n) for i, n in users]



def flag_overdue_measures(session: Session, *, today: date, limit: int = 500) -> int:
    """Flag measures of open files that are past due and not done, once each (overdue_since,
    with an audit entry), in the caller's transaction; returns how many. Run by the worker,
    so a measure is known late on the day it becomes late, whether or not anyone looks."""
    stmt = (select(AssistanceMeasure.id, AssistanceMeasure.case_id, AssistanceMeasure.due_date)
            .join(AssistanceCase, AssistanceCase.id == AssistanceMeasure.case_id)
            .where(overdue_clause(today), AssistanceCase.status != CLOSED,
                   AssistanceMeasure.overdue_since.is_(None))
            .order_by(AssistanceMeasure.due_date, AssistanceMeasure.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=AssistanceMeasure, skip_locked=True)
    rows = session.execute(stmt).all()
    if not rows:
        return 0
    session.execute(update(AssistanceMeasure)
                    .where(AssistanceMeasure.id.in_([r[0] for r in rows]),
                           AssistanceMeasure.overdue_since.is_(None))
                    .values(overdue_since=today).execution_options(synchronize_session=False))
    audit.record_many(session, actor=None, actor_name="system", entries=[
        audit.Entry("cases.measure_overdue", "assistance_measure", r[0],
                    {"overdue_since": None},
                    {"overdue_since": today.isoformat(), "case_id": r[1],
                     "due_date": r[2].isoformat() if r[2] else None})
        for r in rows])
    return len(rows)
