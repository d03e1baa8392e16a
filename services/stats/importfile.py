"""The dispatch system's export as the incident import sees it: daily totals (日期, 类别,
社区, 数量) or one row per incident (接警时间, 警情编号, 警情类别, 所属社区, ...)."""

from __future__ import annotations

from collections.abc import Sequence

from services import sheets
from services.sheets import normal_header

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
DAILY = ("day", "category", "community", "count")
INCIDENTS = ("time", "number", "category", "community", "station", "place")
REQUIRED = {"daily": DAILY, "incidents": ("time", "number", "category", "community")}
FIELDS = DAILY  # the daily form's fields (kept for callers of the first version)
_SYNONYMS = {
    "day": ("日期", "警情日期", "发生日期", "报警日期", "统计日期", "day", "date"),
    "time": ("接警时间", "报警时间", "接警日期", "发案时间", "发生时间", "警情时间", "受理时间",
             "时间", "日期", "time", "datetime", "date"),
    "number": ("警情编号", "接警编号", "警情号", "接警单号", "警单编号", "案件编号", "事件编号",
               "编号", "number", "incidentnumber", "id"),
    "category": ("警情类别", "案件类别", "警情类型", "案件类型", "类别", "警情分类", "类型",
                 "分类", "category", "type"),
    "community": ("所属社区", "社区", "社区名称", "社区/村", "村社区", "村居", "community",
                  "communityname"),
    "station": ("所属派出所", "派出所", "管辖派出所", "管辖单位", "所属单位", "station"),
    "place": ("发生地点", "案发地点", "事发地点", "地点", "发生地址", "地址", "place", "address"),
    "count": ("数量", "起数", "警情数", "件数", "警情数量", "count", "incidents", "number"),
}
HINTS = tuple({n for names in _SYNONYMS.values() for n in names})


def read_export(data: bytes, filename: str, *, sheet: str | None = None,
                header_row: int | None = None) -> sheets.Table:
    """The export's table (services.sheets: every format, capped parse, title rows ...)."""
    return sheets.read_sheet(data, filename, sheet=sheet, header_row=header_row,
                             max_rows=MAX_ROWS, hints=HINTS,
                             limits=sheets.Limits(max_bytes=MAX_BYTES))


def detect_mode(table: sheets.Table) -> str:
    """'incidents' when a column names incident numbers and none names a count."""
    guess = guess_mapping(table, "incidents")
    daily = guess_mapping(table, "daily")
    return "incidents" if guess["number"] and not daily["count"] else "daily"


def guess_mapping(table: sheets.Table, mode: str) -> dict[str, str | None]:
    """For each field of the mode, the visible column whose header is a known name for it.
    Of several category columns, the one whose values the built-in names know best."""
    fields = DAILY if mode == "daily" else INCIDENTS
    visible = [c for c in table.columns if not c.hidden]
    normal = {c.name: normal_header(c.name) for c in visible}
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for field in fields:
        names = [n for n in _SYNONYMS[field] if not (mode == "incidents" and n == "日期"
                                                    and field != "time")]
        candidates = [c.name for n in names for c in visible
                      if normal[c.name] == normal_header(n) and c.name not in taken]
        if field == "category" and len(candidates) > 1:
            candidates.sort(key=lambda name: -_known_share(table, name))
        out[field] = candidates[0] if candidates else None
        if out[field]:
            taken.add(out[field])  # type: ignore[arg-type]
    return out


def _known_share(table: sheets.Table, column: str) -> float:
    from services.stats.categories import suggest

    col = table.column(column)
    if col is None:
        return 0.0
    values = [v for v in table.values(col.index)[:2000] if v is not None]
    return sum(suggest(str(v)) is not None for v in values) / max(len(values), 1)


def columns(table: sheets.Table) -> Sequence[str]:
    return table.headers
