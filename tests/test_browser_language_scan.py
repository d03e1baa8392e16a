"""Real browser: every page for every demo role in both languages speaks one language.

Fails on text in the other language (outside the names people gave: persons, teams, units,
what they wrote), `None`/`nan`, raw snake_case or dotted codes, Streamlit's built-in English
widget texts, buttons whose text is cut, table cells whose text is wider than their column,
chart text that Vega cut ('…'), hid (a name dropped where labels overlap) or drew outside
the chart, and a page that scrolls sideways (on a desk or on a grid worker's phone, 390 px).
Every tab of a page is opened (the statistics page runs only the open one); desk pages are
read at 1280 px, and for two roles at 1920 px as well (in English). The page list before
sign-in is tests/test_browser_shell.py's. Run with -s to see what each page showed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, select

from db.base import Base
from db.engine import make_engine, session_scope
from db.models import AuditLog, User
from services import alerts, leads
from services.accounts.auth import actor_for
from services.core.actor import ROLE_PERMS, Role
from tests.browser_util import NAV, ROOT, sign_in, signed_in, wait_idle
from ui.core import nav
from ui.core.i18n import translate

pytestmark = pytest.mark.browser
ROLES = {"admin": Role.ADMIN, "commander": Role.SUPERVISOR, "officer": Role.OFFICER,
         "grid": Role.GRID_WORKER}
DESK = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# Widths each page is read at (the same page, resized): desk pages at 1280 px, and at 1920 px
# too for the two roles that see most of them, in English (its texts are the wider ones: a
# label, button or cell that fits in English at 1920 px fits in Chinese; the run is long
# already); the grid worker's at 390 px, on a phone.
WIDTHS = {"admin": (1280, 1920), "commander": (1280, 1920), "officer": (1280,), "grid": (390,)}
WIDE = 1920
# Places have an English name (name_en) and must show it in English; audit rows repeat what
# the pages show. Every other text column holds what people typed or were called.
NOT_NAMES = {"district", "subdistrict", "station", "police_office", "community", "audit_log",
             "system_setting", "dispatch_rule"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_.@/-])[A-Za-z]{3,}(?![A-Za-z0-9_@-])")
# Latin words a Chinese page may show: the language switch's "English", the product, file
# types and formats; and the one Chinese word an English page shows: the switch's 中文.
ZH_LATIN = {"English", "Pingan", "CSV", "XLSX", "xlsx", "csv", "Excel", "WPS", "GBK", "XML",
            "OpenDocument", "JPG", "JPEG", "PNG", "PDF", "GPS", "GeoJSON", "HTML", "HTTPS"}
EN_CJK = {"中文"}
BUILTIN = ("Choose options", "Choose an option", "Press Enter to submit", "Press Enter to apply",
           "Drag and drop", "Browse files", "Limit 200MB", "per file", "yyyy/mm/dd",
           "YYYY/MM/DD", "No options to select", "No results", "Add rows", "Download as CSV",
           "Search", "Clear all", "empty")
NONE = re.compile(r"(?<![A-Za-z] )\bNone\b(?! [a-z])|\b(?:nan|NaN|NaT|undefined|null)\b")
SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])")
DOTTED = re.compile(r"(?<![\w.@/-])[a-z][a-z_]*(?:\.[a-z_]+)+(?![\w@-])")
ABBREVIATIONS = {"e.g", "i.e"}  # English prose ("e.g. two men ..."), not a dotted code
FILES = re.compile(r"\.(?:csv|xlsx|json|db|png|jpg|jpeg|pdf|geojson|toml|py)$")
# Chart text (SVG): cut by Vega with '…', hidden by Vega where labels would overlap (a name,
# or any label of a discrete axis; numbers on a linear axis may thin out), or beyond the
# chart's box (the legend of a chart too narrow for it). A chart drawn on a canvas has no
# text to read: that is a fault of its own.
CHARTS = r"""() => {
  const found = {cut: [], hidden: [], outside: [], canvas: 0};
  for (const chart of document.querySelectorAll('[data-testid=stVegaLiteChart]')) {
    found.canvas += chart.querySelectorAll('canvas').length;
    const box = chart.getBoundingClientRect();
    for (const t of chart.querySelectorAll('svg text')) {
      const s = t.textContent.trim();
      if (!s) continue;
      if (s.includes('\u2026')) found.cut.push(s);
      if (getComputedStyle(t).opacity === '0') {
        const axis = (t.closest('.role-axis') || t).getAttribute('aria-label') || '';
        if (/[^\d\s,.%+\u2212\u2013-]/.test(s) || axis.includes('discrete'))
          found.hidden.push(s);
        continue;
      }
      const r = t.getBoundingClientRect();  // a line's box is a little taller than its letters
      const slack = parseFloat(getComputedStyle(t).fontSize) / 3;
      if (r.left < box.left - slack || r.right > box.right + slack || r.top < box.top - slack
          || r.bottom > box.bottom + slack) found.outside.push(s);
    }
  }
  return found;
}"""
# Table cells (st.dataframe draws them on a canvas, clipped at the column's edge without a
# mark): each cell's text is measured in the grid's own font against its column's width as
# the grid laid it out (read from the grid component's props). A grid whose layout cannot be
# read is reported, so that a Streamlit upgrade cannot turn this check off unnoticed.
TABLES = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const found = [];
  for (const box of document.querySelectorAll('[data-testid=stDataFrame]')) {
    const el = box.querySelector('.stDataFrameGlideDataEditor');
    const fiber = el && Object.keys(el).find(k => k.startsWith('__reactFiber$'));
    let grid = null;
    for (let queue = fiber ? [el[fiber]] : [], n = 0; queue.length && n < 3000; n++) {
      const f = queue.shift(), p = f.memoizedProps;
      if (p && Array.isArray(p.columns) && p.columns.every(c => typeof c.width === 'number')
          && p.theme && p.theme.baseFontFull && typeof p.getCellContent === 'function') {
        grid = p;
        break;
      }
      for (let c = f.child; c; c = c.sibling) queue.push(c);
    }
    if (!grid) { found.push(['?', 'layout not readable']); continue; }
    const sum = grid.columns.reduce((a, c) => a + c.width, 0);
    const grow = grid.columns.reduce((a, c) => a + (c.grow || 0), 0);
    const spare = Math.max(0, box.clientWidth - 2 - sum);  // shared out by grow, as drawn
    ctx.font = grid.theme.baseFontFull;
    grid.columns.forEach((col, i) => {
      if (!col.title) return;  // the row selector
      const room = col.width + (grow ? spare * (col.grow || 0) / grow : 0)
                   - 2 * grid.theme.cellHorizontalPadding;
      for (let row = 0; row < Math.min(grid.rows, 500); row++) {
        const cell = grid.getCellContent([i, row]);
        const s = cell.displayData ?? cell.data;
        if (typeof s !== 'string' || !s || cell.allowWrapping) continue;
        if (ctx.measureText(s).width > room + 1) { found.push([col.title, s]); break; }
      }
    });
  }
  return found;
}"""
# One evaluate per page: every text node under the app (hidden tabs and table cells too, not
# icon names), placeholders, cut buttons, charts, tables and the page's width.
COLLECT = """() => {
  const charts = """ + CHARTS + """, tables = """ + TABLES + """;
  const app = document.querySelector('[data-testid=stApp]');
  const hidden = el => {  // by a style of its own (ours, over Streamlit's English), not by a tab
    for (let e = el; e && e !== app; e = e.parentElement) {
      if (e.matches('[role=tabpanel], details')) return false;
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.fontSize === '0px') return true;
    }
    return false;
  };
  const texts = [];
  const walk = document.createTreeWalker(app, NodeFilter.SHOW_TEXT, {acceptNode: n =>
      ['STYLE', 'SCRIPT', 'NOSCRIPT', 'CODE'].includes(n.parentElement.tagName)
      || getComputedStyle(n.parentElement).fontFamily.includes('Material')
      || hidden(n.parentElement) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const s = n.textContent.trim();
    if (s) texts.push(s);
  }
  for (const el of app.querySelectorAll('[placeholder]'))  // shown only while empty
    if (el.getAttribute('placeholder') && !el.value && !hidden(el))
      texts.push(el.getAttribute('placeholder'));
  const shown = e => {  // on the screen: a phone's closed menu lies to the left of it
    const r = e.getBoundingClientRect();
    return e.offsetParent !== null && r.width > 0 && r.right > 0 && r.left < innerWidth;
  };
  const cut = [...app.querySelectorAll('button')].filter(shown)
    .filter(b => [b, ...b.querySelectorAll('p, div, span')].some(
        e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible'))
    .map(b => b.innerText.trim() || b.getAttribute('aria-label'));
  const main = document.querySelector('[data-testid=stMain]');
  return {texts, cut, charts: charts(), tables: tables(),
          wide: [document.documentElement.scrollWidth, window.innerWidth,
                 main ? main.scrollWidth : 0]};
}"""


# The run is over, nothing from the last run is stale, no element is still loading, and
# every chart is drawn at its box's width (after a resize Vega draws it again).
SETTLED = ("() => document.querySelector('[data-testid=stApp]').dataset.testScriptState"
           " === 'notRunning' && !document.querySelector("
           "'[data-stale=true], [data-testid=stSkeleton], [data-testid=stSpinner]')"
           " && [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].every(c => {"
           " const g = c.querySelector('svg, canvas');"
           " return g && Math.abs(g.getBoundingClientRect().width - c.clientWidth) < 2; })")
# The panel of the tab with this id shows what its run drew.
TAB_DRAWN = """id => {
  const panel = document.querySelector(`[role=tabpanel][aria-labelledby='${id}']`);
  return panel !== null && panel.querySelector('[data-testid=stElementContainer]') !== null;
}"""
# Table columns that show the start of a long text on purpose: picking the row shows it whole
# (the audit log's changes, one field a line, under the table).
PREVIEWS = {translate(lang, "audit.changes") for lang in ("zh", "en")}


def _collect(page: Any) -> dict[str, Any]:
    """What the page shows once it has settled: a table or chart draws after the run ends,
    so the texts are read until two readings agree."""
    found: dict[str, Any] = {}
    for _ in range(10):
        page.wait_for_function(SETTLED)
        wait_idle(page)
        again = page.evaluate(COLLECT)
        if again == found:
            break
        found = again
    return found


def _views(page: Any) -> Iterator[str]:
    """Each tab of the page opened in turn (its name; "" for a page without tabs): the
    statistics page runs only the open tab's view, so its other charts exist only then."""
    tabs = page.locator("[data-testid=stTabs] [role=tab]")
    count = tabs.count()
    if not count:
        yield ""
        return
    for i in range(count):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") != "true":
            wait_idle(page)
            tab.click()
        page.wait_for_function(TAB_DRAWN, arg=tab.get_attribute("id"))
        yield tab.inner_text()


def _url(spec: nav.PageSpec) -> str:
    return "" if spec.path == "pages/home.py" else spec.path.removeprefix("pages/")[:-3]


def _known(demo: Path, username: str) -> tuple[set[str], set[str], dict[str, str]]:
    """The names people typed (their CJK runs and Latin words), and the query of the pages
    reached from a list (a lead, an alert) for a record the user may open."""
    engine = make_engine(f"sqlite:///{demo / 'pingan.db'}")
    runs: set[str] = set()
    words: set[str] = set()
    try:
        with session_scope(engine) as s:
            for table in Base.metadata.sorted_tables:
                if table.name in NOT_NAMES:
                    continue
                columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
                for row in s.execute(select(*columns)) if columns else ():
                    for value in row:
                        text = value if isinstance(value, str) else json.dumps(
                            value, ensure_ascii=False)
                        runs.update(CJK.findall(text))
                        words.update(LATIN_WORD.findall(text))
            for (after,) in s.execute(select(AuditLog.after)):  # a file keeps the name it had
                if isinstance(after, dict) and isinstance(after.get("file"), str):
                    runs.update(CJK.findall(after["file"]))
            actor = actor_for(s, s.scalars(select(User).where(User.username == username)).one())
            inbox = leads.inbox(s, actor=actor, filters=leads.InboxFilters(open_only=False))
            shown = alerts.list_alerts(s, actor=actor)
            query = {"pages/lead.py": f"?id={inbox.rows[0].id}" if inbox.rows else "",
                     "pages/alert.py": f"?id={shown[0].id}" if shown else ""}
    finally:
        engine.dispose()
    return runs, words, query


def _cut_from(run: str, runs: set[str]) -> bool:
    """A long run that begins one of the typed texts: a preview cut short by the page."""
    return len(run) >= 6 and any(k.startswith(run) for k in runs)


def _faults(found: dict[str, Any], lang: str, runs: set[str], words: set[str]) -> list[str]:
    faults: list[str] = []
    for text in found["texts"]:
        if lang == "en":
            faults += [f"Chinese: {r!r} in {text[:80]!r}" for r in CJK.findall(text)
                       if r not in runs and r not in EN_CJK and not _cut_from(r, runs)]
        else:
            faults += [f"English: {w!r} in {text[:80]!r}" for w in LATIN_WORD.findall(text)
                       if w not in ZH_LATIN and w not in words]
        faults += [f"empty value: {text[:80]!r}" for _ in NONE.findall(text)]
        codes = SNAKE.findall(text) + DOTTED.findall(text)
        faults += [f"code: {c!r} in {text[:80]!r}" for c in codes
                   if not FILES.search(c) and c not in words and c not in ABBREVIATIONS]
        faults += [f"built-in: {b!r} in {text[:80]!r}" for b in BUILTIN if lang == "zh"
                   and b in text and (b != "empty" or text.strip() == "empty")]
    return sorted(set(faults + _cut_off(found)))


def _cut_off(found: dict[str, Any]) -> list[str]:
    """What the page shows only in part: buttons, chart text, table cells, the page itself."""
    charts = found["charts"]
    faults = [f"cut button: {b!r}" for b in found["cut"]]
    faults += [f"chart text cut: {c!r}" for c in charts["cut"]]
    faults += [f"chart label hidden: {c!r}" for c in charts["hidden"]]
    faults += [f"chart text outside the chart: {c!r}" for c in charts["outside"]]
    faults += ["chart drawn on a canvas: its text is not checked"] if charts["canvas"] else []
    faults += [f"table cell cut: {column!r}: {text[:80]!r}" for column, text in found["tables"]
               if column not in PREVIEWS]
    if max(found["wide"][0], found["wide"][2]) > found["wide"][1]:
        faults.append(f"scrolls sideways: {found['wide']}")
    return faults


def _switch_language(page: Any, lang: str, phone: bool) -> None:
    """The sidebar's language switch: one click, remembered on the account."""
    if phone:
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.locator(".st-key-lang_switch").get_by_text(translate(lang, f"lang.{lang}"),
                                                    exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name=translate(lang, "auth.sign_out")).wait_for(state="attached")


@pytest.fixture
def restore_language(demo_dir: Path) -> Iterator[None]:
    """The English pass writes the demo user's language; later tests expect Chinese."""
    yield
    engine = make_engine(f"sqlite:///{demo_dir / 'pingan.db'}")
    try:
        with session_scope(engine, write=True) as s:
            for user in s.scalars(select(User).where(User.username.in_(ROLES))):
                user.language = "zh"
    finally:
        engine.dispose()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_speaks_one_language(browser: Any, server: str, demo_dir: Path, username: str,
                                        lang: str, restore_language: None) -> None:
    phone = ROLES[username] == Role.GRID_WORKER
    runs, words, query = _known(demo_dir, username)
    context = browser.new_context(**(PHONE if phone else DESK))
    page = context.new_page()
    sign_in(page, server, username)
    signed_in(page)
    wait_idle(page)
    if lang == "en":
        _switch_language(page, "en", phone)
    size = (PHONE if phone else DESK)["viewport"]
    report: dict[str, list[str]] = {}
    for spec in nav.PAGES:
        if spec.perm not in ROLE_PERMS[ROLES[username]] or not (ROOT / spec.path).exists():
            continue
        page.goto(f"{server}/{_url(spec)}{query.get(spec.path, '')}")
        page.locator(NAV).wait_for(state="attached")
        for width in (w for w in WIDTHS[username] if w != WIDE or lang == "en"):
            page.set_viewport_size({**size, "width": width})
            for view in _views(page):
                where = " ".join(w for w in (spec.path, view, f"{width}px") if w)
                found = _collect(page)
                faults = _faults(found, lang, runs, words)
                print(f"{username} {lang} {where}: {len(found['texts'])} texts, "
                      f"{len(faults)} faults")
                for fault in faults:
                    print("   ", fault)
                if faults:
                    report[where] = faults
    context.close()
    assert report == {}, report
