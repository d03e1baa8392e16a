"""Publishing an alert: freeze it, build its recipient list in one bulk insert, supersede the
version it amends."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import Alert, AlertRecipient, Community, Officer, Team, User
from services import roster
from services.alerts.common import (
    DRAFT,
    PUBLISHED,
    SUPERSEDED,
    AlertView,
    Target,
    check_target,
    load_alert,
    require_status,
    target_communities,
    view_of,
)
from services.alerts.photos import photo_ids
from services.core import audit, clock
from services.core.actor import Actor, Perm, require
from services.core.concurrency import update_versioned
from services.core.errors import Invalid


@dataclass(frozen=True)
class Reach:
    """Who publishing would reach: officers, members, and how many of them have accounts."""

    officers: int
    members: int
    with_account: int
    relayed: int

    @property
    def total(self) -> int:
        return self.officers + self.members


def _accounts(session: Session, column: Any, ids: Iterable[int | None]) -> dict[int, int]:
    """person id → active user id, for User.member_id or User.officer_id."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(select(column, User.id).where(column.in_(wanted),
                                                         User.active.is_(True))
                           .order_by(User.id.desc()))
    return {int(p): int(u) for p, u in rows}


def _officer_rows(session: Session, target: Target, communities: set[int]) -> list[dict[str, Any]]:
    if "officer" not in target.roles or not communities:
        return []
    rows = session.execute(
        select(Community.id, Community.officer_id).join(Officer, Officer.id == Community.officer_id)
        .where(Community.id.in_(sorted(communities)), Officer.active.is_(True))
        .order_by(Community.id)).all()
    users = _accounts(session, User.officer_id, [o for _, o in rows])
    seen: dict[int, dict[str, Any]] = {}
    for cid, oid in rows:  # an officer of several communities is one recipient
        if oid is not None:
            seen.setdefault(oid, {"officer_id": oid, "member_id": None, "user_id": users.get(oid),
                                  "community_id": cid, "team_id": None, "relay_user_id": None})
    return list(seen.values())


def _member_rows(session: Session, actor: Actor, target: Target, at: datetime
                 ) -> list[dict[str, Any]]:
    """Active members in the area matching kinds, skills (all of them) and availability; only
    team leaders unless "member" is among the roles. Those without an account are relayed by
    their team leader's account, else by their community officer's."""
    if not {"leader", "member"} & set(target.roles):
        return []
    helpers = roster.who_can_help(
        session, actor=actor, community_ids=target.community_ids or None,
        grid_ids=target.grid_ids or None, skills=target.skills, team_kinds=target.team_kinds,
        at=at if target.available_only else None)
    teams = {int(t): (int(c), leader) for t, c, leader in session.execute(
        select(Team.id, Team.community_id, Team.leader_member_id)
        .where(Team.id.in_(sorted({h.team_id for h in helpers}))))}
    if "member" not in target.roles:  # a leader may be listed under another of their teams
        led = set(session.scalars(select(Team.leader_member_id).where(
            Team.active.is_(True), Team.leader_member_id.in_(sorted({h.member_id
                                                                       for h in helpers})))))
        helpers = [h for h in helpers if h.member_id in led]
    leaders = {leader for _, leader in teams.values() if leader is not None}
    users = _accounts(session, User.member_id, [h.member_id for h in helpers] + list(leaders))
    officer_of = {int(c): o for c, o in session.execute(select(Community.id, Community.officer_id)
                  .where(Community.id.in_(sorted({c for c, _ in teams.values()}))))}
    officers = _accounts(session, User.officer_id, [o for o in officer_of.values() if o])
    rows = []
    for h in helpers:
        user = users.get(h.member_id)
        relay = None
        if user is None:
            leader = teams[h.team_id][1]
            relay = users.get(leader) if leader is not None else None
            relay = relay or officers.get(officer_of.get(h.community_id) or -1)
        rows.append({"officer_id": None, "member_id": h.member_id, "user_id": user,
                     "community_id": h.community_id, "team_id": h.team_id,
                     "relay_user_id": relay})
    return rows


def recipients_for(session: Session, *, actor: Actor, target: Target,
                   at: datetime) -> list[dict[str, Any]]:
    """The recipient rows (without alert id) that publishing `target` at `at` would make."""
    communities = target_communities(session, target)
    return _officer_rows(session, target, communities) + _member_rows(session, actor, target, at)


def _reach(rows: list[dict[str, Any]]) -> Reach:
    officers = sum(1 for r in rows if r["officer_id"] is not None)
    return Reach(officers, len(rows) - officers, sum(1 for r in rows if r["user_id"]),
                 sum(1 for r in rows if r["relay_user_id"]))


def preview(session: Session, *, actor: Actor, target: Target,
            at: datetime | None = None) -> Reach:
    """How many people publishing now would reach, before publishing."""
    require(actor, Perm.PUBLISH_ALERT)
    errors = check_target(session, actor, target)
    if errors:
        raise Invalid(errors)
    return _reach(recipients_for(session, actor=actor, target=target, at=at or clock.now()))


def publish(session: Session, *, actor: Actor, alert_id: int, shown_version: int,
            now: datetime | None = None) -> tuple[AlertView, Reach]:
    """Freeze the draft and reach its recipients, in the caller's transaction."""
    require(actor, Perm.PUBLISH_ALERT)
    now = now or clock.now()
    alert = load_alert(session, actor, alert_id, lock=True)
    require_status(alert, DRAFT, key="alerts.frozen")
    target = Target.of(alert.target)
    errors = check_target(session, actor, target)
    if alert.valid_to <= now:
        errors["valid_to"] = "alerts.expired"
    if errors:
        raise Invalid(errors)
    rows = recipients_for(session, actor=actor, target=target, at=now)
    if not rows:
        raise Invalid({"area": "alerts.no_recipients"})
    previous = _supersede(session, actor, alert)
    update_versioned(session, Alert, alert.id, shown_version,
                     {"status": PUBLISHED, "published_at": now}, entity="alert")
    for row in rows:
        row.update(alert_id=alert.id, mobilised=_key(row) in previous[0],
                   helpers=previous[1].get(_key(row), 0))
    session.execute(insert(AlertRecipient), rows)
    session.refresh(alert)
    reach = _reach(rows)
    audit.record(session, actor=actor, action="alerts.publish", entity="alert",
                 entity_id=alert.id, before={"status": DRAFT},
                 after={"status": PUBLISHED, "amends_id": alert.amends_id,
                        "recipients": reach.total, "with_account": reach.with_account})
    return view_of(alert, photo_ids(session, alert.id)), reach


Person = tuple[int | None, int | None]  # (officer id, member id)


def _key(row: dict[str, Any]) -> Person:
    return row["officer_id"], row["member_id"]


def _supersede(session: Session, actor: Actor, alert: Alert
               ) -> tuple[set[Person], dict[Person, int]]:
    """Mark the amended version superseded; who was mobilised on it stays mobilised."""
    if alert.amends_id is None:
        return set(), {}
    old = load_alert(session, actor, alert.amends_id, lock=True)
    require_status(old, PUBLISHED, key="alerts.amended_not_published")
    update_versioned(session, Alert, old.id, old.version, {"status": SUPERSEDED},
                     entity="alert")
    audit.record(session, actor=actor, action="alerts.supersede", entity="alert",
                 entity_id=old.id, before={"status": PUBLISHED},
                 after={"status": SUPERSEDED, "by": alert.id})
    rows = session.execute(select(AlertRecipient.officer_id, AlertRecipient.member_id,
                                  AlertRecipient.mobilised, AlertRecipient.helpers)
                           .where(AlertRecipient.alert_id == old.id)).all()
    return ({(o, m) for o, m, mob, _ in rows if mob},
            {(o, m): int(h) for o, m, _, h in rows if h})
