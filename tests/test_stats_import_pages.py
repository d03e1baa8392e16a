"""AppTest: the incident import page with the 110 export: the category decisions preset,
the import written, the remembered meanings editable afterwards (audited)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from db.models import AuditLog, ImportedIncident, ImportMapping, Station
from services.core.clock import local_today
from tests import factories as f
from tests import sheet_files as sf
from tests import stats_world as sw
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in  # noqa: F401

IMPORT = str(ROOT / "pages/incident_import.py")


def test_dispatch_export_then_edit_a_remembered_meaning(app_env: AppEnv) -> None:  # noqa: F811
    with app_env.session() as s:
        w = sw.build(s)
        places = [(s.get(Station, c.station_id).name, c.name)  # type: ignore[union-attr]
                  for c in (w.a, w.b)]
    start = datetime.combine(local_today() - timedelta(days=29), datetime.min.time())
    rows = sf.dispatch_rows(places, 40, first_day=start)
    at = sign_in(new_app(), w.admin.username, f.PASSWORD)
    at.switch_page(IMPORT).run()
    at.file_uploader(key="import_file").set_value(("110.xlsx", sf.dispatch_export(rows),
                                                   "application/octet-stream"))
    at.run(timeout=120)
    assert not at.exception, at.exception
    assert at.radio(key="import_mode").value == "incidents"
    assert not at.button(key="import_run").disabled  # the likeliest meanings are preset
    at.button(key="import_run").click().run(timeout=120)
    assert not at.exception, at.exception
    with app_env.session() as s:
        counted = s.scalar(select(func.count()).select_from(ImportedIncident))
        assert counted == sum(1 for r in rows if r[5] != "重复报警")
        assert s.scalar(select(ImportMapping.target).where(ImportMapping.name == "纠纷")) == "other"
    at.file_uploader(key="import_file").set_value(None).run()
    at.data_editor(key="import_remembered")  # shown now that meanings are remembered
    names = list(at.data_editor(key="import_remembered").value["name"])
    row = names.index("纠纷")
    at.session_state["import_remembered"] = {
        "edited_rows": {row: {"target": "治安"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="import_save_remembered").click().run()
    assert not at.exception, at.exception
    with app_env.session() as s:
        assert s.scalar(select(ImportMapping.target).where(
            ImportMapping.name == "纠纷")) == "public_order"
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "stats.import_mapping")
                          .order_by(AuditLog.id.desc())).first()
        assert entry is not None and entry.before == {"target": "other"}
