"""The shift handover (交接班) and the board's map, against hand-built leads, escalations,
alerts, incidents and check-ins; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from db.models import Alert, IncidentCount, Lead, Officer, Presence
from services import board, leads
from services.board import map as board_map_module
from services.core.actor import Actor
from services.core.errors import PermissionDenied
from tests import factories as f
from tests.leads_world import World, build
from tests.sqlcount import counting
from ui.core.i18n import translate

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai: the day shift of 2 March
NOW = T0 + timedelta(hours=2)
DAY = date(2026, 3, 2)
ALL = board.BoardFilters()


@dataclass
class Shifted:
    w: World
    before: Lead  # reported in the night shift before, escalated by hand in the day shift
    a: Lead  # urgent, accepted: in progress
    b: Lead  # emergency, never accepted: escalated by the worker
    c: Lead  # routine in the other community, waiting
    only_c1: Actor


def _lead(s: Session, w: World, urgency: str, at: datetime, grid: Actor | None = None) -> Lead:
    view = leads.report_lead(s, actor=grid or w.grid1, category="fire", urgency=urgency,
                             description="楼道电动车充电", now=at)
    row = s.get(Lead, view.id)
    assert row is not None
    return row


def _stay(s: Session, officer: Officer, community_id: int, start: datetime,
          end: datetime | None, source: str = "checkin", hours: float | None = None) -> None:
    s.add(Presence(officer_id=officer.id, community_id=community_id, started_at=start,
                   ended_at=end, source=source, hours=hours))


def _alert(s: Session, title: str, target: dict[str, list[int]], start: datetime,
           end: datetime, status: str = "published") -> Alert:
    row = Alert(origin_region="外省某市", title=title, subject="两名诈骗嫌疑人", target=target,
                valid_from=start, valid_to=end, status=status)
    s.add(row)
    s.flush()
    return row


@pytest.fixture
def sh(session: Session) -> Shifted:
    w = build(session)
    before = _lead(session, w, "urgent", T0 - timedelta(hours=4))  # 07:00: the night shift
    a = _lead(session, w, "urgent", T0)
    b = _lead(session, w, "emergency", T0 + timedelta(minutes=1))
    c = _lead(session, w, "routine", T0 + timedelta(minutes=5), grid=w.grid2)
    leads.act(session, actor=w.officer1, lead_id=a.id, action="accept",
              shown_version=a.version, now=T0 + timedelta(minutes=10))
    leads.act(session, actor=w.district_sup, lead_id=before.id, action="escalate",
              shown_version=before.version, note="报警人电话13812345678",
              now=T0 + timedelta(minutes=2))
    assert leads.escalate_overdue(session, now=T0 + timedelta(minutes=30)) == 1  # b
    day_start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    _stay(session, w.o1, w.c1.id, day_start - timedelta(hours=2), T0 + timedelta(hours=1))
    _stay(session, w.backup, w.c1.id, T0, None)  # still in
    _stay(session, w.o2, w.c2.id, T0, T0 + timedelta(minutes=90))
    _stay(session, w.o2, w.c2.id, T0 + timedelta(minutes=100), None)  # back again, still in
    _stay(session, w.o1, w.c1.id, day_start - timedelta(hours=6),  # before the shift
          day_start - timedelta(hours=3))
    _stay(session, w.o1, w.c1.id, day_start - timedelta(days=1), None, "manual", 30.0)
    for day, cat, cid, n in ((DAY, "criminal", w.c1.id, 3), (DAY, "public_order", w.c2.id, 2),
                             (DAY - timedelta(days=1), "criminal", w.c1.id, 5),
                             (DAY + timedelta(days=1), "other", w.c1.id, 4)):
        session.add(IncidentCount(day=day, category=cat, community_id=cid, count=n))
    week = timedelta(days=7)
    _alert(session, "协查 13900001111 甲", {"community_ids": [w.c1.id]}, T0 - week, T0 + week)
    _alert(session, "协查乙", {"grid_ids": [w.g2.id]}, T0 - week, T0 + week)
    _alert(session, "草稿", {"community_ids": [w.c1.id]}, T0 - week, T0 + week, "draft")
    _alert(session, "已过期", {"community_ids": [w.c1.id]}, T0 - week * 2, T0 - week)
    session.flush()
    only_c1 = f.actor(session, f.user(session, "supervisor", communities=[w.c1]))
    return Shifted(w, before, a, b, c, only_c1)


def _ids(section: board.Section) -> list[int]:
    return [r.id for r in section.rows]


def test_the_handover_of_the_running_shift(session: Session, sh: Shifted) -> None:
    w = sh.w
    h = board.handover(session, actor=w.district_sup, day=DAY, kind="day", now=NOW)
    assert (h.shift.start, h.shift.end) == (datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
                                            datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    assert h.figures.reported == 3 and h.figures.escalations == 2
    assert _ids(h.open) == [sh.a.id, sh.c.id]  # urgent first; open and not late
    assert h.open.rows[0].last_action == "accept" and h.open.total == 2
    assert _ids(h.late) == [sh.b.id, sh.before.id]  # emergency first
    assert _ids(h.reported) == [sh.a.id, sh.b.id, sh.c.id]  # the earlier one is the night's
    assert [(e.lead_id, e.automatic, e.by) for e in h.escalations] == [
        (sh.before.id, False, w.district_sup.display_name), (sh.b.id, True, "")]
    assert h.escalations[0].note == "报警人电话138****5678"  # masked
    assert h.escalations_total == 2
    assert [(a.title, a.areas) for a in h.alerts] == [("协查 139****1111 甲", (w.c1.name,)),
                                                      ("协查乙", (w.g2.name,))]
    assert h.incidents == ((DAY, "criminal", 3), (DAY, "public_order", 2))
    hours = {u.officer_id: (u.hours, u.stays, u.still_in) for u in h.units}
    assert hours == {w.o1.id: (4.0, 1, False),  # 08:00 to 12:00 of a stay from 06:00
                     w.backup.id: (2.0, 1, True),  # checked in at 11:00, to now (13:00)
                     w.o2.id: (round(1.5 + 20 / 60, 2), 2, True)}  # 90 min, then 20


def test_the_handover_keeps_to_the_scope_and_the_filters(session: Session, sh: Shifted) -> None:
    w = sh.w
    h = board.handover(session, actor=sh.only_c1, day=DAY, kind="day", now=NOW)
    assert _ids(h.open) == [sh.a.id] and _ids(h.reported) == [sh.a.id, sh.b.id]
    assert [a.title for a in h.alerts] == ["协查 139****1111 甲"]
    assert h.incidents == ((DAY, "criminal", 3),)
    assert {u.officer_id for u in h.units} == {w.o1.id, w.backup.id}
    elsewhere = board.BoardFilters(station_ids=(f.station(session).id,))
    h = board.handover(session, actor=w.district_sup, day=DAY, kind="day", now=NOW,
                       filters=elsewhere)
    assert (h.open.total, h.late.total, h.reported.total, h.escalations, h.alerts, h.incidents,
            h.units) == (0, 0, 0, (), (), (), ())


def test_a_past_shift_lists_its_own_leads_escalations_and_days(
        session: Session, sh: Shifted) -> None:
    w = sh.w
    h = board.handover(session, actor=w.district_sup, day=DAY - timedelta(days=1),
                       kind="night", now=NOW)
    assert _ids(h.reported) == [sh.before.id] and h.escalations == ()
    assert h.incidents == ((DAY - timedelta(days=1), "criminal", 5), (DAY, "criminal", 3),
                           (DAY, "public_order", 2))
    assert {u.officer_id: u.hours for u in h.units} == {w.o1.id: 5.0}  # 02:00–05:00, 06:00–08:00


def test_only_supervisors_and_admins_get_a_handover(session: Session, sh: Shifted) -> None:
    for who in (sh.w.officer1, sh.w.grid1, sh.w.display):
        with pytest.raises(PermissionDenied):
            board.handover(session, actor=who, day=DAY, kind="day", now=NOW)
    board.handover(session, actor=sh.w.admin, day=DAY, kind="day", now=NOW)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_printable_page_in_both_languages(session: Session, sh: Shifted,
                                              language: str) -> None:
    page, rows = board.handover_page(
        session, actor=sh.w.district_sup, day=DAY, kind="day", lang=language,
        scope_label="<全区>", now=NOW, text=lambda key, **p: translate(language, key, **p))
    assert rows == 2 + 2 + 3
    assert translate(language, "board.handover.title") in page
    assert translate(language, "board.handover.automatic") in page
    assert "&lt;全区&gt;" in page and "<全区>" not in page  # escaped
    assert "13812345678" not in page and "138****5678" in page
    assert "<script" not in page and "http" not in page  # nothing to run, nothing to fetch
    assert f"#{sh.b.id}" in page
    assert "board.handover." not in page and "leads." not in page  # every text found


def test_the_map_shows_open_leads_and_officers_checked_in(session: Session, sh: Shifted) -> None:
    w = sh.w
    m = board.board_map(session, actor=w.district_sup, filters=ALL, now=NOW)
    assert [(x.id, x.urgency, x.section) for x in m.leads] == [
        (sh.b.id, "emergency", "late"), (sh.a.id, "urgent", "progress"),
        (sh.before.id, "urgent", "late"), (sh.c.id, "routine", "waiting")]
    assert m.shown_all
    assert {u.officer_id: u.community for u in m.units} == {w.backup.id: w.c1.name,
                                                            w.o2.id: w.c2.name}
    assert m == board.board_map(session, actor=w.display, filters=ALL, now=NOW)  # the wall
    mine = board.board_map(session, actor=sh.only_c1, filters=ALL, now=NOW)
    assert sh.c.id not in [x.id for x in mine.leads] and [u.officer_id for u in mine.units] == [
        w.backup.id]
    for who in (w.officer1, w.grid1):
        with pytest.raises(PermissionDenied):
            board.board_map(session, actor=who, filters=ALL, now=NOW)


def test_the_map_costs_the_board_two_statements_a_refresh(session: Session, sh: Shifted) -> None:
    with counting() as seen:
        board.board_map(session, actor=sh.w.district_sup, filters=ALL, now=NOW)
    assert len(seen) == 2, seen  # the open leads, the officers checked in


def test_the_map_draws_the_most_urgent_when_there_are_too_many(
        session: Session, sh: Shifted, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board_map_module, "POINTS", 2)
    m = board.board_map(session, actor=sh.w.district_sup, filters=ALL, now=NOW)
    assert [x.id for x in m.leads] == [sh.b.id, sh.a.id] and not m.shown_all


def test_officers_checked_in_to_one_community_are_drawn_apart(
        session: Session, sh: Shifted) -> None:
    w = sh.w
    _stay(session, w.o1, w.c1.id, NOW - timedelta(minutes=5), None)
    session.flush()
    units = board.board_map(session, actor=w.district_sup, filters=ALL, now=NOW).units
    spots = {(u.lat, u.lon) for u in units if u.community == w.c1.name}
    assert len(spots) == 2
    assert all(abs(lat - w.c1.lat) < 0.01 and abs(lon - w.c1.lon) < 0.01 for lat, lon in spots)
