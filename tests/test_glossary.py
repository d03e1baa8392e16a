"""docs/GLOSSARY.md against the catalogue: one word for one thing, in both languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from ui.core.i18n import catalogue

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "GLOSSARY.md"
KEY = re.compile(r"`([a-z0-9_.]+)`")


@dataclass(frozen=True)
class Row:
    code: str
    zh: str
    en: str
    same: tuple[str, ...]
    containing: tuple[str, ...]


def _rows(text: str) -> list[Row]:
    """Every row of the tables whose header is code | 中文 | English | same text | containing."""
    rows, header = [], False
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith(
            "|") else []
        if cells[:3] == ["code", "中文", "English"]:
            header = True
            continue
        if not cells:
            header = False
            continue
        if header and not set(cells[0]) <= set("-"):
            rows.append(Row(cells[0].strip("`"), cells[1], cells[2],
                            tuple(KEY.findall(cells[3])), tuple(KEY.findall(cells[4]))))
    return rows


def _families(text: str) -> list[str]:
    return KEY.findall(text.split("## Families checked for completeness", 1)[1])


ROWS = _rows(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_is_read_whole() -> None:
    assert len(ROWS) >= 50
    codes = {r.code for r in ROWS}
    assert {"escalated", "needs_info", "public_order", "week_so_far", "grid_worker"} <= codes
    assert all(r.zh and r.en and (r.same or r.containing) for r in ROWS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_catalogue_uses_the_glossary_words(lang: str) -> None:
    texts = catalogue(lang)
    wrong = []
    for row in ROWS:
        word = row.zh if lang == "zh" else row.en
        for key in row.same:
            if texts.get(key) != word:
                wrong.append(f"{key}: {texts.get(key)!r} should read {word!r}")
        for key in row.containing:
            found = texts.get(key, "")
            if (word not in found) if lang == "zh" else (word.lower() not in found.lower()):
                wrong.append(f"{key}: {found!r} should contain {word!r}")
    assert wrong == []


def test_every_key_of_a_checked_family_is_in_the_glossary() -> None:
    named = {k for r in ROWS for k in (*r.same, *r.containing)}
    families = _families(GLOSSARY.read_text(encoding="utf-8"))
    assert "leads.status" in families and "stats.lead_cat" in families
    missing = sorted(k for lang in ("zh", "en") for k in catalogue(lang)
                     if k.rsplit(".", 1)[0] in families and k not in named)
    assert missing == []


def test_one_meaning_for_shengji_and_for_a_week() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    # 升级 is escalation and nothing else (not a database upgrade), both ways round
    assert [k for k in zh if "升级" in zh[k] and "escalat" not in en[k].lower()] == []
    assert [k for k in en if "escalat" in en[k].lower() and "升级" not in zh[k]] == []
    # a rolling seven days is never called a week
    rolling = [k for k in zh if re.search(r"7\s*天|七天", zh[k])]
    assert "stats.preset.last_7_days" in rolling
    assert [k for k in rolling if "周" in zh[k] or "week" in en[k].lower()] == []
