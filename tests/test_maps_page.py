"""AppTest: the map page draws in scope, layer switches and filters change what is sent."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from services.core import clock
from tests import apptest_util
from tests import factories as f
from tests import map_data as md
from tests.apptest_util import ROOT, AppEnv, new_app, sign_in, texts

app_env = apptest_util.app_env  # the fixture

MAP = str(ROOT / "pages/map.py")


def _world(env: AppEnv) -> None:
    now = clock.now()
    with env.session() as s:
        a = f.community(s, name="双林社区", lat=29.48, lon=106.48)
        b = f.community(s, name="新山村社区", lat=29.50, lon=106.52)
        g = f.grid(s, a)
        f.grid(s, b)
        f.user(s, "supervisor", username="boss")
        f.user(s, "officer", communities=[a], username="cop")
        for i in range(12):
            md.lead(s, a, at=now - timedelta(hours=2 + i * 40), lat=29.48 + i * 1e-4)
        md.lead(s, b, at=now - timedelta(hours=3), urgency="emergency",
                reporter_contact="13912345678")
        md.alert(s, communities=[b.id], grids=[g.id], valid_from=now - timedelta(days=1),
                 valid_to=now + timedelta(days=3))


def _open_map(env: AppEnv, username: str = "boss") -> AppTest:
    _world(env)
    at = sign_in(new_app(), username, f.PASSWORD)
    at.switch_page(MAP).run()
    assert not at.exception, at.exception
    return at


def _spec(at: AppTest) -> dict[str, Any]:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def _layers(at: AppTest) -> dict[str, Any]:
    return {layer["id"]: layer for layer in _spec(at)["layers"]}


def test_the_map_draws_the_district_offline_with_leads_alerts_and_posts(app_env: AppEnv) -> None:
    at = _open_map(app_env)
    spec = _spec(at)
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__"
    assert "http" not in at.get("deck_gl_json_chart")[0].proto.json
    layers = _layers(at)
    assert {"district", "communities", "borders", "leads", "alerts", "stations",
            "offices"} <= set(layers)  # (this district has no river)
    assert len(layers["communities"]["data"]["features"]) == 2
    leads = layers["leads"]["data"]
    assert len(leads) == 6  # the last 7 days: 5 in 双林, 1 in 新山村
    assert all(isinstance(p["tip"], str) for p in leads)
    assert "139****5678" in json.dumps(leads, ensure_ascii=False)
    assert "13912345678" not in at.get("deck_gl_json_chart")[0].proto.json
    legends = " ".join(h.proto.body for h in at.get("html"))
    assert "未结线索" in legends and "特急" in legends and "协查" in legends


def test_switching_layers_changes_what_is_drawn(app_env: AppEnv) -> None:
    at = _open_map(app_env)
    at.button_group(key="map_layers").set_value(["measure", "coverage"]).run()
    layers = _layers(at)
    assert "coverage" in layers and "leads" not in layers and "alerts" not in layers
    assert len(layers["coverage"]["data"]["features"]) == 2
    at.button_group(key="map_layers").set_value(["grids"]).run()
    assert "grids" in _layers(at) and "coverage" not in _layers(at)


def test_filters_change_the_leads_sent(app_env: AppEnv) -> None:
    at = _open_map(app_env)
    at.button_group(key="map_window").set_value("30d").run()
    assert len(_layers(at)["leads"]["data"]) == 13
    at.button_group(key="map_window").set_value("24h").run()
    assert len(_layers(at)["leads"]["data"]) == 2
    at.multiselect(key="map_urgencies").set_value(["emergency"]).run()
    assert len(_layers(at)["leads"]["data"]) == 1
    today = clock.local_today()
    at.button_group(key="map_window").set_value("custom").run()
    at.date_input(key="map_days").set_value((today - timedelta(days=60), today)).run()
    assert len(_layers(at)["leads"]["data"]) == 1  # still only emergencies
    at.multiselect(key="map_urgencies").set_value([]).run()
    assert len(_layers(at)["leads"]["data"]) == 13
    at.button_group(key="map_measure").set_value("incident_change").run()
    assert not at.exception
    assert "无法比较" in " ".join(h.proto.body for h in at.get("html"))


def test_an_officer_sees_only_their_community(app_env: AppEnv) -> None:
    at = _open_map(app_env, "cop")
    layers = _layers(at)
    names = [c["properties"]["name"] for c in layers["communities"]["data"]["features"]]
    assert names == ["双林社区"]
    assert "grids" in layers  # a small scope is a close view: grids from the start
    assert len(layers["leads"]["data"]) == 5
    assert "alerts" in layers and layers["alerts"]["data"]["features"][0]["properties"][
        "kind"] == "grid"
    order = list(layers)  # the alert area lies under the grids: hovering a grid names it
    assert order.index("alerts") < order.index("grids")


def test_a_picked_community_offers_its_page(app_env: AppEnv) -> None:
    at = _open_map(app_env)
    community = _layers(at)["communities"]["data"]["features"][0]
    at.session_state["map_pick"] = {"layer": "communities", "object": community}
    at.run()
    assert "双林社区" in texts(at)
    at.button(key="map_open_community").click().run()
    assert not at.exception
    if (ROOT / "pages/community.py").exists():
        assert at.session_state["community_id"] == community["properties"]["id"]
    else:
        assert "尚未开放" in texts(at)


@pytest.mark.parametrize("lead_page", [(ROOT / "pages/lead.py").exists()])
def test_a_picked_lead_opens_its_page(app_env: AppEnv, lead_page: bool) -> None:
    at = _open_map(app_env)
    lead = _layers(at)["leads"]["data"][0]
    at.session_state["map_pick"] = {"layer": "leads", "object": lead}
    at.run()
    assert not at.exception
    if lead_page:
        assert at.session_state["lead_id"] == lead["id"]
    else:
        assert "尚未开放" in texts(at)
