"""Reporting a lead: validation, location, photos, dispatch rules and fallbacks, nearby leads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Deadline, DispatchRule, Lead, LeadEvent, LeadPhoto
from services import leads
from services.core import clock
from services.core.errors import Invalid, NotFound, PermissionDenied
from services.stats import home
from tests import factories as f
from tests.images import JPEG, PNG
from tests.leads_world import World, build


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _report(s: Session, actor, tmp: Path | None = None, **kw):  # type: ignore[no-untyped-def]
    args = {"category": "public_order", "urgency": "routine", "description": "楼道堆放杂物"}
    return leads.report_lead(s, actor=actor, photo_dir=tmp, **{**args, **kw})


def _count(s: Session, model) -> int:  # type: ignore[no-untyped-def]
    return s.scalar(select(func.count()).select_from(model)) or 0


def test_report_dispatches_to_the_community_officer_in_the_same_transaction(
        session: Session, w: World) -> None:
    view = _report(session, w.grid1)
    assert view.status == "dispatched" and view.dispatch_rule == "community_officer"
    assert view.assigned_officer_id == w.o1.id and view.assigned_user_id == w.officer1.user_id
    assert view.grid_id == w.g1.id and view.community_id == w.c1.id  # the reporter's own grid
    # received, then dispatched once every check and read is done: both kept to the moment
    assert view.created_at <= view.dispatched_at
    stored = session.get(Lead, view.id)
    assert stored is not None and (stored.created_at, stored.dispatched_at) == (
        view.created_at, view.dispatched_at)
    actions = session.scalars(select(LeadEvent.action).where(LeadEvent.lead_id == view.id)
                              .order_by(LeadEvent.id)).all()
    assert actions == ["report", "dispatch"]
    audited = session.scalars(select(AuditLog.action).where(AuditLog.entity_id == str(view.id)))
    assert list(audited) == ["leads.report"]


def test_dispatch_time_is_received_to_dispatched_to_the_millisecond(
        session: Session, w: World) -> None:
    """The home page's figure comes from the two stamps: when the server received the
    submission (the page's) and when the dispatch was written, both kept to the microsecond."""
    received = clock.now() - timedelta(milliseconds=1234, microseconds=567)
    view = _report(session, w.grid1, received_at=received)
    stored = session.get(Lead, view.id)
    assert stored is not None and stored.created_at == received
    assert stored.dispatched_at is not None and stored.dispatched_at > received
    waited = (stored.dispatched_at - received).total_seconds()
    assert 1.234 < waited < 60
    figures = home.headline(session, actor=w.district_sup)
    assert figures.median_dispatch_s == figures.p90_dispatch_s
    assert figures.median_dispatch_s is not None and abs(figures.median_dispatch_s - waited) < 1e-3
    events = session.execute(select(LeadEvent.action, LeadEvent.at)
                             .where(LeadEvent.lead_id == view.id).order_by(LeadEvent.id)).all()
    assert [tuple(e) for e in events] == [("report", received),
                                          ("dispatch", stored.dispatched_at)]


@pytest.mark.parametrize(("urgency", "accept", "resolve"),
                         [("emergency", 5, 120), ("urgent", 30, 1440), ("routine", 240, 4320)])
def test_default_deadlines(session: Session, w: World, urgency: str, accept: int,
                           resolve: int) -> None:
    view = _report(session, w.grid1, urgency=urgency)
    assert view.accept_due_at - view.dispatched_at == timedelta(minutes=accept)
    assert view.resolve_due_at - view.created_at == timedelta(minutes=resolve)


def test_deadline_table_overrides_per_category(session: Session, w: World) -> None:
    session.add_all([Deadline(category="*", urgency="routine", accept_minutes=60,
                              resolve_minutes=600),
                     Deadline(category="fire", urgency="routine", accept_minutes=10,
                              resolve_minutes=100)])
    fire = _report(session, w.grid1, category="fire")
    other = _report(session, w.grid1, category="traffic")
    assert fire.accept_due_at - fire.dispatched_at == timedelta(minutes=10)
    assert other.resolve_due_at - other.created_at == timedelta(minutes=600)


def test_off_duty_officer_falls_back_to_the_office_backup(session: Session, w: World) -> None:
    w.o1.on_duty = False
    view = _report(session, w.grid1)
    assert view.dispatch_rule == "office_backup" and view.assigned_officer_id == w.backup.id
    assert view.assigned_user_id == w.backup_officer.user_id


def test_inactive_officer_and_backup_fall_back_to_the_station_duty_supervisor(
        session: Session, w: World) -> None:
    w.o1.active = False
    w.backup.on_duty = False
    view = _report(session, w.grid1)
    assert view.dispatch_rule == "station_duty_supervisor" and view.level == "station"
    assert view.assigned_officer_id is None and view.assigned_user_id == w.supervisor.user_id


def test_nobody_available_leaves_the_lead_new_for_the_supervisors(
        session: Session, w: World) -> None:
    w.o1.active = False
    w.backup.active = False
    w.station.duty_supervisor_id = None
    view = _report(session, w.grid1)
    assert view.status == "new" and view.dispatch_rule is None
    assert view.id in [r.id for r in leads.inbox(session, actor=w.supervisor,
                                                   filters=leads.InboxFilters()).rows]


def test_rules_are_data_in_order_and_inactive_rules_are_skipped(
        session: Session, w: World) -> None:
    session.add_all([DispatchRule(position=1, kind="station_duty_supervisor", active=False),
                     DispatchRule(position=2, kind="office_backup", active=True),
                     DispatchRule(position=3, kind="community_officer", active=True)])
    assert _report(session, w.grid1).dispatch_rule == "office_backup"
    session.execute(DispatchRule.__table__.update().values(active=True))
    assert _report(session, w.grid1).dispatch_rule == "station_duty_supervisor"


def test_admin_edits_rules_and_deadlines_others_may_not(session: Session, w: World) -> None:
    rules = [leads.RuleRow(1, "office_backup", True), leads.RuleRow(2, "community_officer", True)]
    with pytest.raises(PermissionDenied):
        leads.save_rules(session, actor=w.supervisor, rules=rules)
    leads.save_rules(session, actor=w.admin, rules=rules)
    assert [r.kind for r in leads.list_rules(session)] == ["office_backup", "community_officer"]
    with pytest.raises(Invalid):
        leads.save_rules(session, actor=w.admin, rules=[leads.RuleRow(1, "nobody", True)])
    rows = [leads.DeadlineRow("*", u, 1, 2) for u in leads.URGENCIES]
    leads.save_deadlines(session, actor=w.admin, rows=rows)
    assert _report(session, w.grid1).accept_due_at is not None
    with pytest.raises(Invalid):  # an urgency without a '*' row would fall through
        leads.save_deadlines(session, actor=w.admin, rows=rows[:2])
    actions = set(session.scalars(select(AuditLog.action)))
    assert {"leads.rules", "leads.deadlines"} <= actions


def test_point_picks_its_grid_and_community(session: Session, w: World) -> None:
    view = _report(session, w.supervisor, lat=29.501, lon=106.501)
    assert (view.community_id, view.grid_id) == (w.c2.id, w.g2.id)
    assert view.assigned_officer_id == w.o2.id
    listed = _report(session, w.supervisor, community_id=w.c2.id)
    assert listed.community_id == w.c2.id and listed.lat == w.c2.lat


@pytest.mark.parametrize(("kw", "field", "key"), [
    ({"description": "   "}, "description", "error.required"),
    ({"description": "x" * 2001}, "description", "leads.description_too_long"),
    ({"description": "bad\x00byte"}, "description", "error.nul"),
    ({"address": "a\x00"}, "address", "error.nul"),
    ({"lat": 30.5, "lon": 106.48}, "location", "leads.outside_district"),
    ({"lat": float("nan"), "lon": 106.48}, "location", "leads.bad_point"),
    ({"category": "gossip"}, "category", "leads.bad_category"),
    ({"photos": [JPEG[:3] + b"\x00" * (6 * 1024 * 1024)]}, "photos", "leads.photo_too_big"),
    ({"photos": [b"just some text, named photo.jpg\n"]}, "photos", "leads.photo_not_image"),
    ({"photos": [PNG, PNG, PNG, PNG]}, "photos", "leads.too_many_photos"),
])
def test_bad_input_is_refused_with_a_message_and_saves_nothing(
        session: Session, w: World, tmp_path: Path, kw: dict, field: str, key: str) -> None:
    photos = tmp_path / "photos"
    with pytest.raises(Invalid) as err:
        _report(session, w.grid1, photos, **kw)
    assert err.value.fields[field] == key
    assert _count(session, Lead) == 0 and _count(session, LeadPhoto) == 0
    assert not photos.exists() or not any(photos.iterdir())


def test_no_place_at_all_asks_for_one(session: Session, w: World) -> None:
    with pytest.raises(Invalid) as err:
        _report(session, w.admin)  # an admin has no grid of their own
    assert err.value.fields == {"location": "leads.location_required"}


def test_photos_are_stored_by_content_and_shown_only_to_who_may_see_the_lead(
        session: Session, w: World, tmp_path: Path) -> None:
    tmp_path = tmp_path / "photos"
    view = _report(session, w.grid1, tmp_path, photos=[PNG, JPEG])
    detail = leads.get_lead(session, actor=w.officer1, lead_id=view.id)
    assert [p.mime for p in detail.photos] == ["image/png", "image/jpeg"]
    data, mime = leads.read_photo(session, actor=w.officer1, photo_id=detail.photos[0].id,
                                  directory=tmp_path)
    assert data.startswith(b"\x89PNG") and mime == "image/png"  # re-encoded, no metadata
    assert all(p.name.endswith((".png", ".jpg")) and len(p.stem) == 32 for p in tmp_path.iterdir())
    with pytest.raises(NotFound):
        leads.read_photo(session, actor=w.officer2, photo_id=detail.photos[0].id,
                         directory=tmp_path)


def test_nearby_leads_of_the_same_category_and_adding_to_one(
        session: Session, w: World) -> None:
    first = _report(session, w.grid1, lat=29.4800, lon=106.4800)
    _report(session, w.grid1, category="fire", lat=29.4801, lon=106.4801)
    _report(session, w.grid1, lat=29.4840, lon=106.4800)  # about 440 m away
    neighbour = f.actor(session, f.user(session, "grid_worker", communities=[w.c1]))
    near = leads.nearby_leads(session, actor=neighbour, category="public_order",
                              lat=29.4805, lon=106.4800)
    assert [n.id for n in near] == [first.id] and 50 < near[0].distance_m < 60
    leads.add_to_lead(session, actor=neighbour, lead_id=first.id, description="我也看到了")
    mine = leads.inbox(session, actor=neighbour, filters=leads.InboxFilters())
    assert [r.id for r in mine.rows] == [first.id]
    assert _count(session, Lead) == 3


def test_photos_of_a_rolled_back_report_are_removed(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from db.engine import session_scope

    with session_scope(engine, write=True) as s:
        w = build(s)
    photos = tmp_path / "photos"
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as s:
        _report(s, w.grid1, photos, photos=[PNG])
        assert len(list(photos.iterdir())) == 1
        raise RuntimeError("the caller's transaction fails after the report")
    assert list(photos.iterdir()) == []
    with session_scope(engine) as s:
        assert _count(s, Lead) == 0
