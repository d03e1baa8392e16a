"""The live urgent-lead check every page runs: who is told about which new urgent lead."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services import leads
from services.core.actor import Actor
from tests import factories as f
from tests.leads_world import World, build


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _report(s: Session, actor: Actor, urgency: str = "urgent", **kw) -> leads.LeadView:  # type: ignore[no-untyped-def]
    return leads.report_lead(s, actor=actor, category="fire", urgency=urgency,
                             description="楼道电动车充电", **kw)


def _mark(s: Session, actor: Actor) -> int:
    """The first check of a sign-in: where the next check starts."""
    first = leads.urgent_news(s, actor=actor, since=None)
    assert (first.count, first.newest_id) == (0, None)
    return first.mark


def _news(s: Session, actor: Actor, since: int) -> tuple[int, int | None, bool]:
    got = leads.urgent_news(s, actor=actor, since=since)
    return got.count, got.newest_id, got.to_me


def test_what_existed_at_sign_in_is_not_news_and_each_lead_is_news_once(
        session: Session, w: World) -> None:
    _report(session, w.grid1, "emergency")
    mark = _mark(session, w.supervisor)
    assert _news(session, w.supervisor, mark) == (0, None, False)
    lead = _report(session, w.grid1)
    news = leads.urgent_news(session, actor=w.supervisor, since=mark)
    assert (news.count, news.newest_id, news.waiting) == (1, lead.id, 2)  # 2 urgent waiting
    assert news.mark > mark
    assert _news(session, w.supervisor, news.mark) == (0, None, False)  # the next check


def test_supervisor_is_told_of_urgent_leads_in_scope_only(session: Session, w: World) -> None:
    c1_sup = f.actor(session, f.user(session, "supervisor", communities=[w.c1]))
    mark = _mark(session, c1_sup)
    _report(session, w.grid2)  # c2: outside the scope
    _report(session, w.grid1, "routine")  # in scope, not urgent
    assert _news(session, c1_sup, mark) == (0, None, False)
    urgent = _report(session, w.grid1, "emergency")
    assert _news(session, c1_sup, mark) == (1, urgent.id, False)
    assert _news(session, w.district_sup, mark) == (2, urgent.id, False)  # c2's and c1's


def test_officer_is_told_only_of_urgent_leads_given_to_them(session: Session, w: World) -> None:
    mark1, mark2 = _mark(session, w.officer1), _mark(session, w.officer2)
    _report(session, w.grid1, "routine")  # to officer1, not urgent
    mine = _report(session, w.grid1)  # to officer1
    assert mine.assigned_user_id == w.officer1.user_id
    assert _news(session, w.officer1, mark1) == (1, mine.id, True)
    assert _news(session, w.officer2, mark2) == (0, None, True)  # c2's officer: not theirs
    mark2 = leads.urgent_news(session, actor=w.officer2, since=mark2).mark
    leads.act(session, actor=w.supervisor, lead_id=mine.id, action="reassign",
              shown_version=mine.version, officer_id=w.o2.id)
    assert _news(session, w.officer2, mark2) == (1, mine.id, True)  # reassigned to them


def test_accepted_leads_and_ones_own_steps_are_not_news(session: Session, w: World) -> None:
    mark = _mark(session, w.officer1)
    lead = _report(session, w.grid1)
    leads.act(session, actor=w.officer1, lead_id=lead.id, action="accept",
              shown_version=lead.version)
    assert _news(session, w.officer1, mark) == (0, None, True)  # taken already
    mark = _mark(session, w.supervisor)
    _report(session, w.supervisor, community_id=w.c1.id)  # the supervisor's own report
    assert _news(session, w.supervisor, mark) == (0, None, False)


def test_grid_workers_get_nothing(session: Session, w: World) -> None:
    assert leads.urgent_news(session, actor=w.grid1, since=None).mark == 0
    _report(session, w.grid1, "emergency")
    assert leads.urgent_news(session, actor=w.grid1, since=0) == leads.UrgentNews(mark=0)


def test_a_backlog_is_read_window_by_window(session: Session, w: World,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from services.leads import urgent

    monkeypatch.setattr(urgent, "WINDOW", 2)  # each report makes two events
    mark = _mark(session, w.supervisor)
    first, second = _report(session, w.grid1), _report(session, w.grid1)
    news = leads.urgent_news(session, actor=w.supervisor, since=mark)
    assert (news.count, news.newest_id) == (1, first.id)
    assert _news(session, w.supervisor, news.mark) == (1, second.id, False)
