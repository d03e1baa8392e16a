"""Both catalogues carry the same keys, and every key used in the code exists."""

from __future__ import annotations

import re
from pathlib import Path

from ui.core.i18n import catalogue, translate

ROOT = Path(__file__).resolve().parent.parent


def test_chinese_and_english_have_the_same_keys() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert sorted(set(zh) - set(en)) == [] and sorted(set(en) - set(zh)) == []


def test_placeholders_match_between_languages() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_literal_keys_used_in_code_exist() -> None:
    keys = set(catalogue("zh"))
    used: set[str] = set()
    for folder in ("app.py", "pages", "ui", "services"):
        paths = [ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py")
        for path in paths:
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", text))
    missing = sorted(used - keys)
    assert missing == []


def test_a_missing_key_shows_itself_and_parameters_are_filled() -> None:
    assert translate("en", "no.such.key") == "no.such.key"
    assert translate("en", "home.welcome", name="Li") == "Hello, Li"
    assert translate("zh", "home.welcome", name="李") == "李，您好"
