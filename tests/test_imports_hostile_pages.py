"""Every spreadsheet upload field (incident import, roster import) against every hostile
file: the page shows a message in the user's language, the process lives, nothing is stored."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from db.models import IncidentCount, Member, User
from tests import factories as f
from tests import sheet_files as sf
from tests.apptest_util import ROOT, AppEnv, app_env, new_app, sign_in  # noqa: F401
from tests.roster_world import build
from ui.core.i18n import translate

PAGES = {"import_file": str(ROOT / "pages" / "incident_import.py"),
         "imp_file": str(ROOT / "pages" / "roster_import.py")}
EXTRA = {"pdf_named": ("scan.pdf", b"%PDF-1.4 ...", "sheets.bad_type")}


@pytest.mark.parametrize("field", sorted(PAGES))
def test_every_hostile_file_gets_a_message_on_every_upload_field(app_env: AppEnv,  # noqa: F811
                                                                 field: str) -> None:
    with app_env.session() as s:
        w = build(s)
        admin = s.get(User, w.admin.user_id).username  # type: ignore[union-attr]
        members = s.scalar(select(func.count()).select_from(Member))
    at = sign_in(new_app(), admin, f.PASSWORD)
    at.switch_page(PAGES[field]).run()
    pid = os.getpid()
    files = {n: sf.hostile(n) for n in sorted(sf.HOSTILE)} | EXTRA
    for name, (filename, data, key) in files.items():
        at.file_uploader(key=field).set_value((filename, data, "application/octet-stream"))
        at.run(timeout=60)
        assert not at.exception, (name, at.exception)
        shown = [e.value for e in at.error]
        words = translate("zh", key).split("{")[0]  # the message up to its first parameter
        assert any(e.startswith(words) for e in shown), (name, shown)
    assert os.getpid() == pid
    with app_env.session() as s:
        assert s.scalar(select(func.count()).select_from(IncidentCount)) == 0
        assert s.scalar(select(func.count()).select_from(Member)) == members
