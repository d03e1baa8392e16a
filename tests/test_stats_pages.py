"""AppTest: the statistics and import pages boot for each role, switch views, import a file."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from db.models import IncidentCount, LeadEvent
from services.core.clock import local_today
from services.stats import incidents
from services.stats.periods import since_july
from tests import apptest_util
from tests import factories as f
from tests import stats_world as sw
from tests.apptest_util import ROOT, AppEnv, new_app, sign_in, texts

app_env = apptest_util.app_env  # the fixture, under the name the tests ask for

STATS = str(ROOT / "pages/statistics.py")
MINUTES_14 = "14 分钟"
IMPORT = str(ROOT / "pages/incident_import.py")
TABS = {"矛盾纠纷": "纠纷化解率", "线索处置": "新增线索", "驻社区时间": "低于目标的民警",
        "自治队伍": "在岗队员"}  # each view and something only it shows


def _world(env: AppEnv) -> sw.World:
    with env.session() as s:
        w = sw.build(s)
        sw.dispute(s, w.a, sw.at(local_today()), resolved=True, address="幸福路1号")
        sw.lead(s, w.a, sw.at(local_today()), reporter_user_id=w.grid_a.user_id)
    return w


def test_every_view_renders_for_the_commander(app_env: AppEnv) -> None:
    w = _world(app_env)
    at = sign_in(new_app(), w.admin.username, f.PASSWORD)
    at.switch_page(STATS).run()
    assert not at.exception, at.exception
    with app_env.session() as s:
        comp = incidents.compare_incidents(s, actor=w.admin, period=since_july(local_today()))
    shown = {m.label: m.value for m in at.metric}
    assert shown["刑事警情"] == f"{comp.by_category['criminal'].this:,}"
    assert shown["警情合计"] == f"{comp.total.this:,}"
    for label, mark in TABS.items():
        at.session_state["stats_tab"] = label
        at.run()
        assert not at.exception, (label, at.exception)
        shown = texts(at) + "".join(str(list(d.value.columns)) for d in at.dataframe)
        assert mark in shown and "警情合计" not in shown, label


def test_periods_and_scope_filter(app_env: AppEnv) -> None:
    w = _world(app_env)
    at = sign_in(new_app(), w.supervisor.username, f.PASSWORD)
    at.switch_page(STATS).run()
    assert set(at.multiselect(key="stats_communities").options) == {"甲社区", "乙社区"}
    at.multiselect(key="stats_communities").select(w.b.id).run()
    at.selectbox(key="stats_preset").select("last_month").run()
    assert not at.exception
    assert "本期" in texts(at)
    at.selectbox(key="stats_preset").select("custom").run()
    assert not at.exception


def test_officer_sees_their_community_and_grid_worker_is_refused(app_env: AppEnv) -> None:
    w = _world(app_env)
    at = sign_in(new_app(), w.officer_a.username, f.PASSWORD)
    at.switch_page(STATS).run()
    assert not at.exception
    assert at.multiselect(key="stats_communities").options == ["甲社区"]
    grid = sign_in(new_app(STATS), w.grid_a.username, f.PASSWORD)  # a direct URL
    grid.run()
    assert any("没有权限" in e.value for e in grid.error) and not grid.metric


BAD_FILE = ("日期,警情类别,社区,起数\n2025-04-10,刑事,甲社区,3\n2025-03-01,治安,不存在,1\n"
            "2025-03-02,刑事,乙社区,-1\n").encode()


def test_import_lists_problems_and_writes_only_when_told(app_env: AppEnv) -> None:
    w = _world(app_env)
    with app_env.session() as s:
        before = s.scalar(select(func.count()).select_from(IncidentCount))
    at = sign_in(new_app(), w.admin.username, f.PASSWORD)
    at.switch_page(IMPORT).run()
    at.file_uploader(key="import_file").set_value(("export.csv", BAD_FILE, "text/csv")).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="import_map_daily_day").value == "日期"
    problems = at.dataframe[1].value  # after the preview of the file
    assert list(problems["行号"]) == [3, 4]
    assert at.button(key="import_run").disabled
    at.checkbox(key="import_take_valid").check().run()
    at.button(key="import_run").click().run()
    assert not at.exception, at.exception
    assert any("新增 1 行" in s.value for s in at.success)
    with app_env.session() as s:
        assert s.scalar(select(func.count()).select_from(IncidentCount)) == before + 1


def test_import_page_is_for_admins_and_supervisors(app_env: AppEnv) -> None:
    w = _world(app_env)
    at = sign_in(new_app(IMPORT), w.officer_a.username, f.PASSWORD)  # a direct URL
    at.run()
    assert any("没有权限" in e.value for e in at.error) and not at.file_uploader



def test_a_statistics_download_is_audited_as_an_export_when_it_is_built(
        app_env: AppEnv) -> None:
    """What a download button holds is built when clicked; building it writes the audit
    entry (AppTest cannot click a download, so the button's builder is called here)."""
    import pandas as pd

    from db.models import AuditLog
    from services.stats.export import csv_bytes
    from ui.stats.controls import audited

    w = _world(app_env)
    built = audited(w.admin, "stats.incidents", "csv",
                    lambda: (csv_bytes(pd.DataFrame({"a": [1, 2, 3]})), 3))
    with app_env.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditLog))
    assert built().startswith(b"\xef\xbb\xbf")  # the CSV itself, with its BOM for Excel
    with app_env.session() as s:
        entries = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).all()
        assert len(entries) == before + 1
        assert (entries[0].action, entries[0].entity, entries[0].after,
                entries[0].actor_user_id) == ("data.export", "stats.incidents",
                                              {"rows": 3, "format": "csv"}, w.admin.user_id)


def test_a_statistics_run_checks_the_sign_in_session_only_in_the_guards(
        app_env: AppEnv, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The guard checks the session once per run; the tables' download buttons use the actor
    it checked, where each table cost one more check (2 with one table, 3 with two)."""
    from services.accounts import auth

    w = _world(app_env)
    at = sign_in(new_app(), w.admin.username, f.PASSWORD)
    at.switch_page(STATS).run()
    real, calls = auth.check_session, []

    def counted(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(auth, "check_session", counted)
    for label in (None, *TABS):
        if label:
            at.session_state["stats_tab"] = label
        calls.clear()
        at.run()
        assert not at.exception, (label, at.exception)
        assert at.dataframe, label  # the view shows tables, each with its downloads
        assert len(calls) == 1, (label, len(at.dataframe), len(calls))


def test_the_lead_view_shows_the_time_to_scene_beside_dispatch_and_accept(
        app_env: AppEnv) -> None:
    w = _world(app_env)
    with app_env.session() as s:
        created = sw.at(local_today(), 9)
        lead = sw.lead(s, w.a, created, dispatched_at=created + timedelta(seconds=20),
                       accepted_at=created + timedelta(minutes=2), status="accepted")
        s.add(LeadEvent(lead_id=lead.id, at=created + timedelta(minutes=14, seconds=20),
                        action="on_scene", from_status="accepted", to_status="accepted"))
    at = sign_in(new_app(), w.supervisor.username, f.PASSWORD)
    at.switch_page(STATS).run()
    at.session_state["stats_tab"] = "线索处置"
    at.run()
    assert not at.exception, at.exception
    times = next(d.value for d in at.dataframe if "派单用时" in d.value.to_csv())
    measures = list(times.iloc[:, 0])
    assert measures.index("到场用时（派单后）") == measures.index("接单用时（派单后）") + 1
    row = times[times.iloc[:, 0] == "到场用时（派单后）"].iloc[0]
    assert list(row.iloc[1:]) == [1, MINUTES_14, MINUTES_14]  # 14 min 20 s − 20 s
