"""50 attempts to reach another community's records by id: 0 succeed (and the owner can)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select

from db.engine import session_scope
from db.models import AuditLog, LeadEvent
from services import disputes, leads
from services.cases import files as cases
from services.core.errors import NotFound, PermissionDenied
from services.roster.reveal import reveal
from tests import factories as f
from tests.leads_world import World, build

EACH = 10


def _records(engine: Engine) -> tuple[World, dict[str, list[int]]]:
    """Ten records of each kind in community 1; the intruders work in community 2."""
    with session_scope(engine, write=True) as s:
        w = build(s)
        made: dict[str, list[int]] = {"lead": [], "case": [], "dispute": [], "member": []}
        for i in range(EACH):
            made["lead"].append(leads.report_lead(
                s, actor=w.grid1, category="other", urgency="routine", description=f"线索{i}",
                community_id=w.c1.id, grid_id=w.g1.id).id)
            made["case"].append(cases.open_case(s, actor=w.officer1, community_id=w.c1.id,
                                                household=f"住户{i}", needs="帮扶"))
            made["dispute"].append(disputes.record_dispute(
                s, actor=w.officer1, community_id=w.c1.id, kind="neighbour",
                address=f"双林路{i}号", description="噪音",
                parties=[{"name": f"当事人{i}", "phone": "13912345678"}]).id)
            made["member"].append(f.member(s, w.team1, phone=f"1391234{i:04d}",
                                           id_number=None).id)
    return w, made


ATTEMPTS: dict[str, Callable[[Any, Any, int], Any]] = {
    "lead": lambda s, a, i: leads.get_lead(s, actor=a, lead_id=i),
    "lead_action": lambda s, a, i: leads.act(s, actor=a, lead_id=i, action="accept",
                                             shown_version=1),
    "case": lambda s, a, i: cases.open_file(s, actor=a, case_id=i),
    "dispute": lambda s, a, i: disputes.get_dispute(s, actor=a, dispute_id=i),
    "member": lambda s, a, i: reveal(s, actor=a, entity="member", record_id=i, field="phone"),
}
KIND = {"lead": "lead", "lead_action": "lead", "case": "case", "dispute": "dispute",
        "member": "member"}


def _try(engine: Engine, attempt: Callable[..., Any], actor: Any, record: int) -> bool:
    try:
        with session_scope(engine, write=True) as s:
            attempt(s, actor, record)
    except (NotFound, PermissionDenied):
        return False
    return True


def test_fifty_attempts_on_another_communitys_records_all_fail(engine: Engine) -> None:
    w, made = _records(engine)
    intruders = {"lead": w.officer2, "lead_action": w.officer2, "case": w.officer2,
                 "dispute": w.officer2, "member": w.officer2}
    succeeded = attempts = 0
    for name, attempt in ATTEMPTS.items():
        for record in made[KIND[name]]:
            attempts += 1
            succeeded += _try(engine, attempt, intruders[name], record)
    print(f"\nscope [{engine.dialect.name}]: {attempts} attempts on another community's "
          f"records by id, {succeeded} succeeded")
    assert (attempts, succeeded) == (50, 0)
    with session_scope(engine) as s:  # each attempt is in the audit trail as a refusal
        refusals = s.execute(select(AuditLog.entity_id).where(
            AuditLog.action == "auth.permission_denied",
            AuditLog.actor_user_id == w.officer2.user_id)).scalars().all()
    print(f"scope [{engine.dialect.name}]: {len(refusals)} refusals audited: "
          f"{sorted({r.rsplit(':', 1)[0] for r in refusals})}")
    assert len(refusals) == 50  # once each
    # grid workers: not even their own community's leads reported by someone else
    others = [_try(engine, ATTEMPTS["lead"], w.grid2, i) for i in made["lead"]]
    assert not any(others)


def test_the_same_ids_open_for_their_own_officer(engine: Engine) -> None:
    """The control: the attempts above failed for scope, not because the ids were bad."""
    w, made = _records(engine)
    for name in ("lead", "case", "dispute", "member"):
        assert all(_try(engine, ATTEMPTS[name], w.officer1, i) for i in made[KIND[name]]), name


def test_the_nearby_check_and_add_to_lead_stay_in_scope_and_audit_the_probe(
        engine: Engine) -> None:
    """Issue 14, finding 2: a grid worker of community 2 types the place of community 1's
    leads: none is shown (not its number, status or words), none can be added to, and every
    probe is audited; a grid worker of community 1 (the control) sees and adds."""
    with session_scope(engine, write=True) as s:
        w = build(s)
        made = [leads.report_lead(s, actor=w.grid1, category="other", urgency="routine",
                                  description=f"线索{i} 身份证110101199003071234 电话13912345678",
                                  lat=29.4800, lon=106.4800 + i * 0.0001).id
                for i in range(EACH)]
        control = f.actor(s, f.user(s, "grid_worker", communities=[w.c1]))
    with session_scope(engine) as s:
        seen = leads.nearby_leads(s, actor=w.grid2, category="other", lat=29.4801, lon=106.4803)
    assert seen == []
    added = sum(_try(engine, lambda s, a, i: leads.add_to_lead(
        s, actor=a, lead_id=i, description="我也看到了"), w.grid2, lead) for lead in made)
    print(f"\nscope [{engine.dialect.name}]: nearby check showed 0 of {EACH} leads of another "
          f"community, add-to-lead succeeded {added} of {EACH} times")
    assert added == 0
    with session_scope(engine) as s:
        refusals = s.execute(select(AuditLog.entity_id).where(
            AuditLog.action == "auth.permission_denied",
            AuditLog.actor_user_id == w.grid2.user_id)).scalars().all()
        notes = s.execute(select(LeadEvent.id).where(LeadEvent.action == "add_info")).all()
    assert sorted(refusals) == sorted([f"scope:lead:{i}" for i in made] * 2) and notes == []
    with session_scope(engine, write=True) as s:  # the control
        near = leads.nearby_leads(s, actor=control, category="other", lat=29.4801,
                                  lon=106.4803)
        assert sorted(n.id for n in near) == sorted(made)
        assert all("13912345678" not in n.excerpt and "199003071234" not in n.excerpt
                   for n in near)
        leads.add_to_lead(s, actor=control, lead_id=made[0], description="我也看到了")
