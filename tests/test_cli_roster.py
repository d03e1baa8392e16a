"""`pingan import roster`: the page's checks and preview (JSON with --json) as a named user,
the same audit; exit 0 imported, 1 refused, 2 bad usage; on both databases."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, text

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import AuditLog, Member, Membership
from services.cli import main
from tests import factories as f
from tests import roster_corpus as rc
from tests.conftest import BACKENDS, PG_URL
from tests.roster_world import build

EXCEL = "roster_imp.id_excel_number"


@pytest.fixture(params=BACKENDS)
def district(request: pytest.FixtureRequest, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    if request.param == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'cli.db'}", None
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = make_engine(PG_URL)  # type: ignore[arg-type]
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("PINGAN_DATABASE_URL", url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PINGAN_DEMO", "1")
    monkeypatch.setenv("PINGAN_PASSWORD", f.PASSWORD)
    monkeypatch.delenv("PINGAN_TOKEN", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine, write=True) as s:
        w = build(s)
        users = {"officer": w.officer.username, "admin": w.admin.username}
    yield {"engine": engine, "tmp": tmp_path, **users}
    engine.dispose()
    if schema:
        admin = make_engine(PG_URL)  # type: ignore[arg-type]
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _file(district: dict, name: str, data: bytes) -> str:
    path = Path(str(district["tmp"])) / name
    path.write_bytes(data)
    return str(path)


def run(district: dict, *args: str, user: str = "officer"):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["import", "roster", *args, "--as",
                                     str(district[user])])


def _people(engine: Engine) -> list[tuple]:
    with session_scope(engine) as s:
        return [tuple(r) for r in s.execute(select(Member.name, Member.phone,
                                                   Member.id_number).order_by(Member.id))]


def test_excel_number_ids_refused_in_the_json_preview_and_nothing_stored(
        district: dict) -> None:
    true, _ = rc.damaged_but_valid()
    path = _file(district, "名册.xlsx", rc.xlsx([
        ["双林社区", "双林巡逻队", "孙八", "13900000008", rc.excel_float(true)],
        ["双林社区", "双林巡逻队", "周九", "13900000009", rc.make_id(3)]]))
    before = _people(district["engine"])  # type: ignore[arg-type]
    result = run(district, path, "--community", "双林社区", "--dry-run", "--json")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["counts"] == {"added": 1, "updated": 0, "unchanged": 0, "refused": 1,
                                "decide": 0}
    bad, = report["rows"]
    assert (bad["row"], bad["problems"][0]["problem"]) == (2, EXCEL)
    assert "Excel" in bad["problems"][0]["message"]
    assert _people(district["engine"]) == before  # type: ignore[arg-type]
    taken = run(district, path, "--community", "双林社区", "--take-valid")
    assert taken.exit_code == 0, taken.stderr
    added = _people(district["engine"])[len(before):]  # type: ignore[arg-type]
    assert added == [("周九", "13900000009", rc.make_id(3))]


def test_import_as_the_user_with_progress_and_audit(district: dict) -> None:
    path = _file(district, "巡逻队.csv", rc.csv_bytes([
        ["双林社区", "双林巡逻队", "孙八", "13900000008", rc.make_id(8)],
        ["", "双林巡逻队", "张三", "13800000001", ""]]))
    result = run(district, path, "--community", "双林社区")
    assert result.exit_code == 0, result.stderr
    assert "已导入" in result.stdout and "100%" in result.stderr
    engine = district["engine"]
    with session_scope(engine) as s:  # type: ignore[arg-type]
        zhang = s.scalar(select(Member).where(Member.name == "张三"))
        assert zhang is not None
        teams = s.scalar(select(func.count()).select_from(Membership)
                         .where(Membership.member_id == zhang.id))
        assert teams == 2  # the patrol team's file added a membership
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "roster.import"))
        assert entry is not None and entry.actor_name == district["officer"]
        assert entry.after["added"] == 1 and entry.after["updated"] == 1
    again = run(district, path, "--community", "双林社区")
    assert again.exit_code == 0 and "无变化 2" in again.stdout


def test_a_shared_phone_needs_the_users_word(district: dict) -> None:
    path = _file(district, "名册.csv", rc.csv_bytes([
        ["双林社区", "双林巡逻队", "王八", "13800000004", ""]]))
    before = _people(district["engine"])  # type: ignore[arg-type]
    result = run(district, path, "--community", "双林社区")
    assert result.exit_code == 1 and "--same 2" in result.stdout
    assert _people(district["engine"]) == before  # type: ignore[arg-type]
    result = run(district, path, "--community", "双林社区", "--different", "2")
    assert result.exit_code == 0, result.stderr
    people = _people(district["engine"])  # type: ignore[arg-type]
    assert ("赵六", "13800000004", None) in people and ("王八", "13800000004", None) in people


def test_bad_usage_exits_2(district: dict) -> None:
    path = _file(district, "名册.csv", rc.csv_bytes([
        ["双林社区", "双林巡逻队", "孙八", "13900000008", ""]]))
    assert run(district, path, "--community", "远山村").exit_code == 2  # not in scope
    assert run(district, path, "--community", "双林社区", "--same", "2",
               "--different", "2").exit_code == 2
    assert CliRunner().invoke(main, ["import", "roster", path]).exit_code == 2
    assert _people(district["engine"])[-1][0] != "孙八"  # type: ignore[arg-type]


def test_an_unreadable_file_is_refused_with_a_message(district: dict) -> None:
    path = _file(district, "名册.xlsx", b"PK\x03\x04 not really a workbook")
    result = run(district, path, "--community", "双林社区")
    assert result.exit_code == 1 and result.stderr.strip()
