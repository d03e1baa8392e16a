"""Which rows an actor may see: one place for the scope rules that every service applies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, true

from db.models import Lead
from services.core.actor import Actor, Role, refused_quietly
from services.core.errors import NotFound


def community_filter(actor: Actor, column: Any) -> ColumnElement[bool]:
    """A WHERE clause limiting `column` (a community id) to the actor's scope."""
    if actor.community_ids is None:
        return true()
    if not actor.community_ids:
        return false()
    return column.in_(sorted(actor.community_ids))


def lead_filter(actor: Actor) -> ColumnElement[bool]:
    """Leads the actor may see: a grid worker only their own reports, others by community."""
    if actor.role == Role.GRID_WORKER:
        return Lead.reporter_user_id == actor.user_id
    return community_filter(actor, Lead.community_id)


def check_community(actor: Actor, community_id: int | None) -> None:
    """Out-of-scope records are reported as not found, so ids reveal nothing; the attempt
    is audited as a refusal."""
    if not actor.in_scope(community_id):
        refused_quietly(actor, f"scope:community:{community_id}")
        raise NotFound()
