"""Social units take shared tasks: the officer gives one to a unit of the lead's community and
records its report-back; the lead then closes in the grid. Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from db.engine import session_scope
from db.models import AuditLog, Lead, LeadEvent, SocialUnit, Task
from services import leads
from services.core.errors import Invalid, NotFound, PermissionDenied
from services.leads.unit_tasks import give_task_to_unit, record_unit_report
from tests.leads_world import build


def _unit(s, community_id: int, active: bool = True) -> int:  # type: ignore[no-untyped-def]
    unit = SocialUnit(community_id=community_id, name="重庆农村商业银行双林支行", kind="company",
                      active=active)
    s.add(unit)
    s.flush()
    return unit.id


def test_a_bank_branch_takes_a_task_and_the_lead_closes_in_the_grid(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = build(s)
        view = leads.report_lead(s, actor=w.grid1, category="fraud", urgency="routine",
                                 description="有人冒充客服让老人转账", community_id=w.c1.id,
                                 grid_id=w.g1.id)
        view = leads.act(s, actor=w.officer1, lead_id=view.id, action="accept",
                         shown_version=view.version)
        bank = _unit(s, w.c1.id)
        task_id = give_task_to_unit(s, actor=w.officer1, lead_id=view.id, social_unit_id=bank,
                                    title="网点劝阻可疑转账")
        shown = leads.list_tasks(s, actor=w.officer1, lead_id=view.id)
        assert [(t.status, t.claimed_by) for t in shown] == [
            ("claimed", "重庆农村商业银行双林支行")]
        with pytest.raises(PermissionDenied):
            record_unit_report(s, actor=w.grid1, task_id=task_id, shown_version=1, report="x")
        with pytest.raises(NotFound):
            record_unit_report(s, actor=w.officer2, task_id=task_id, shown_version=1,
                               report="已劝阻")
        with pytest.raises(Invalid):
            record_unit_report(s, actor=w.officer1, task_id=task_id, shown_version=1, report=" ")
        record_unit_report(s, actor=w.officer1, task_id=task_id, shown_version=1,
                           report="网点已劝阻转账，留存记录。")
        with pytest.raises(Invalid):  # once done, nothing more to record
            record_unit_report(s, actor=w.officer1, task_id=task_id, shown_version=2,
                               report="again")
        lead = s.get(Lead, view.id)
        assert lead is not None
        leads.act(s, actor=w.officer1, lead_id=view.id, action="resolve",
                  shown_version=lead.version, note="已处置")
    with session_scope(engine) as s:
        task = s.get(Task, task_id)
        lead = s.get(Lead, view.id)
        assert task is not None and lead is not None
        assert (task.status, task.social_unit_id, task.claimed_by_member_id) == ("done", bank, None)
        assert task.done_at is not None and task.report == "网点已劝阻转账，留存记录。"
        assert lead.closed_level == "grid"
        actions = s.scalars(select(LeadEvent.action).where(LeadEvent.lead_id == view.id)).all()
        assert actions.count("task") == 1 and actions.count("task_done") == 1
        audited = set(s.scalars(select(AuditLog.action).where(AuditLog.entity == "task")))
        assert {"leads.task_unit", "leads.task_unit_done"} <= audited


def test_only_an_active_unit_of_the_leads_community(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = build(s)
        view = leads.report_lead(s, actor=w.grid1, category="fire", urgency="routine",
                                 description="楼道堆放杂物", community_id=w.c1.id,
                                 grid_id=w.g1.id)
        elsewhere, closed = _unit(s, w.c2.id), _unit(s, w.c1.id, active=False)
        for unit in (elsewhere, closed, 999_999):
            with pytest.raises(Invalid) as err:
                give_task_to_unit(s, actor=w.officer1, lead_id=view.id, social_unit_id=unit,
                                  title="清理楼道")
            assert err.value.fields == {"social_unit_id": "leads.bad_unit"}
        with pytest.raises(PermissionDenied):
            give_task_to_unit(s, actor=w.grid1, lead_id=view.id, social_unit_id=closed,
                              title="清理楼道")
        assert s.scalar(select(Task.id)) is None
