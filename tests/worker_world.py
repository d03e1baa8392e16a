"""Work waiting for the worker: an overdue lead, a lead left "new", a late measure, an alert
past its window; made through the services where they can be, by hand where the point is that
nothing but the worker would notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import Alert, AssistanceCase, AssistanceMeasure, Officer
from services import leads
from services.accounts import users
from services.core import clock
from tests.leads_world import World, build


@dataclass
class Pending:
    world: World
    overdue_lead: int
    waiting_lead: int
    measure: int
    alert: int


def overdue_lead(s: Session, w: World, *, days: int = 2) -> int:
    """Reported `days` ago and dispatched then: its time to accept ran out long ago."""
    view = leads.report_lead(s, actor=w.grid1, category="dispute", urgency="urgent",
                             description="楼道堆放杂物，多次劝说无果",
                             now=clock.now() - timedelta(days=days))
    assert view.status == "dispatched"
    return view.id


def make(s: Session) -> Pending:
    w = build(s)
    late = overdue_lead(s, w)
    # Nobody available: the lead waits in "new"...
    for o in (w.o1, w.backup):
        s.execute(update(Officer).where(Officer.id == o.id).values(on_duty=False))
    users.set_active(s, actor=w.admin, username=w.supervisor.username, active=False)
    waiting = leads.report_lead(s, actor=w.grid1, category="public_order", urgency="routine",
                                description="路灯损坏，夜间无照明").id
    assert leads.get_lead(s, actor=w.admin, lead_id=waiting).lead.status == "new"
    # ...and then the officer is back on duty by a change no service saw (a roster sync, a
    # DBA): only a periodic sweep can dispatch it now.
    s.execute(update(Officer).where(Officer.id == w.o1.id).values(on_duty=True))
    case = AssistanceCase(community_id=w.c1.id, household="陈某某", needs="独居老人")
    s.add(case)
    s.flush()
    measure = AssistanceMeasure(case_id=case.id, department="civil_affairs",
                                kind="subsistence_allowance", responsible="民政办",
                                due_date=clock.local_today() - timedelta(days=3))
    now = clock.now()
    alert = Alert(origin_region="外省某市", title="协查：诈骗嫌疑人", subject="两名男子",
                  target={"community_ids": [w.c1.id]}, valid_from=now - timedelta(days=3),
                  valid_to=now - timedelta(hours=1), status="published", published_at=now)
    s.add_all([measure, alert])
    s.flush()
    return Pending(w, late, waiting, measure.id, alert.id)


def today() -> date:
    return clock.local_today()
