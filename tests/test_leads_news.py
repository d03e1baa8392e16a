"""What a reporter hears: their reports accepted, answered, returned for more, closed; new
shared tasks for their teams. Nothing before the first check, nothing twice, nothing of others'."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services import leads
from tests.leads_world import World, build


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _report(s: Session, actor) -> leads.LeadView:  # type: ignore[no-untyped-def]
    return leads.report_lead(s, actor=actor, category="help", urgency="routine",
                             description="老人摔倒需要帮助")


def _step(s: Session, actor, lead_id: int, action: str, note: str = "") -> leads.LeadView:  # type: ignore[no-untyped-def]
    version = leads.get_lead(s, actor=actor, lead_id=lead_id).lead.version
    return leads.act(s, actor=actor, lead_id=lead_id, action=action, shown_version=version,
                     note=note)


def _kinds(news: leads.ReporterNews) -> list[tuple[str, int | None]]:
    return [(n.kind, n.lead_id) for n in news.notices]


def test_each_step_on_my_report_is_news_once(session: Session, w: World) -> None:
    before = _report(session, w.grid1)
    first = leads.reporter_news(session, actor=w.grid1, since=None)
    assert first.notices == ()  # the first check of a sign-in only sets the marks
    _step(session, w.officer1, before.id, "accept")  # happened after the first check: news
    mine = _report(session, w.grid1)
    other = _report(session, w.grid2)  # another grid worker's report: not my news
    _step(session, w.officer2, other.id, "accept")
    _step(session, w.officer1, mine.id, "accept")
    _step(session, w.officer1, mine.id, "ask_info", "几楼？")
    leads.answer_info(session, actor=w.grid1, lead_id=mine.id,
                      shown_version=leads.get_lead(session, actor=w.grid1,
                                                   lead_id=mine.id).lead.version, note="5楼")
    _step(session, w.officer1, mine.id, "comment", "已联系家属")
    news = leads.reporter_news(session, actor=w.grid1, since=first.mark)
    assert _kinds(news) == [("accepted", before.id), ("accepted", mine.id),
                            ("needs_info", mine.id), ("answered", mine.id)]
    again = leads.reporter_news(session, actor=w.grid1, since=news.mark)
    assert again.notices == () and again.mark == news.mark
    _step(session, w.officer1, mine.id, "resolve", "已送医")
    _step(session, w.supervisor, mine.id, "verify")
    _step(session, w.supervisor, mine.id, "close")
    later = leads.reporter_news(session, actor=w.grid1, since=again.mark)
    assert _kinds(later) == [("answered", mine.id), ("closed", mine.id)]
    assert _kinds(leads.reporter_news(session, actor=w.grid2, since=first.mark)) == [
        ("accepted", other.id)]


def test_a_new_task_for_my_team_is_news_and_other_teams_are_not(
        session: Session, w: World) -> None:
    mine, other = _report(session, w.grid1), _report(session, w.grid2)
    first = leads.reporter_news(session, actor=w.grid1, since=None)
    leads.create_task(session, actor=w.officer2, lead_id=other.id, title="走访隔壁社区")
    task_id = leads.create_task(session, actor=w.officer1, lead_id=mine.id,
                                title="协助送老人回家", team_id=w.team1.id)
    news = leads.reporter_news(session, actor=w.grid1, since=first.mark)
    tasks = [n for n in news.notices if n.kind == "task"]
    assert [(n.task_id, n.lead_id, n.title) for n in tasks] == [(task_id, mine.id,
                                                                  "协助送老人回家")]
    assert [n.kind for n in leads.reporter_news(session, actor=w.grid1,
                                                 since=news.mark).notices] == []
