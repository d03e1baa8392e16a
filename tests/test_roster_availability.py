"""Availability as one line of text: in import files, the bulk table and exports."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Member
from services import roster
from services.core.errors import Invalid
from tests import roster_files as rf
from tests.roster_world import build, id_number
from ui.roster.common import import_aliases

WEEKDAYS_EVENINGS = {"days": [0, 1, 2, 3, 4], "from": "18:00", "to": "22:00"}


@pytest.mark.parametrize(("text", "value"), [
    ("周一至周五 18:00-22:00", WEEKDAYS_EVENINGS),
    ("Mon-Fri 18:00-22:00", WEEKDAYS_EVENINGS),
    ("工作日 18：00～22：00", WEEKDAYS_EVENINGS),  # full-width, as typed with a Chinese IME
    ("周一 至 周五，18:00-22:00", WEEKDAYS_EVENINGS),
    ("周末", {"days": [5, 6]}),
    ("weekends", {"days": [5, 6]}),
    ("星期六、星期日 9:00-11:30", {"days": [5, 6], "from": "09:00", "to": "11:30"}),
    ("每天 08:00-12:00", {"from": "08:00", "to": "12:00"}),
    ("22:00-06:00", {"from": "22:00", "to": "06:00"}),  # overnight
    ("周一至周五 18点到22点", WEEKDAYS_EVENINGS),
    ("周六 8点半-11点", {"days": [5], "from": "08:30", "to": "11:00"}),
    ("Fri-Mon", {"days": [0, 4, 5, 6]}),  # a range across the weekend
    ("tues, thursday", {"days": [1, 3]}),
    ("随时", {}), ("any time", {}), ("", {}), (None, {}),
])
def test_what_officers_write_is_understood(text: str | None, value: dict) -> None:
    assert roster.parse_availability(text) == value


@pytest.mark.parametrize("text", ["明天", "周八", "25:00-26:00", "18:00-22:00 19:00-20:00",
                                  "Mon-", "下午", "18:00", "abc", "25点-26点"])
def test_what_cannot_be_understood_says_how_to_write_it(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        roster.parse_availability(text)
    assert caught.value.fields == {"availability": "roster.v.availability_text"}


@given(days=hs.sets(hs.integers(0, 6)), times=hs.one_of(
    hs.none(), hs.tuples(hs.integers(0, 23), hs.sampled_from([0, 15, 30, 45]),
                         hs.integers(0, 23), hs.sampled_from([0, 15, 30, 45]))),
       lang=hs.sampled_from(["zh", "en"]))
def test_what_is_shown_reads_back_the_same(days: set[int], times: tuple | None,
                                           lang: str) -> None:
    value: dict = {"days": sorted(days)}
    if times:
        value["from"], value["to"] = f"{times[0]:02d}:{times[1]:02d}", \
            f"{times[2]:02d}:{times[3]:02d}"
    stored = roster.parse_availability(value)  # the stored form
    assert roster.parse_availability(roster.format_availability(stored, lang)) == stored


def _by_name(session: Session) -> dict[str, Member]:
    session.expire_all()
    return {m.name: m for m in session.scalars(select(Member))}


def test_an_import_sets_availability_and_an_empty_cell_keeps_it(session: Session) -> None:
    w = build(session)
    headers = [*rf.HEADERS_ZH, "可参与时间"]
    rows = [["双林社区", "义务巡逻队", "队员甲", "13900000001", rf.good_id(1), "", "",
             "周一至周五 18:00-22:00"],
            ["双林社区", "义务巡逻队", "队员乙", "13900000002", rf.good_id(2), "", "", "周末"],
            ["双林社区", "义务巡逻队", "队员丙", "13900000003", rf.good_id(3), "", "",
             "下班以后"]]
    table = roster.read_table(rf.to_csv(headers, rows), "名册.csv")
    mapping = roster.guess_mapping("members", table.headers)
    assert mapping["availability"] == 7
    args = {"actor": w.officer, "kind": "members", "table": table, "mapping": mapping,
            "aliases": import_aliases()}
    plan = roster.preview_import(session, **args)
    assert [(r.line, r.problems) for r in plan.bad] == [
        (4, (("availability", "roster.v.availability_text"),))]
    summary = roster.run_import(session, valid_only=True, **args)
    assert summary.added == 2
    people = _by_name(session)
    assert people["队员甲"].availability == WEEKDAYS_EVENINGS
    assert people["队员乙"].availability == {"days": [5, 6]}

    rows[0][7] = ""  # an empty cell never erases what is on file
    rows[1][7] = "随时"  # "any time" does clear it
    table = roster.read_table(rf.to_csv(headers, rows[:2]), "名册.csv")
    again = roster.run_import(session, **{**args, "table": table})
    assert (again.updated, again.unchanged) == (1, 1)
    people = _by_name(session)
    assert people["队员甲"].availability == WEEKDAYS_EVENINGS
    assert people["队员乙"].availability == {}


def test_the_template_and_the_export_carry_the_column(session: Session) -> None:
    w = build(session)
    assert "可参与时间".encode() in roster.template("members", fmt="csv")
    assert b"availability" in roster.template("members", lang="en", fmt="csv")
    zhang = _by_name(session)["张三"]
    zhang.availability = WEEKDAYS_EVENINGS
    session.flush()
    data, _ = roster.export_roster(session, actor=w.officer, what="members", fmt="csv")
    assert "周一至周五 18:00-22:00" in data.decode("utf-8-sig")
    data, _ = roster.export_roster(session, actor=w.officer, what="members", fmt="csv",
                                   lang="en")
    assert "Mon-Fri 18:00-22:00" in data.decode("utf-8-sig")


def _row(session: Session, w, name: str) -> dict:  # type: ignore[no-untyped-def]
    view = roster.community_roster(session, actor=w.officer, community_id=w.a.id)
    m = next(m for m in view.members if m.name == name)
    return {"member_id": m.id, "version": m.version, "name": m.name, "phone": m.phone_masked,
            "id_number": m.id_masked, "grid_id": m.grid_id, "skills": list(m.skills),
            "active": m.active, "availability": roster.format_availability(m.availability)}


def test_the_bulk_table_edits_availability_as_text(session: Session) -> None:
    w = build(session)
    zhang = {**_row(session, w, "张三"), "availability": "周末 09:00-17:00"}
    li = _row(session, w, "李四")  # shown as it is: unchanged
    new = {"member_id": None, "name": "吴十", "phone": "13912340000",
           "id_number": id_number(10), "grid_id": None, "skills": [], "active": True,
           "availability": "工作日"}
    result = roster.save_team_members(session, actor=w.officer, team_id=w.response.id,
                                      rows=[zhang, li, new])
    assert result == {"added": 1, "updated": 1}
    people = _by_name(session)
    assert people["张三"].availability == {"days": [5, 6], "from": "09:00", "to": "17:00"}
    assert people["吴十"].availability == {"days": [0, 1, 2, 3, 4]}

    bad = {**_row(session, w, "张三"), "availability": "周八"}
    with pytest.raises(Invalid) as caught:
        roster.save_team_members(session, actor=w.officer, team_id=w.response.id, rows=[bad])
    assert caught.value.fields == {"0.availability": "roster.v.availability_text"}
    assert _by_name(session)["张三"].availability["days"] == [5, 6]  # nothing was saved

    no_column = {k: v for k, v in _row(session, w, "张三").items() if k != "availability"}
    no_column["name"] = "张三丰"  # a caller without the column keeps what is on file
    roster.save_team_members(session, actor=w.officer, team_id=w.response.id, rows=[no_column])
    assert _by_name(session)["张三丰"].availability["days"] == [5, 6]


def test_every_import_field_has_a_label_in_both_languages() -> None:
    from services.roster.importfile import FIELDS
    from ui.core.i18n import catalogue

    for lang in ("zh", "en"):
        missing = [f for kind in FIELDS for f in FIELDS[kind]
                   if f"roster.imp.field_{f}" not in catalogue(lang)]
        assert missing == [], (lang, missing)
