"""Disputes (矛盾纠纷): parties (masked), mediation steps, resolution, repeats within 90 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Community, Dispute, Grid, Lead, MediationStep
from services.core import audit, clock, people
from services.core.actor import Actor, Perm, require
from services.core.concurrency import update_versioned
from services.core.errors import Invalid, NotFound
from services.core.scope import check_community, community_filter
from services.core.text import clean_text, clean_texts
from services.leads import load_visible

KINDS = ("neighbour", "family", "property", "labour", "consumer", "land", "other")
RECURRING_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class DisputeRow:
    id: int
    reported_at: datetime
    community: str
    kind: str
    address: str
    parties: str  # names only
    resolved: bool
    recurring_of_id: int | None
    steps: int


@dataclass(frozen=True)
class StepView:
    at: datetime
    by: str
    note: str


@dataclass(frozen=True)
class DisputeView:
    id: int
    community_id: int
    community: str
    grid_id: int | None
    lead_id: int | None
    kind: str
    address: str
    parties: tuple[dict[str, str], ...]  # masked
    description: str
    reported_at: datetime
    resolved: bool
    resolved_at: datetime | None
    resolution: str
    recurring_of_id: int | None
    repeats: tuple[int, ...]  # later disputes flagged as repeats of this one
    version: int
    steps: tuple[StepView, ...]


def _load(session: Session, actor: Actor, dispute_id: int) -> Dispute:
    row = session.get(Dispute, dispute_id)
    if row is None:
        raise NotFound()
    check_community(actor, row.community_id)
    return row


def _address_key(address: str) -> str:
    return "".join(address.split()).lower()


def find_recurring(session: Session, *, community_id: int, address: str,
                   parties: list[dict[str, Any]], at: datetime,
                   exclude_id: int | None = None) -> int | None:
    """The latest earlier dispute within 90 days at the same address (same community) or with
    an overlapping party (same name and phone, anywhere in the district)."""
    rows = session.execute(
        select(Dispute.id, Dispute.community_id, Dispute.address, Dispute.parties)
        .where(Dispute.reported_at >= at - RECURRING_WINDOW, Dispute.reported_at <= at,
               Dispute.id != (exclude_id or -1))
        .order_by(Dispute.reported_at.desc(), Dispute.id.desc())
    ).all()
    key = _address_key(address)
    wanted = {k for k in map(people.key_of, parties) if k}
    for did, cid, addr, theirs in rows:
        if key and cid == community_id and _address_key(addr or "") == key:
            return int(did)
        if wanted & {k for k in map(people.key_of, theirs or []) if k}:
            return int(did)
    return None


def _texts(kind: str, address: str | None, description: str | None) -> dict[str, str]:
    errors: dict[str, str] = {} if kind in KINDS else {"kind": "disputes.bad_kind"}
    out = clean_texts([("address", address, 200, True),
                       ("description", description, 4000, True)], errors)
    return {"kind": kind, **out}


def _check_lead_free(session: Session, actor: Actor, lead_id: int) -> None:
    """The lead must be one the actor may see, and not yet recorded as a dispute: one lead,
    one dispute. On PostgreSQL the lead row is locked first, so two officers recording the
    same lead at once are served one after the other and the second is refused."""
    load_visible(session, actor, lead_id)  # NotFound unless the actor may see the lead
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Lead.id).where(Lead.id == lead_id).with_for_update())
    existing = _linked(session, lead_id)
    if existing is not None:
        raise Invalid(key="disputes.lead_has_dispute", id=existing)


def _linked(session: Session, lead_id: int, *where: Any) -> int | None:
    found = session.scalar(select(Dispute.id).where(Dispute.lead_id == lead_id, *where)
                           .order_by(Dispute.id).limit(1))
    return int(found) if found is not None else None


def dispute_of_lead(session: Session, *, actor: Actor, lead_id: int) -> int | None:
    """The id of the dispute recorded from this lead, if there is one the actor may see."""
    require(actor, Perm.VIEW_DISPUTES)
    load_visible(session, actor, lead_id)
    return _linked(session, lead_id, community_filter(actor, Dispute.community_id))


def record_dispute(session: Session, *, actor: Actor, community_id: int, kind: str,
                   address: str, description: str, parties: list[dict[str, Any]],
                   grid_id: int | None = None, lead_id: int | None = None,
                   reported_at: datetime | None = None) -> DisputeView:
    """Record a dispute; a repeat (same address or party within 90 days) is flagged. A lead
    can become one dispute only: a second one for the same lead is refused."""
    require(actor, Perm.EDIT_DISPUTES)
    check_community(actor, community_id)
    if session.get(Community, community_id) is None:
        raise NotFound()
    if lead_id is not None:
        _check_lead_free(session, actor, lead_id)
    values = _texts(kind, address, description)
    checked = people.check_people(parties, field="parties")
    if not checked:
        raise Invalid({"parties": "disputes.parties_required"})
    grid = session.get(Grid, grid_id) if grid_id is not None else None
    if grid_id is not None and (grid is None or grid.community_id != community_id):
        raise Invalid({"grid_id": "disputes.bad_grid"})
    at = reported_at or clock.now()
    recurring = find_recurring(session, community_id=community_id, address=values["address"],
                               parties=checked, at=at)
    row = Dispute(community_id=community_id, grid_id=grid_id, lead_id=lead_id, parties=checked,
                  reported_at=at, recurring_of_id=recurring, created_by=actor.user_id, **values)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="disputes.create", entity="dispute",
                 entity_id=row.id, after={**values, "community_id": community_id,
                                          "parties": len(checked), "lead_id": lead_id,
                                          "recurring_of_id": recurring})
    return get_dispute(session, actor=actor, dispute_id=row.id)


def add_step(session: Session, *, actor: Actor, dispute_id: int, by: str, note: str,
             at: datetime | None = None, now: datetime | None = None) -> None:
    """A mediation step: who mediated, when, what happened."""
    require(actor, Perm.EDIT_DISPUTES)
    row = _load(session, actor, dispute_id)
    now = now or clock.now()
    at = at or now
    texts = clean_texts([("by", by, 64, True), ("note", note, 2000, True)],
                        {"at": "disputes.step_future"} if at > now else None)
    session.add(MediationStep(dispute_id=row.id, at=at, recorded_by=actor.user_id, **texts))
    session.flush()
    audit.record(session, actor=actor, action="disputes.step", entity="dispute",
                 entity_id=row.id, after={"at": at, "by": texts["by"]})


def set_resolution(session: Session, *, actor: Actor, dispute_id: int, shown_version: int,
                   resolved: bool, resolution: str, now: datetime | None = None) -> int:
    """Mark resolved (saying how) or open again; carries the version shown."""
    require(actor, Perm.EDIT_DISPUTES)
    row = _load(session, actor, dispute_id)
    how = clean_text(resolution, field="resolution", max_len=2000, required=resolved)
    values = {"resolved": resolved, "resolution": how,
              "resolved_at": (now or clock.now()) if resolved else None}
    before = {"resolved": row.resolved, "resolution": row.resolution}
    version = update_versioned(session, Dispute, row.id, shown_version, values, entity="dispute")
    audit.record(session, actor=actor, action="disputes.resolve" if resolved else
                 "disputes.reopen", entity="dispute", entity_id=row.id, before=before,
                 after={"resolved": resolved, "resolution": how})
    return version


def get_dispute(session: Session, *, actor: Actor, dispute_id: int) -> DisputeView:
    require(actor, Perm.VIEW_DISPUTES)
    row = _load(session, actor, dispute_id)
    steps = session.execute(select(MediationStep.at, MediationStep.by, MediationStep.note)
                            .where(MediationStep.dispute_id == row.id)
                            .order_by(MediationStep.at, MediationStep.id)).all()
    repeats = session.scalars(select(Dispute.id).where(Dispute.recurring_of_id == row.id)
                              .order_by(Dispute.id)).all()
    return DisputeView(
        id=row.id, community_id=row.community_id,
        community=session.scalar(select(Community.name).where(Community.id == row.community_id))
        or "", grid_id=row.grid_id, lead_id=row.lead_id, kind=row.kind, address=row.address,
        parties=tuple(people.masked(p) for p in row.parties or []),
        description=row.description, reported_at=row.reported_at, resolved=row.resolved,
        resolved_at=row.resolved_at, resolution=row.resolution,
        recurring_of_id=row.recurring_of_id, repeats=tuple(int(i) for i in repeats),
        version=row.version, steps=tuple(StepView(*s) for s in steps))


def list_disputes(session: Session, *, actor: Actor, only_open: bool = False,
                  only_recurring: bool = False, limit: int = 300) -> list[DisputeRow]:
    """Disputes of the actor's scope, newest first."""
    require(actor, Perm.VIEW_DISPUTES)
    steps = (select(MediationStep.dispute_id.label("did"), func.count().label("n"))
             .group_by(MediationStep.dispute_id).subquery())
    query = (select(Dispute.id, Dispute.reported_at, Community.name, Dispute.kind,
                    Dispute.address, Dispute.parties, Dispute.resolved, Dispute.recurring_of_id,
                    func.coalesce(steps.c.n, 0))
             .join(Community, Community.id == Dispute.community_id)
             .outerjoin(steps, steps.c.did == Dispute.id)
             .where(community_filter(actor, Dispute.community_id))
             .order_by(Dispute.reported_at.desc(), Dispute.id.desc()).limit(limit))
    if only_open:
        query = query.where(Dispute.resolved.is_(False))
    if only_recurring:
        query = query.where(or_(Dispute.recurring_of_id.is_not(None),
                                Dispute.id.in_(select(Dispute.recurring_of_id))))
    return [DisputeRow(int(r[0]), r[1], r[2], r[3], r[4],
                       "、".join(str(p.get("name", "")) for p in r[5] or []), bool(r[6]),
                       r[7], int(r[8])) for r in session.execute(query)]


def reveal_parties(session: Session, *, actor: Actor, dispute_id: int) -> list[dict[str, str]]:
    """The parties unmasked, for those allowed to see personal data; audited."""
    require(actor, Perm.REVEAL_PERSONAL)
    row = _load(session, actor, dispute_id)
    audit.revealed(session, actor=actor, entity="dispute", entity_id=row.id,
                   fields=["parties.phone", "parties.id_number"])
    return [dict(p) for p in row.parties or []]


def community_choices(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Communities where the actor may record a dispute."""
    require(actor, Perm.EDIT_DISPUTES)
    rows = session.execute(select(Community.id, Community.name)
                           .where(community_filter(actor, Community.id)).order_by(Community.name))
    return [(int(i), n) for i, n in rows]
