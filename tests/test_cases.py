"""Assistance files: who may open them, the access log, masking, overdue measures, versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import AuditLog, CaseAccess
from services.cases import files as cases
from services.cases import measures as case_measures
from services.core.errors import Conflict, Invalid, PermissionDenied
from tests import factories as f

TODAY = date(2025, 11, 20)
GRANNY = [{"name": "周桂兰", "relation": "本人", "id_number": "500104195801012346",
           "phone": "13912345678"},
          {"name": "周子轩", "relation": "孙子", "id_number": "", "phone": ""}]


def _world(s):  # type: ignore[no-untyped-def]
    st = f.station(s)
    home, other, far = f.community(s, station_=st), f.community(s, station_=st), f.community(s)
    o_home, o_other = f.officer(s, home), f.officer(s, other)
    people = {
        "officer": f.user(s, "officer", communities=[home], officer_id=o_home.id),
        "other_officer": f.user(s, "officer", communities=[other], officer_id=o_other.id),
        "supervisor": f.user(s, "supervisor", station_=st),
        "far_supervisor": f.user(s, "supervisor", communities=[far]),
        "admin": f.user(s, "admin"),
        "worker": f.user(s, "grid_worker", communities=[home]),
    }
    actors = {k: f.actor(s, u) for k, u in people.items()}
    case_id = cases.open_case(s, actor=actors["officer"], community_id=home.id,
                              household="周桂兰一家", needs="祖孙三人，无稳定收入", members=GRANNY)
    return actors, case_id


def _measure(s, actor, case_id, due, status="planned", user_id=None):  # type: ignore[no-untyped-def]
    return case_measures.add_measure(s, actor=actor, case_id=case_id,
                                     department="community_workers", kind="counselling",
                                     responsible="社工站", due_date=due, status=status,
                                     responsible_user_id=user_id)


def test_every_opening_is_logged_and_members_are_masked(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    for who in ("officer", "officer", "supervisor", "admin"):
        shown = cases.open_file(session, actor=a[who], case_id=case_id, today=TODAY)
    assert session.scalar(select(func.count()).select_from(CaseAccess)
                          .where(CaseAccess.case_id == case_id)) == 4
    assert len(shown.opened_by) == 4
    opens = session.scalar(select(func.count()).select_from(AuditLog)
                           .where(AuditLog.action == "cases.open"))
    assert opens == 4
    assert shown.members[0]["id_number"] == "500104********2346"
    assert shown.members[0]["phone"] == "139****5678"
    full = cases.reveal_members(session, actor=a["officer"], case_id=case_id)
    assert full[0]["id_number"] == "500104195801012346"
    assert session.scalar(select(func.count()).select_from(AuditLog)
                          .where(AuditLog.action == "data.reveal")) == 1
    with pytest.raises(PermissionDenied):
        cases.reveal_members(session, actor=a["supervisor"], case_id=case_id)


@pytest.mark.parametrize("who", ["other_officer", "far_supervisor", "worker"])
def test_others_are_refused_and_the_refusal_is_audited(engine, who) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine, write=True) as s:
        a, case_id = _world(s)
    with pytest.raises(PermissionDenied), session_scope(engine, write=True) as s:
        cases.open_file(s, actor=a[who], case_id=case_id)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CaseAccess)) == 0
        refused = s.execute(select(AuditLog.actor_user_id, AuditLog.entity_id)
                            .where(AuditLog.action == "auth.permission_denied")).all()
        assert refused == [(a[who].user_id, f"view_cases:case:{case_id}")]
        assert case_id not in [r.id for r in cases.list_cases(s, actor=a[who])]


def test_the_person_responsible_for_a_measure_may_open_and_progress_it(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    worker = a["worker"]
    mid = _measure(session, a["officer"], case_id, TODAY + timedelta(days=5),
                   user_id=worker.user_id)
    shown = cases.open_file(session, actor=worker, case_id=case_id, today=TODAY)
    assert [m.id for m in shown.measures] == [mid]
    case_measures.update_measure(session, actor=worker, measure_id=mid, shown_version=1,
                                 status="in_progress", note="第一次疏导已完成")
    with pytest.raises(PermissionDenied):  # only the file's editors add measures
        _measure(session, worker, case_id, TODAY)
    with pytest.raises(Conflict):  # it changed since version 1 was shown
        case_measures.update_measure(session, actor=a["officer"], measure_id=mid,
                                     shown_version=1, status="done", note="")


def test_overdue_measures_are_flagged(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    late = _measure(session, a["officer"], case_id, TODAY - timedelta(days=12), "in_progress")
    _measure(session, a["officer"], case_id, TODAY - timedelta(days=3), "done")
    _measure(session, a["officer"], case_id, TODAY)  # due today: not yet late
    _measure(session, a["officer"], case_id, None)
    shown = cases.open_file(session, actor=a["officer"], case_id=case_id, today=TODAY)
    assert [m.id for m in shown.measures if m.overdue] == [late]
    flagged = case_measures.overdue_measures(session, actor=a["officer"], today=TODAY)
    assert [(o.measure_id, o.days_late) for o in flagged] == [(late, 12)]
    assert case_measures.overdue_measures(session, actor=a["other_officer"], today=TODAY) == []
    assert [r.overdue for r in cases.list_cases(session, actor=a["supervisor"],
                                                today=TODAY)] == [1]


def test_edit_with_the_version_shown_and_close(session) -> None:  # type: ignore[no-untyped-def]
    a, case_id = _world(session)
    v2 = cases.update_case(session, actor=a["officer"], case_id=case_id, shown_version=1,
                           household="周桂兰一家", needs="另需法律援助")
    with pytest.raises(Conflict):
        cases.update_case(session, actor=a["admin"], case_id=case_id, shown_version=1,
                          household="x", needs="y")
    with pytest.raises(Invalid) as bad:
        cases.close_case(session, actor=a["officer"], case_id=case_id, shown_version=v2,
                         outcome="  ")
    assert bad.value.fields == {"outcome": "error.required"}
    cases.close_case(session, actor=a["officer"], case_id=case_id, shown_version=v2,
                     outcome="生活稳定，孩子正常上学")
    with pytest.raises(Invalid):
        _measure(session, a["officer"], case_id, TODAY)
    assert cases.list_cases(session, actor=a["officer"]) == []
    assert len(cases.list_cases(session, actor=a["officer"], status="closed")) == 1


def test_bad_members_are_refused_with_the_row(session) -> None:  # type: ignore[no-untyped-def]
    a, _case = _world(session)
    community = a["officer"].community_ids
    assert community
    with pytest.raises(Invalid) as bad:
        cases.open_case(session, actor=a["officer"], community_id=next(iter(community)),
                        household="张家", needs="x",
                        members=[{"name": "张三", "id_number": "12345"}])
    assert bad.value.fields == {"members": "cases.person_id_number_bad"}
    assert bad.value.params == {"row": 1}
