"""Grid workers' notices: their reports accepted, answered, returned for more or closed, and
new shared tasks for their teams; a toast, and a notice with a link at the top of the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from services import leads
from services.core import clock
from services.core.actor import Actor, Perm
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import t

MARK = "leads_news_mark"  # (user id, session id, (newest lead event, newest task))
HELD = "leads_notices"  # (user id, session id, [notice dicts], next notice number)
KEEP = 8  # notices kept at most; the oldest go first


def hears(actor: Actor) -> bool:
    """Reporters who do not handle leads: grid workers and the teams' members."""
    return actor.can(Perm.REPORT_LEAD) and not (actor.can(Perm.HANDLE_LEAD)
                                                or actor.can(Perm.SUPERVISE_LEADS))


def _who(actor: Actor) -> tuple[int, int | None]:
    return actor.user_id, actor.session_id


def _held(actor: Actor) -> list[dict[str, Any]]:
    held = st.session_state.get(HELD)
    return list(held[2]) if held and tuple(held[:2]) == _who(actor) else []


def _keep(actor: Actor, items: list[dict[str, Any]]) -> None:
    """Store the notices; a new one gets the next number (its dismiss button's key)."""
    held = st.session_state.get(HELD)
    number = held[3] if held and tuple(held[:2]) == _who(actor) else 0
    for item in items:
        if "n" not in item:
            number += 1
            item["n"] = number
    st.session_state[HELD] = (*_who(actor), items[-KEEP:], number)


def unread(actor: Actor) -> int:
    """How many notices wait: the badge on 'my reports'."""
    return len(_held(actor)) if hears(actor) else 0


def check(actor: Actor) -> None:
    """Read what happened since the last check; toast it and keep a notice for each."""
    held = st.session_state.get(MARK)
    since = held[2] if held and tuple(held[:2]) == _who(actor) else None
    with db_session() as s:
        news = leads.reporter_news(s, actor=actor, since=since)
    st.session_state[MARK] = (*_who(actor), news.mark)
    if not news.notices:
        return
    new = [{"kind": n.kind, "lead": n.lead_id, "task": n.task_id, "title": n.title,
            "at": n.at.isoformat()} for n in news.notices]
    _keep(actor, _held(actor) + new)
    first = new[-1]
    text = _text(first)
    if len(new) > 1:
        text += "  \n" + t("phone.notice_more", n=len(new) - 1)
    st.toast(text, icon=":material/notifications:", duration="long")


def _text(item: dict[str, Any]) -> str:
    """Words for a notice: numbers only, never typed text (a toast renders Markdown)."""
    if item["kind"] == "task":
        return t("phone.notice.task", id=item["task"])
    return t(f"phone.notice.{item['kind']}", id=item["lead"])


def show(actor: Actor) -> None:
    """The waiting notices, newest first, each with its link and a dismiss button."""
    items = _held(actor)
    for item in reversed(items):
        box = st.container(border=True, key=f"notice_{item['n']}")
        box.markdown(":material/notifications: " + _text(item))  # our words and numbers only
        if item["title"]:
            box.text(item["title"])  # a task's title: typed by an officer, shown plain
        box.caption(clock.local(datetime.fromisoformat(item["at"])))
        left, right = box.columns([3, 2], vertical_alignment="center")
        if item["kind"] == "task":
            left.page_link(nav.page_path("pages/tasks.py"), label=t("phone.notice_open_task"),
                           icon=":material/task:")
        else:
            left.page_link(nav.page_path("pages/lead.py"),
                           label=t("phone.notice_open_lead", id=item["lead"]),
                           icon=":material/description:", query_params={"id": str(item["lead"])})
        right.button(t("phone.notice_dismiss"), key=f"notice_dismiss_{item['n']}",
                     width="stretch", on_click=_dismiss, args=(actor, item["n"]))


def _dismiss(actor: Actor, number: int) -> None:
    _keep(actor, [i for i in _held(actor) if i["n"] != number])


def seen_lead(actor: Actor, lead_id: int) -> None:
    """Opening a lead reads its notices."""
    items = _held(actor)
    if any(i["lead"] == lead_id and i["kind"] != "task" for i in items):
        _keep(actor, [i for i in items if i["lead"] != lead_id or i["kind"] == "task"])
