"""Exports: CSV that Excel reads, one workbook of every table, the printable weekly briefing."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from services.core.errors import PermissionDenied
from services.stats import fmt, incidents
from services.stats.briefing import weekly_briefing
from services.stats.export import csv_bytes, xlsx_bytes
from services.stats.periods import since_july
from tests import stats_world as sw
from ui.core.i18n import translate


def test_csv_has_a_bom_and_keeps_chinese() -> None:
    data = csv_bytes(pd.DataFrame({"社区": ["双林社区"], "n": [3]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["社区,n", "双林社区,3"]


def test_one_workbook_holds_every_table_under_safe_names() -> None:
    frames = {"各社区警情": pd.DataFrame({"a": [1]}), "a/b:c*d?" * 6: pd.DataFrame({"b": [2]}),
              "A/B:C*D?" * 6: pd.DataFrame({"c": [3]})}
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frames)))
    assert book.sheetnames[0] == "各社区警情"
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in book.sheetnames)
    assert len(set(n.lower() for n in book.sheetnames)) == 3
    assert book.worksheets[2]["A2"].value == 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_is_one_self_contained_page(session: Session, lang: str) -> None:
    w = sw.build(session)
    w.a.name = w.a.name_en = "甲<b>社区"  # names are escaped, never markup
    session.flush()
    text = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    html = weekly_briefing(session, actor=w.supervisor, text=text, today=sw.TODAY,
                           scope_label="一所")
    july = incidents.compare_incidents(session, actor=w.supervisor, period=since_july(sw.TODAY))
    assert fmt.change(july.by_category["criminal"], text) in html
    assert html.count("<svg") == 2 and "<script" not in html
    assert not re.search(r"""(src=|href=|url\(|@import)""", html)  # nothing fetched
    assert "甲&lt;b&gt;社区" in html and "甲<b>社区" not in html
    assert ("weekly briefing" in html) if lang == "en" else ("社区警务周报" in html)
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html


def test_briefing_needs_the_statistics_permission(session: Session) -> None:
    w = sw.build(session)
    with pytest.raises(PermissionDenied):
        weekly_briefing(session, actor=w.grid_a, text=lambda k, **p: k, today=date(2025, 11, 29))
