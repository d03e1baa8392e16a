"""Who is acting: role, scope and the permissions that follow from the role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn

from services.core.errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"
    GRID_WORKER = "grid_worker"
    DISPLAY = "display"  # the command centre's wall screen: views the board and map only


class Perm(StrEnum):
    VIEW_HOME = "view_home"
    VIEW_LEADS = "view_leads"
    REPORT_LEAD = "report_lead"
    HANDLE_LEAD = "handle_lead"
    SUPERVISE_LEADS = "supervise_leads"
    VIEW_ROSTER = "view_roster"
    EDIT_ROSTER = "edit_roster"
    VIEW_MAP = "view_map"
    VIEW_STATS = "view_stats"
    IMPORT_DATA = "import_data"
    PUBLISH_ALERT = "publish_alert"
    VIEW_ALERTS = "view_alerts"
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    VIEW_DISPUTES = "view_disputes"
    EDIT_DISPUTES = "edit_disputes"
    LOG_PRESENCE = "log_presence"
    VIEW_PRESENCE = "view_presence"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    REVEAL_PERSONAL = "reveal_personal"
    EDIT_SETTINGS = "edit_settings"
    VIEW_BOARD = "view_board"


_ALL = frozenset(Perm)
ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: _ALL,
    Role.SUPERVISOR: _ALL
    - {Perm.MANAGE_USERS, Perm.VIEW_AUDIT, Perm.EDIT_SETTINGS, Perm.LOG_PRESENCE,
       Perm.EDIT_ROSTER, Perm.REVEAL_PERSONAL, Perm.HANDLE_LEAD},
    Role.OFFICER: frozenset(
        {Perm.VIEW_HOME, Perm.VIEW_LEADS, Perm.REPORT_LEAD, Perm.HANDLE_LEAD, Perm.VIEW_ROSTER,
         Perm.EDIT_ROSTER, Perm.VIEW_MAP, Perm.VIEW_STATS, Perm.VIEW_ALERTS, Perm.VIEW_CASES,
         Perm.EDIT_CASES, Perm.VIEW_DISPUTES, Perm.EDIT_DISPUTES, Perm.LOG_PRESENCE,
         Perm.VIEW_PRESENCE, Perm.REVEAL_PERSONAL}
    ),
    # VIEW_CASES: a grid worker sees only the files with a measure they are responsible for
    # (services.cases.files.openable), and may progress only those measures.
    Role.GRID_WORKER: frozenset(
        {Perm.VIEW_HOME, Perm.VIEW_LEADS, Perm.REPORT_LEAD, Perm.VIEW_ALERTS, Perm.VIEW_CASES}
    ),
    # A wall screen: it shows the board and the map for its scope, opens nothing else, acts
    # on nothing; exempt from the idle sign-out (services.accounts.auth), not from the session
    # limit.
    Role.DISPLAY: frozenset({Perm.VIEW_BOARD, Perm.VIEW_MAP}),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see it. community_ids None means the whole district."""

    user_id: int
    username: str
    display_name: str
    role: Role
    scope_kind: str
    community_ids: frozenset[int] | None
    station_id: int | None = None
    officer_id: int | None = None
    member_id: int | None = None
    language: str = "zh"
    session_id: int | None = None

    def can(self, perm: Perm) -> bool:
        return perm in ROLE_PERMS[self.role]

    def in_scope(self, community_id: int | None) -> bool:
        if self.community_ids is None:
            return True
        return community_id is not None and community_id in self.community_ids


_refusal_hooks: list[Callable[[Actor, Perm], None]] = []


def on_refusal(hook: Callable[[Actor, Perm], None]) -> Callable[[Actor, Perm], None]:
    """Register `hook(actor, perm)`, called on every refusal (services.core.audit records them)."""
    _refusal_hooks.append(hook)
    return hook


def require(actor: Actor, perm: Perm) -> None:
    """Raise PermissionDenied unless the actor's role has `perm`."""
    if not actor.can(perm):
        for hook in _refusal_hooks:
            hook(actor, perm)
        raise PermissionDenied(perm=str(perm))


def refused_quietly(actor: Actor, what: str) -> None:
    """A record the actor may not see was asked for by id: audited like a refusal, while the
    caller answers "not found" so that ids reveal nothing. `what`: "scope:lead:12"."""
    for hook in _refusal_hooks:
        hook(actor, what)  # type: ignore[arg-type]


def refuse(actor: Actor, perm: Perm, what: str = "") -> NoReturn:
    """Refuse what the role allows but this record does not (e.g. someone else's assistance
    file): audited like `require`, with `what` ("case:12") naming the record."""
    for hook in _refusal_hooks:
        hook(actor, f"{perm}:{what}" if what else perm)  # type: ignore[arg-type]
    raise PermissionDenied(perm=str(perm))
