"""AppTest: the command board page for a supervisor: sections, sound switch, alarm and its
acknowledgement, reassigning from the board, filters kept over refreshes, the shift handover,
the map beside the board (and the internal tile layer only where PINGAN_TILE_URL says so).

AppTest does not run `run_every` fragments by itself: each `at.run()` stands for a refresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import AuditLog, Lead, LeadEvent, Officer
from services import board, leads
from services.core import clock
from tests import factories as f
from tests.apptest_util import ROOT, AppEnv, app_env, sign_in, texts  # noqa: F401
from tests.leads_world import World, build
from ui.board import handover as board_handover

TEMPLATE = "https://tiles.bureau.internal/base/{z}/{x}/{y}.png"


@pytest.fixture
def env(app_env: AppEnv) -> AppEnv:  # noqa: F811 - the shared fixture, renamed
    return app_env


@pytest.fixture
def router(tmp_path: Path) -> str:
    path = tmp_path / "router.py"
    path.write_text(f"import runpy\nrunpy.run_path({str(ROOT / 'app.py')!r})\n")
    return str(path)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], Any]]:
    """The handover's builders as the page hands them to its download button (AppTest
    cannot click a download): calling one is what a click does."""
    found: list[Callable[[], Any]] = []
    real = board_handover.audited

    def keep(*args: Any) -> Callable[[], Any]:
        build = real(*args)
        found.append(build)
        return build

    monkeypatch.setattr(board_handover, "audited", keep)
    return found


def _world(env: AppEnv) -> World:
    with env.session() as s:
        return build(s)


def _report(env: AppEnv, w: World, urgency: str) -> int:
    with env.session() as s:
        return leads.report_lead(s, actor=w.grid1, category="fire", urgency=urgency,
                                 description="楼道电动车充电").id


def _open(router: str, username: str) -> AppTest:
    at = sign_in(AppTest.from_file(router, default_timeout=30), username, f.PASSWORD)
    at.switch_page(str(ROOT / "pages" / "board.py")).run()
    assert not at.exception, at.exception
    return at


def _audio(at: AppTest) -> list[object]:
    return list(at.get("audio"))


def _alarm_html(at: AppTest) -> str:
    return "\n".join(str(h.proto) for h in at.get("html"))


def test_supervisor_sees_the_sections_and_the_alarm_until_acknowledged(
        env: AppEnv, router: str) -> None:
    w = _world(env)
    routine = _report(env, w, "routine")
    at = _open(router, w.district_sup.username)
    assert list(at.dataframe[0].value["编号"]) == [routine]
    assert "声音未开启" in texts(at) and _audio(at) == []
    emergency = _report(env, w, "emergency")
    at.run()  # a refresh
    assert f"特急线索 #{emergency}" in _alarm_html(at)
    assert list(at.dataframe[0].value["编号"]) == [emergency, routine]
    assert _audio(at) == []  # sound is still off
    at.button(key="board_sound_enable").click().run()
    assert "声音已开启" in texts(at) and len(_audio(at)) == 1
    at.button(key=f"board_ack_{emergency}").click().run()
    assert not at.exception
    assert f"特急线索 #{emergency}" not in _alarm_html(at) and _audio(at) == []
    with env.session() as s:
        who = s.scalar(select(LeadEvent.actor_user_id).where(LeadEvent.lead_id == emergency,
                                                             LeadEvent.action == board.ACK))
    assert who == w.district_sup.user_id


def test_a_new_urgent_lead_chimes_once(env: AppEnv, router: str) -> None:
    w = _world(env)
    at = _open(router, w.district_sup.username)
    at.button(key="board_sound_enable").click().run()
    assert _audio(at) == []
    _report(env, w, "urgent")
    at.run()
    assert len(_audio(at)) == 1  # the chime
    at.run()
    assert _audio(at) == []  # once


def test_reassign_from_the_board_and_filters_survive_refreshes(
        env: AppEnv, router: str) -> None:
    w = _world(env)
    a, b = _report(env, w, "urgent"), _report(env, w, "routine")
    with env.session() as s:  # an officer may rename themselves: their name is shown as typed
        s.get(Officer, w.backup.id).name = "![x](http://x/p.png)"  # type: ignore[union-attr]
    at = _open(router, w.district_sup.username)
    at.multiselect(key="board_f_urgency").set_value(["urgent"]).run()
    assert list(at.dataframe[0].value["编号"]) == [a]
    at.multiselect(key="board_pick").set_value([a]).run()
    at.selectbox(key="board_officer").set_value(w.backup.id).run()
    at.run()  # a refresh keeps the choices
    assert at.multiselect(key="board_pick").value == [a]
    at.button(key="board_reassign").click().run()
    assert not at.exception
    assert "已将 1 条线索改派给" in texts(at)
    assert [m.value for m in at.success if r"\!\[x\]\(http" in m.value]  # not an image
    with env.session() as s:
        assert s.get(Lead, a).assigned_officer_id == w.backup.id  # type: ignore[union-attr]
        assert s.get(Lead, b).assigned_officer_id == w.o1.id  # type: ignore[union-attr]
    assert at.multiselect(key="board_f_urgency").value == ["urgent"]


def test_officers_and_grid_workers_are_refused(env: AppEnv, router: str) -> None:
    w = _world(env)
    _report(env, w, "emergency")
    for who in (w.officer1, w.grid1):  # by the page's direct URL: not in their menu
        at = sign_in(AppTest.from_file(str(ROOT / "pages" / "board.py"), default_timeout=30),
                     who.username, f.PASSWORD)
        assert not at.exception
        assert [e.value for e in at.error] == [
            "您没有权限进行此操作。如需权限，请联系系统管理员。"]
        assert (len(at.dataframe), _audio(at)) == (0, [])
        assert not [b.key for b in at.button if str(b.key).startswith("board_")]


def test_officer_records_en_route_and_on_scene_with_one_tap_each(
        env: AppEnv, router: str) -> None:
    w = _world(env)
    lead_id = _report(env, w, "urgent")
    with env.session() as s:
        version = s.get(Lead, lead_id).version  # type: ignore[union-attr]
        leads.act(s, actor=w.officer1, lead_id=lead_id, action="accept", shown_version=version)
    at = sign_in(AppTest.from_file(router, default_timeout=30), w.officer1.username, f.PASSWORD)
    at.session_state["lead_id"] = lead_id
    at.switch_page(str(ROOT / "pages" / "lead.py")).run()
    assert not at.exception
    at.button(key="lead_move_en_route").click().run()
    at.button(key="lead_move_on_scene").click().run()
    assert not at.exception
    with env.session() as s:
        steps = s.scalars(select(LeadEvent.action).where(
            LeadEvent.lead_id == lead_id, LeadEvent.action.in_(("en_route", "on_scene")))
            .order_by(LeadEvent.id)).all()
    assert steps == ["en_route", "on_scene"]
    timeline = "\n".join(d.value.to_csv() for d in at.dataframe)
    assert "出发" in timeline and "到场" in timeline


def test_the_display_account_opens_on_the_wall_board_with_nothing_to_click(
        env: AppEnv, router: str) -> None:
    w = _world(env)
    emergency = _report(env, w, "emergency")
    at = sign_in(AppTest.from_file(router, default_timeout=30), w.display.username, f.PASSWORD)
    at.run()
    assert not at.exception
    assert [x.value for x in at.title] == ["指挥台"]  # its first page is the board, not home
    assert f"特急线索 #{emergency}" in _alarm_html(at)
    assert "stSidebar" in _alarm_html(at)  # the wall style hides the sidebar
    keys = [str(b.key) for b in at.button]
    assert not [k for k in keys if k.startswith(("board_ack", "board_reassign"))]
    assert "board_wall" not in [str(x.key) for x in at.toggle]  # always on the wall
    assert not at.get("multiselect") or "board_pick" not in [str(m.key) for m in at.multiselect]
    at.button(key="board_sound_enable").click().run()  # sound may be switched on
    assert len(_audio(at)) == 1


def test_a_supervisor_switches_to_the_wall_and_back(env: AppEnv, router: str) -> None:
    w = _world(env)
    _report(env, w, "urgent")
    at = _open(router, w.district_sup.username)
    assert "board_pick" in [str(m.key) for m in at.multiselect]
    at.toggle(key="board_wall").set_value(True).run()
    assert not at.exception
    assert "board_pick" not in [str(m.key) for m in at.multiselect]
    assert at.query_params.get("wall") == ["1"] or at.query_params.get("wall") == "1"
    at.toggle(key="board_wall").set_value(False).run()
    assert "board_pick" in [str(m.key) for m in at.multiselect]


def test_the_shift_figures_show_the_time_to_scene(env: AppEnv, router: str) -> None:
    w = _world(env)
    lead_id = _report(env, w, "urgent")
    with env.session() as s:
        view = leads.act(s, actor=w.officer1, lead_id=lead_id, action="accept",
                         shown_version=s.get(Lead, lead_id).version)  # type: ignore[union-attr]
        leads.act(s, actor=w.officer1, lead_id=lead_id, action="on_scene",
                  shown_version=view.version)
    at = _open(router, w.district_sup.username)
    shown = {m.label: m.value for m in at.metric}
    assert shown["上报"] == "1" and shown["按时接收"] == "1/1"
    assert shown["到场用时（中位）"] != "—"


def test_saved_filters_come_back_at_the_next_sign_in(env: AppEnv, router: str) -> None:
    w = _world(env)
    a, _ = _report(env, w, "urgent"), _report(env, w, "routine")
    at = _open(router, w.district_sup.username)
    at.multiselect(key="board_f_urgency").set_value(["urgent"]).run()
    at.button(key="board_save_filters").click().run()
    assert "已保存" in texts(at)
    again = _open(router, w.district_sup.username)  # another browser, another sign-in
    assert again.multiselect(key="board_f_urgency").value == ["urgent"]
    assert list(again.dataframe[0].value["编号"]) == [a]


def _downloads(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


def _map(at: AppTest) -> tuple[dict[str, Any], Any]:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json), charts[0].proto


def _layer(spec: dict[str, Any], layer_id: str) -> dict[str, Any]:
    return next(x for x in spec["layers"] if x["id"] == layer_id)


def test_a_supervisor_downloads_the_handover_of_a_chosen_shift(
        env: AppEnv, router: str, built: list[Callable[[], Any]]) -> None:
    w = _world(env)
    lead_id = _report(env, w, "urgent")
    at = _open(router, w.district_sup.username)
    assert _downloads(at) == ["下载交接班（可打印）"]
    running = board.shift_at(clock.now())
    assert at.date_input(key="board_handover_day").value == running.day
    page = built[-1]()  # what a click builds: the running shift, in the user's language
    assert f"交接班 · {'白班' if running.kind == 'day' else '夜班'} {running.day:%Y-%m-%d}" in page
    assert f"#{lead_id}" in page
    with env.session() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.entity == "board.handover")).one()
        assert (entry.action, entry.actor_user_id, entry.after) == (
            "data.export", w.district_sup.user_id, {"rows": 2, "format": "html"})  # open+shift
    other = "night" if running.kind == "day" else "day"
    before = running.day - timedelta(days=1)
    at.date_input(key="board_handover_day").set_value(before)
    at.button_group(key="board_handover_kind").set_value(other).run()
    assert not at.exception, at.exception
    page = built[-1]()
    assert f"{'夜班' if other == 'night' else '白班'} {before:%Y-%m-%d}" in page
    assert "本班上报的线索（0）" in page  # the lead was reported in the running shift


@pytest.mark.parametrize("picked", ["board_leads", "board_lead_taps"])  # the dot or its ring
def test_the_map_beside_the_board_opens_a_clicked_lead(env: AppEnv, router: str,
                                                        picked: str) -> None:
    w = _world(env)
    lead_id = _report(env, w, "emergency")
    at = _open(router, w.district_sup.username)
    spec, proto = _map(at)
    assert [row["id"] for row in _layer(spec, "board_leads")["data"]] == [lead_id]
    # Sized in pixels like the other maps (a lead in metres grew over its neighbours when
    # zoomed in), with the 44 px tap ring under it
    marks = [_layer(spec, "board_leads"), _layer(spec, "board_lead_taps")]
    assert [m["radiusUnits"] for m in marks] == ["pixels", "pixels"]
    assert marks[0]["getRadius"] < marks[1]["getRadius"] == 22
    assert list(proto.selection_mode)  # clicking selects, and the board opens the lead
    assert not [x for x in spec["layers"] if x["@@type"] in ("BitmapLayer", "TileLayer")]
    assert "http" not in proto.json  # no tile, nothing fetched from outside
    at.session_state["board_map"] = {"selection": {"indices": {picked: [0]}, "objects": {
        picked: [{"id": lead_id}]}}}
    at.run()
    assert not at.exception, at.exception
    assert [x.value for x in at.title] == [f"线索 #{lead_id} · 消防隐患"]  # its page


def test_the_wall_display_shows_the_map_and_no_handover(env: AppEnv, router: str) -> None:
    w = _world(env)
    lead_id = _report(env, w, "urgent")
    at = sign_in(AppTest.from_file(router, default_timeout=30), w.display.username, f.PASSWORD)
    at.run()
    assert not at.exception, at.exception
    spec, proto = _map(at)
    assert [row["id"] for row in _layer(spec, "board_leads")["data"]] == [lead_id]
    assert not list(proto.selection_mode)  # read-only: it opens nothing
    assert _downloads(at) == [] and "board_handover_day" not in [
        str(d.key) for d in at.date_input]


def test_the_internal_tile_service_lies_under_the_map_only_when_set(
        env: AppEnv, router: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    w = _world(env)
    monkeypatch.setenv("PINGAN_TILE_URL", TEMPLATE)
    st.cache_resource.clear()
    spec, _ = _map(_open(router, w.district_sup.username))
    tiles = [x for x in spec["layers"] if x["@@type"] == "BitmapLayer"]
    assert 1 <= len(tiles) <= 48 and spec["layers"][:len(tiles)] == tiles  # underneath
    for layer in tiles:
        _, z, x, y = layer["id"].split("_")
        assert layer["image"] == TEMPLATE.format(z=z, x=x, y=y)
    assert not [x for x in spec["layers"] if x["@@type"] == "TileLayer"]
