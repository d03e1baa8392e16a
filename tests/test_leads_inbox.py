"""Who sees which leads, inbox filters and paging, shared tasks, and the audited export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog
from services import leads
from services.core.errors import Invalid, NotFound
from tests.leads_world import World, build

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ALL = leads.InboxFilters(open_only=False)


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _report(s: Session, actor, **kw):  # type: ignore[no-untyped-def]
    return leads.report_lead(s, actor=actor, category=kw.pop("category", "help"),
                             urgency=kw.pop("urgency", "routine"),
                             description=kw.pop("description", "独居老人求助"), **kw)


def _ids(s: Session, actor, filters=ALL) -> set[int]:  # type: ignore[no-untyped-def]
    return {r.id for r in leads.inbox(s, actor=actor, filters=filters, page_size=500).rows}


def test_each_role_sees_exactly_its_leads(session: Session, w: World) -> None:
    a = _report(session, w.grid1).id  # c1, by grid1
    b = _report(session, w.grid2).id  # c2, by grid2
    c = _report(session, w.officer1, community_id=w.c1.id).id  # c1, by the officer
    d = _report(session, w.supervisor, community_id=w.c2.id).id
    assert _ids(session, w.admin) == {a, b, c, d}
    assert _ids(session, w.district_sup) == {a, b, c, d}
    assert _ids(session, w.supervisor) == {a, b, c, d}  # the whole station
    assert _ids(session, w.officer1) == {a, c}
    assert _ids(session, w.officer2) == {b, d}
    assert _ids(session, w.grid1) == {a}
    assert _ids(session, w.grid2) == {b}
    with pytest.raises(NotFound):
        leads.get_lead(session, actor=w.grid1, lead_id=c)
    task = leads.create_task(session, actor=w.officer1, lead_id=c, title="上门看看",
                             team_id=w.team1.id)
    assert _ids(session, w.grid1) == {a, c}  # their team's task brings the lead with it
    assert task and _ids(session, w.grid2) == {b}


def test_filters_sorting_and_paging_happen_in_sql(session: Session, w: World) -> None:
    made = [_report(session, w.grid1, urgency=u, category=c, now=T0 + timedelta(minutes=i))
            for i, (u, c) in enumerate([("routine", "help"), ("emergency", "fire"),
                                        ("urgent", "fire"), ("routine", "traffic")] * 3)]
    page = leads.inbox(session, actor=w.officer1, filters=ALL, page=2, page_size=5)
    assert (page.total, page.pages, page.page, len(page.rows)) == (12, 3, 2, 5)
    fire = leads.InboxFilters(categories=("fire",), urgencies=("emergency",))
    assert _ids(session, w.officer1, fire) == {m.id for m in made if m.urgency == "emergency"}
    by_deadline = leads.inbox(session, actor=w.officer1, filters=leads.InboxFilters(),
                              page_size=3).rows
    assert [r.urgency for r in by_deadline] == ["emergency"] * 3  # 5 minutes to accept
    newest = leads.inbox(session, actor=w.officer1,
                         filters=leads.InboxFilters(sort="newest"), page_size=1).rows
    assert newest[0].id == made[-1].id
    late = leads.InboxFilters(overdue_only=True)
    now = T0 + timedelta(minutes=20)
    overdue = leads.inbox(session, actor=w.officer1, filters=late, now=now, page_size=50).rows
    assert {r.id for r in overdue} == {m.id for m in made if m.urgency == "emergency"}
    assert all(r.overdue for r in overdue)
    day = T0.date()
    dated = leads.InboxFilters(date_from=day + timedelta(days=1))
    assert _ids(session, w.officer1, dated) == set()


def test_officer_mine_is_what_was_dispatched_to_them(session: Session, w: World) -> None:
    a = _report(session, w.grid1)
    w.o1.on_duty = False
    b = _report(session, w.grid1)  # to the backup
    mine = leads.InboxFilters(mine=True)
    assert _ids(session, w.officer1, mine) == {a.id}
    assert _ids(session, w.backup_officer, mine) == {b.id}
    summary = leads.summary(session, actor=w.backup_officer)
    assert summary.mine_open == 1


def test_supervisors_see_urgent_leads_waiting(session: Session, w: World) -> None:
    _report(session, w.grid1, urgency="routine")
    urgent = _report(session, w.grid1, urgency="emergency")
    s = leads.summary(session, actor=w.supervisor)
    assert (s.urgent_waiting, s.newest_urgent_id) == (1, urgent.id)
    assert leads.summary(session, actor=w.officer2).urgent_waiting == 0


def test_shared_task_claimed_once_reported_back_and_counted_in_the_grid(
        session: Session, w: World) -> None:
    view = _report(session, w.grid2, community_id=w.c1.id)
    view = leads.act(session, actor=w.officer1, lead_id=view.id, action="accept",
                     shown_version=view.version)
    tid = leads.create_task(session, actor=w.officer1, lead_id=view.id, title="入户走访")
    task = leads.list_tasks(session, actor=w.grid1)[0]
    assert task.id == tid and task.status == "open"
    assert leads.list_tasks(session, actor=w.grid2) == []  # another community's member
    leads.claim_task(session, actor=w.grid1, task_id=tid, shown_version=task.version)
    with pytest.raises(Invalid) as err:
        leads.claim_task(session, actor=w.grid1, task_id=tid, shown_version=task.version)
    assert err.value.key == "leads.task_taken"
    claimed = leads.list_tasks(session, actor=w.grid1)[0]
    leads.finish_task(session, actor=w.grid1, task_id=tid, shown_version=claimed.version,
                      report="已劝导")
    view = leads.get_lead(session, actor=w.officer1, lead_id=view.id).lead
    done = leads.act(session, actor=w.officer1, lead_id=view.id, action="resolve",
                     shown_version=view.version, note="队员已处理")
    assert done.closed_level == "grid"
    timeline = [e.action for e in leads.get_lead(session, actor=w.officer1,
                                                 lead_id=view.id).events]
    assert "task" in timeline and "task_done" in timeline


def test_contact_is_masked_for_all_but_admins_the_community_officer_and_the_reporter(
        session: Session, w: World) -> None:
    view = _report(session, w.grid1, reporter_contact="网格员吕红 13812341234")
    seen = {name: leads.get_lead(session, actor=getattr(w, name), lead_id=view.id)
            .reporter_contact for name in ("admin", "officer1", "supervisor", "grid1",
                                           "backup_officer")}
    masked = "网格员吕红 138****1234"  # only the number is masked, not the words around it
    assert seen == {"admin": "网格员吕红 13812341234", "officer1": "网格员吕红 13812341234",
                    "supervisor": masked, "grid1": "网格员吕红 13812341234",
                    "backup_officer": masked}
    entry = session.scalar(select(AuditLog.after).where(AuditLog.action == "leads.report",
                                                        AuditLog.entity_id == str(view.id)))
    assert entry is not None and entry["reporter_contact"] == masked


def test_export_respects_scope_and_masking_and_is_audited(session: Session, w: World) -> None:
    _report(session, w.grid1, reporter_contact="13812345678", description="=cmd|' /C calc'!A0")
    _report(session, w.grid2, reporter_contact="13900001111")
    data, n = leads.export_leads(session, actor=w.supervisor, filters=ALL, fmt="csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert n == 2 and len(rows) == 3
    col = rows[0].index("reporter_contact")
    assert sorted(r[col] for r in rows[1:]) == ["138****5678", "139****1111"]
    assert all(not r[rows[0].index("description")].startswith("=") for r in rows[1:])
    data, n = leads.export_leads(session, actor=w.officer1, filters=ALL, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.values)
    assert n == 1 and values[1][values[0].index("reporter_contact")] == "13812345678"
    exports = session.scalars(select(AuditLog.after).where(AuditLog.action == "leads.export"))
    assert [(e["format"], e["rows"]) for e in exports] == [("csv", 2), ("xlsx", 1)]
