"""Checking an export row by row: the day, the category (own name, remembered or decided),
the community (by name only), the count or the incident number. Writes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from services import sheets
from services.stats.categories import normal_name, own
from services.stats.importmap import Places

Progress = Callable[[str, int, int], None]
MAX_COUNT = 100_000  # per day, category and community: anything larger is a typing error
STEP = 10_000


@dataclass(frozen=True)
class Unknown:
    """A name the import cannot place without the user: how many rows, what is suggested."""

    name: str
    rows: int
    suggestion: str | None  # a category, or a community id as text


@dataclass
class Checked:
    """Rows that passed (row number, day, category, community id, count or incident number),
    one line per problem, the names waiting for a decision, and notes."""

    good: list[tuple[int, date, str, int, int | str]] = field(default_factory=list)
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)
    skipped: int = 0  # rows whose category means 'not an incident'
    categories: Counter[str] = field(default_factory=Counter)  # unknown name -> rows
    communities: Counter[str] = field(default_factory=Counter)
    year_assumed: int = 0


@dataclass(frozen=True)
class Rules:
    mode: str
    columns: dict[str, int]  # field -> column index
    places: Places
    categories: dict[str, str]  # normal name -> target (remembered, then decided)
    communities: dict[str, str]  # normal name -> community id as text
    today: date


def check_rows(table: sheets.Table, rules: Rules, progress: Progress | None) -> Checked:
    out = Checked()
    numbers: dict[str, int] = {}
    keys: dict[tuple[date, str, int], list[int | bool]] = {}
    total = len(table.rows)
    for n, row in enumerate(table.rows):
        if progress and n % STEP == 0:
            progress("check", n, total)
        _check_row(row, rules, out, numbers, keys)
    if progress:
        progress("check", total, total)
    doubled = {line for line, twice in keys.values() if twice}
    if doubled:  # both rows of a repeated key are refused: which count is right is unknown
        for g in out.good:
            if g[0] in doubled:
                out.problems.append((g[0], "row", "stats.import.duplicate_row",
                                     f"{g[1]} / {g[2]}"))
        out.good = [g for g in out.good if g[0] not in doubled]
    return out


def _text(value: sheets.Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_row(row: sheets.Row, rules: Rules, out: Checked, numbers: dict[str, int],
               keys: dict[tuple[date, str, int], list[int | bool]]) -> None:
    cols = rules.columns
    before = len(out.problems)

    def problem(field_name: str, key: str, value: sheets.Cell) -> None:
        out.problems.append((row.number, field_name, key, _text(value)[:100]))

    day_field = "day" if rules.mode == "daily" else "time"
    raw_day = row.get(cols[day_field])
    day = None
    try:
        parsed = sheets.read_date(raw_day, today=rules.today)
        day = parsed.day
        out.year_assumed += parsed.year_assumed
        if day > rules.today:
            problem(day_field, "stats.import.future_date", raw_day)
    except sheets.BadDate as exc:
        problem(day_field, exc.key, raw_day)
    category = _category(row.get(cols["category"]), rules, out, problem)
    cid = _community(row, rules, out, problem)
    value: int | str | None = (_count(row.get(cols["count"]), problem) if rules.mode == "daily"
                               else _number(row.get(cols["number"]), row.number, numbers, problem))
    if len(out.problems) > before or category is None or cid is None or day is None \
            or value is None:
        return
    if category == "skip":
        out.skipped += 1
        return
    if rules.mode == "daily":
        first = keys.setdefault((day, category, cid), [row.number, False])
        if first[0] != row.number:
            first[1] = True
            problem("row", "stats.import.duplicate_row", f"{day} / {category}")
            return
    out.good.append((row.number, day, category, cid, value))


def _category(raw: sheets.Cell, rules: Rules, out: Checked,
              problem: Callable[[str, str, sheets.Cell], None]) -> str | None:
    name = _text(raw)
    if not name:
        problem("category", "stats.import.no_category", raw)
        return None
    target = own(name) or rules.categories.get(normal_name(name))
    if target is None:
        out.categories[name] += 1
    return target


def _community(row: sheets.Row, rules: Rules, out: Checked,
               problem: Callable[[str, str, sheets.Cell], None]) -> int | None:
    raw = row.get(rules.columns["community"])
    name = _text(raw)
    if not name:
        problem("community", "stats.import.no_community", raw)
        return None
    key = normal_name(name)
    cid = rules.places.by_name.get(key)
    if cid is None and key in rules.communities and rules.communities[key].isdigit():
        cid = int(rules.communities[key])
        cid = cid if cid in rules.places.names else None
    if cid is None:
        if rules.places.suggest(name) is not None:
            out.communities[name] += 1
        else:
            problem("community", "stats.import.unknown_community", raw)
        return None
    station_col = rules.columns.get("station")
    station = _text(row.get(station_col)) if station_col is not None else ""
    if station:
        sid = rules.places.stations.get(normal_name(station))
        if sid is None:
            problem("station", "stats.import.unknown_station", station)
        elif rules.places.station_of.get(cid) != sid:
            problem("station", "stats.import.station_mismatch", station)
    return cid


def _count(raw: sheets.Cell, problem: Callable[[str, str, sheets.Cell], None]) -> int | None:
    text = _text(raw).replace(",", "")
    try:
        value = float(text)
    except ValueError:
        problem("count", "stats.import.bad_count", raw)
        return None
    if not value.is_integer():
        problem("count", "stats.import.bad_count", raw)
        return None
    if value < 0:
        problem("count", "stats.import.negative_count", raw)
        return None
    if value > MAX_COUNT:
        problem("count", "stats.import.count_too_big", raw)
        return None
    return int(value)


def _number(raw: sheets.Cell, line: int, numbers: dict[str, int],
            problem: Callable[[str, str, sheets.Cell], None]) -> str | None:
    number = _text(raw)
    if not number:
        problem("number", "stats.import.no_number", raw)
        return None
    if len(number) > 64:
        problem("number", "stats.import.long_number", raw)
        return None
    first = numbers.setdefault(number, line)
    if first != line:
        problem("number", "stats.import.duplicate_number", f"{number} ({first})")
        return None
    return number
