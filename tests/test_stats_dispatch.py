"""The 110 dispatch export: one row per incident, totalled into daily counts by category and
community; category names decided once per source; incident numbers make re-import safe."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Community, ImportedIncident, ImportMapping, IncidentCount
from services.core.errors import Invalid
from services.stats import importmap
from services.stats.importer import import_incidents, plan_import
from services.stats.importfile import detect_mode, guess_mapping, read_export
from tests import factories as f
from tests import sheet_files as sf

TODAY = date(2026, 12, 3)
MEANING = {"盗窃": "criminal", "诈骗": "criminal", "纠纷": "other", "交通事故": "other",
           "打架斗殴": "public_order", "噪音扰民": "public_order", "重复报警": "skip"}


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    st1 = f.station(session, name="新山村派出所")
    st2 = f.station(session, name="跳磴派出所")
    a = f.community(session, station_=st1, name="双林社区")
    b = f.community(session, station_=st1, name="建胜社区")
    c = f.community(session, station_=st2, name="跳磴村")
    admin = f.actor(session, f.user(session, "admin"))
    sup = f.actor(session, f.user(session, "supervisor", station_=st1))
    places = [("新山村派出所", "双林社区"), ("新山村派出所", "建胜社区"), ("跳磴派出所", "跳磴村")]
    return {"a": a, "b": b, "c": c, "admin": admin, "sup": sup, "places": places}


def _stored(session: Session) -> dict[tuple[date, str, str], int]:
    rows = session.execute(select(IncidentCount.day, IncidentCount.category, Community.name,
                                  IncidentCount.count).join(Community))
    return {(d, c, n): k for d, c, n, k in rows if k}


def _decide(plan) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    return {"category": {u.name: MEANING[u.name] for u in plan.categories},
            "community": {u.name: u.suggestion for u in plan.communities}}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_is_totalled_by_day_category_and_community(
        session: Session, world: dict, fmt: str) -> None:
    rows = sf.dispatch_rows(world["places"], 300)
    table = read_export(sf.dispatch_export(rows, fmt=fmt), f"110导出.{fmt}")
    assert table.header_row == 3 and table.rows[0].number == 4
    assert any(n.key == "sheets.note.footer_rows" for n in table.notes)
    assert detect_mode(table) == "incidents"
    mapping = guess_mapping(table, "incidents")
    assert mapping == {"time": "接警时间", "number": "警情编号", "category": "警情类别",
                       "community": "所属社区", "station": "所属派出所", "place": "发生地点"}
    admin = world["admin"]
    plan = plan_import(session, actor=admin, table=table, mapping=mapping, mode="incidents",
                       today=TODAY)
    assert plan.rejected == 0 and plan.rows == 300
    assert {u.name: u.suggestion for u in plan.categories} == {
        k: v for k, v in MEANING.items() if k in {r[5] for r in rows}}
    with pytest.raises(Invalid) as exc:
        import_incidents(session, actor=admin, table=table, mapping=mapping, mode="incidents",
                         today=TODAY)
    assert exc.value.key == "stats.import.undecided"
    assert _stored(session) == {}
    seen: list[str] = []
    done = import_incidents(session, actor=admin, table=table, mapping=mapping,
                            mode="incidents", today=TODAY, decisions=_decide(plan),
                            progress=lambda p, d, t: seen.append(p), filename="110导出")
    skipped = sum(1 for r in rows if r[5] == "重复报警")
    assert (done.inserted, done.updated, done.skipped) == (300 - skipped, 0, skipped)
    assert _stored(session) == sf.dispatch_totals(rows, MEANING)
    assert session.scalar(select(func.count()).select_from(ImportedIncident)) == 300 - skipped
    remembered = {(m.kind, m.name, m.target) for m in session.scalars(select(ImportMapping))}
    assert remembered == {("category", k, v) for k, v in MEANING.items()
                          if k in {r[5] for r in rows}}
    assert {"check", "write"} <= set(seen)
    entry = session.scalars(select(AuditLog).where(
        AuditLog.action == "stats.import_incidents")).one()
    assert entry.actor_user_id == admin.user_id and entry.after["mode"] == "incidents"


def test_reimport_counts_nothing_twice_and_corrections_move(session: Session,
                                                             world: dict) -> None:
    admin = world["admin"]
    rows = sf.dispatch_rows(world["places"], 120)
    decisions = {"category": {k: v for k, v in MEANING.items()}}

    def run(rows_now, **kw):  # type: ignore[no-untyped-def]
        table = read_export(sf.dispatch_export(rows_now), "110.xlsx")
        mapping = guess_mapping(table, "incidents")
        plan = plan_import(session, actor=admin, table=table, mapping=mapping,
                           mode="incidents", today=TODAY)
        done = import_incidents(session, actor=admin, table=table, mapping=mapping,
                                mode="incidents", today=TODAY, decisions=decisions, **kw)
        return plan, done

    run(rows)
    first = _stored(session)
    plan, done = run(rows)  # the same file again: names remembered, nothing added
    assert not plan.categories and plan.new == 0 and done.inserted == 0
    assert _stored(session) == first
    more = sf.dispatch_rows(world["places"], 30, start=120)  # the next night's export overlaps
    plan, done = run(rows[60:] + more)
    assert plan.new == sum(1 for r in more if r[5] != "重复报警")
    assert _stored(session) == sf.dispatch_totals(rows + more, MEANING)
    fixed = [list(r) for r in rows + more]
    target = next(r for r in fixed if r[5] == "盗窃")
    target[5] = "纠纷"  # reclassified in the dispatch system
    plan, done = run(fixed)
    assert plan.changed == 1 and done.updated == 0  # skip keeps what was counted
    plan, done = run(fixed, on_existing="update")
    assert done.updated == 1
    assert _stored(session) == sf.dispatch_totals(fixed, MEANING)


def test_names_are_matched_exactly_suggested_or_refused(session: Session, world: dict) -> None:
    admin = world["admin"]
    cid = world["a"].id
    rows = [[1, datetime(2026, 11, 2, 8), "N1", "x", "一般", "盗窃", "p", "新山村派出所", "双林",
             "ok"],
            [2, datetime(2026, 11, 2, 9), "N2", "x", "一般", "盗窃", "p", "新山村派出所", str(cid),
             "ok"],
            [3, datetime(2026, 11, 2, 9), "N3", "x", "一般", "盗窃", "p", "跳磴派出所", "双林社区",
             "ok"],
            [4, datetime(2026, 11, 2, 9), "N3", "x", "一般", "盗窃", "p", "新山村派出所",
             "建胜社区", "ok"],
            [5, "02/11/2026", "N5", "x", "一般", "盗窃", "p", "新山村派出所", "建胜社区", "ok"]]
    table = read_export(sf.dispatch_export(rows), "110.xlsx")
    mapping = guess_mapping(table, "incidents")
    plan = plan_import(session, actor=admin, table=table, mapping=mapping, mode="incidents",
                       today=TODAY)
    assert [(u.name, u.suggestion) for u in plan.communities] == [("双林", str(cid))]
    assert {(int(r.row), r.problem) for r in plan.errors.itertuples()} == {
        (5, "stats.import.unknown_community"),  # "45" is a name, never community id 45
        (6, "stats.import.station_mismatch"),
        (7, "stats.import.duplicate_number"),
        (8, "sheets.date.day_first")}
    done = import_incidents(session, actor=admin, table=table, mapping=mapping,
                            mode="incidents", today=TODAY, take_valid=True,
                            decisions={"category": {"盗窃": "criminal"},
                                       "community": {"双林": str(cid)}})
    assert done.inserted == 1 and done.rejected == 4
    assert _stored(session) == {(date(2026, 11, 2), "criminal", "双林社区"): 1}
    assert importmap.remembered(session, actor=admin, source="110", kind="community") == {
        "双林": str(cid)}


def test_a_supervisor_imports_only_their_station(session: Session, world: dict) -> None:
    rows = sf.dispatch_rows(world["places"], 9)
    table = read_export(sf.dispatch_export(rows), "110.xlsx")
    mapping = guess_mapping(table, "incidents")
    plan = plan_import(session, actor=world["sup"], table=table, mapping=mapping,
                       mode="incidents", today=TODAY)
    outside = {int(r.row) for r in plan.errors.itertuples()
               if r.problem == "stats.import.unknown_community"}
    assert outside == {row.number for row in table.rows if row.cells[8] == "跳磴村"}
    with pytest.raises(Exception):  # noqa: B017 - NotFound: another station's community
        importmap.save_mappings(session, actor=world["sup"], source="110", kind="community",
                                decisions={"跳磴": str(world["c"].id)})


def test_a_supervisor_never_moves_another_stations_incident(session: Session,
                                                           world: dict) -> None:
    """An incident number the admin counted for another station's community, in a station
    supervisor's file under their own community, with "update": left where it is, counted
    once, and counted as skipped (already imported)."""
    row = [1, datetime(2026, 11, 2, 8), "J1", "x", "一般", "盗窃", "p", "跳磴派出所", "跳磴村",
           "ok"]
    decisions = {"category": {"盗窃": "criminal"}}

    def run(actor, cells):  # type: ignore[no-untyped-def]
        table = read_export(sf.dispatch_export([cells]), "110.xlsx")
        mapping = guess_mapping(table, "incidents")
        plan = plan_import(session, actor=actor, table=table, mapping=mapping,
                           mode="incidents", today=TODAY, decisions=decisions)
        return plan, import_incidents(session, actor=actor, table=table, mapping=mapping,
                                      mode="incidents", today=TODAY, decisions=decisions,
                                      on_existing="update")

    run(world["admin"], row)
    before = _stored(session)
    assert before == {(date(2026, 11, 2), "criminal", "跳磴村"): 1}
    plan, done = run(world["sup"], [*row[:7], "新山村派出所", "双林社区", "ok"])
    assert plan.changed == 0 and (done.inserted, done.updated, done.skipped) == (0, 0, 1)
    assert _stored(session) == before
    moved = session.scalars(select(ImportedIncident.community_id)).one()
    assert moved == world["c"].id
