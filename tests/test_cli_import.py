"""`pingan import incidents`: signed in as a named user, the page's checks and preview (JSON
with --json), the same audit; exit 0 imported, 1 refused, 2 bad usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import AuditLog, Community, ImportedIncident, ImportMapping, IncidentCount
from services.cli import main
from tests import factories as f
from tests import sheet_files as sf
from tests.test_stats_dispatch import MEANING

PLACES = [("新山村派出所", "双林社区"), ("新山村派出所", "建胜社区"), ("跳磴派出所", "跳磴村")]


@pytest.fixture
def district(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    db = tmp_path / "cli.db"
    url = f"sqlite:///{db}"
    monkeypatch.setenv("PINGAN_DATABASE_URL", url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PINGAN_DEMO", "1")
    monkeypatch.setenv("PINGAN_PASSWORD", f.PASSWORD)
    monkeypatch.delenv("PINGAN_TOKEN", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine, write=True) as s:
        st1, st2 = f.station(s, name="新山村派出所"), f.station(s, name="跳磴派出所")
        f.community(s, station_=st1, name="双林社区")
        f.community(s, station_=st1, name="建胜社区")
        f.community(s, station_=st2, name="跳磴村")
        f.user(s, "admin", username="clerk")
        f.user(s, "officer", username="beat")
    rows = sf.dispatch_rows(PLACES, 200)
    path = tmp_path / "110导出.xlsx"
    path.write_bytes(sf.dispatch_export(rows))
    return {"engine": engine, "rows": rows, "file": path, "tmp": tmp_path}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["import", *args])


def _stored(engine) -> dict:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        rows = s.execute(select(IncidentCount.day, IncidentCount.category, Community.name,
                                IncidentCount.count).join(Community))
        return {(d, c, n): k for d, c, n, k in rows if k}


def _maps() -> list[str]:
    return [arg for k, v in MEANING.items() for arg in ("--map", f"{k}={v}")]


def test_dry_run_json_lists_the_names_to_decide_and_writes_nothing(district: dict) -> None:
    result = run("incidents", str(district["file"]), "--as", "clerk", "--dry-run", "--json")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["mode"] == "incidents" and report["refused"] and report["dry_run"]
    assert report["plan"]["rows"] == 200 and report["plan"]["rejected"] == 0
    assert {u["name"]: u["suggestion"] for u in report["undecided"]["categories"]} == MEANING
    assert report["mapping"]["number"] == "警情编号"
    assert any("合计" in n or "落款" in n for n in report["notes"])
    assert _stored(district["engine"]) == {}
    ok = run("incidents", str(district["file"]), "--as", "clerk", "--dry-run", *_maps())
    assert ok.exit_code == 0, ok.stderr
    assert "试运行" in ok.stdout and _stored(district["engine"]) == {}
    with session_scope(district["engine"]) as s:
        assert s.scalar(select(func.count()).select_from(ImportMapping)) == 0


def test_import_writes_the_totals_audited_as_the_user_and_once_only(district: dict) -> None:
    result = run("incidents", str(district["file"]), "--as", "clerk", "--json", *_maps())
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    skipped = sum(1 for r in district["rows"] if r[5] == "重复报警")
    assert report["imported"]["inserted"] == 200 - skipped
    assert _stored(district["engine"]) == sf.dispatch_totals(district["rows"], MEANING)
    assert "正在写入" in result.stderr  # progress, on stderr
    with session_scope(district["engine"]) as s:
        entry = s.scalars(select(AuditLog).where(
            AuditLog.action == "stats.import_incidents")).one()
        assert entry.actor_name == "clerk" and entry.after["file"] == "110导出.xlsx"
        assert s.scalar(select(func.count()).select_from(ImportedIncident)) == 200 - skipped
    again = run("incidents", str(district["file"]), "--as", "clerk")  # names remembered now
    assert again.exit_code == 0, again.stderr
    assert _stored(district["engine"]) == sf.dispatch_totals(district["rows"], MEANING)


@pytest.mark.parametrize("name", ["dimension_bomb", "entity_bomb", "encrypted", "wide_csv"])
def test_hostile_files_are_refused_with_a_message(district: dict, name: str) -> None:
    filename, data, key = sf.hostile(name)
    path = district["tmp"] / filename
    path.write_bytes(data)
    result = run("incidents", str(path), "--as", "clerk", "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr.strip() and "sheets." not in result.stderr  # words, not a key
    assert _stored(district["engine"]) == {}


def test_refusals_and_bad_usage(district: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(district["file"])
    assert run("incidents", path).exit_code == 2  # no --as
    assert run("incidents", "nowhere.xlsx", "--as", "clerk").exit_code == 2
    assert run("incidents", path, "--as", "clerk", "--map", "盗窃").exit_code == 2
    assert run("incidents", path, "--as", "clerk", "--map", "盗窃=theft").exit_code == 2
    assert run("incidents", path, "--as", "clerk", "--community", "x=火星社区").exit_code == 2
    denied = run("incidents", path, "--as", "beat", *_maps())  # an officer may not import
    assert denied.exit_code == 1 and denied.stderr.strip()
    monkeypatch.setenv("PINGAN_PASSWORD", "wrong password 1")
    wrong = run("incidents", path, "--as", "clerk", *_maps())
    assert wrong.exit_code == 1
    assert _stored(district["engine"]) == {}
    with session_scope(district["engine"]) as s:
        failed = s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "auth.sign_in_failed"))
        assert failed == 1  # the failed sign-in counts towards lockout


def test_a_session_token_from_the_environment_signs_in(district: dict,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from services.accounts import auth

    with session_scope(district["engine"], write=True) as s:
        token = auth.sign_in(s, username="clerk", password=f.PASSWORD).token
    monkeypatch.delenv("PINGAN_PASSWORD")
    monkeypatch.setenv("PINGAN_TOKEN", token)
    ok = run("incidents", str(district["file"]), "--as", "clerk", "--dry-run", *_maps())
    assert ok.exit_code == 0, ok.stderr
    other = run("incidents", str(district["file"]), "--as", "beat", "--dry-run", *_maps())
    assert other.exit_code == 1  # the token is clerk's, not beat's
    assert _stored(district["engine"]) == {}
