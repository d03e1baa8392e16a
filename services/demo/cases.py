"""Assistance files (一对一帮扶) like the bureau's report: households, measures, visits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from db.models import AssistanceCase, AssistanceMeasure, AssistanceVisit
from services.demo import dates, texts
from services.demo.world import World
from services.demo.writer import Writer

# department, kind, responsible, due (days after opening, or "+n"/"-n" from today), status, note
Measure = tuple[str, str, str, int | str, str, str]
GRANDMOTHER: list[Measure] = [
    ("civil_affairs", "subsistence_allowance", "区民政局社会救助科", 20, "done",
     "已纳入城市最低生活保障，按月发放。"),
    ("civil_affairs", "temporary_relief", "区民政局社会救助科", 7, "done",
     "发放临时救助金3000元。"),
    ("legal_aid", "legal_aid", "区法律援助中心", "+30", "in_progress",
     "协助办理孙子女监护和抚恤金申领手续。"),
    ("education", "tuition", "区教委学生资助中心", 30, "done",
     "两个孩子学杂费减免，并纳入助学金。"),
    ("community_workers", "counselling", "双林社区社工站", "-12", "in_progress",
     "每两周一次心理疏导，第三次因孩子生病改期，尚未完成。"),
]
GRANNY_CHEN = "陈婆婆（陈桂兰）一家（祖孙三人）"  # the report's one-to-one file
# Her visits as the report tells them: each department comes to the house, days after opening.
GRANNY_VISITS = (
    (1, "{officer}", "首次走访陈婆婆家，核实家庭困难情况，建立一对一帮扶档案，"
                     "联系民政、司法、教育和社工。"),
    (6, "区民政局社会救助科", "上门核对低保申请材料，当场发放临时救助金。"),
    (15, "区法律援助中心律师", "上门讲解监护和抚恤金申领手续，代写申请材料。"),
    (24, "孩子所在学校班主任", "家访，告知学杂费减免和助学金已落实，孩子学习情况良好。"),
    (40, "双林社区社工站社工", "第一次心理疏导，陈婆婆和孩子情绪较前稳定。"),
    (70, "{officer}", "回访，低保按月到账，督促法律援助和心理疏导按期推进。"),
)
ALONE: list[Measure] = [
    ("civil_affairs", "subsistence_allowance", "区民政局社会救助科", 25, "done",
     "已纳入低保。"),
    ("housing", "home_repair", "区住房城乡建委", "+20", "planned",
     "卫生间防滑和扶手改造。"),
    ("community_workers", "regular_visit", "社区网格员", "+60", "in_progress",
     "每周上门探视一次。"),
]
SINGLE_MOTHER: list[Measure] = [
    ("legal_aid", "legal_aid", "区法律援助中心", 40, "done",
     "代理追索抚养费，已达成调解协议。"),
    ("education", "tuition", "区教委学生资助中心", "+45", "in_progress",
     "申请高中助学金，材料已提交。"),
    ("civil_affairs", "temporary_relief", "区民政局社会救助科", 10, "done",
     "发放临时救助金2000元。"),
]
ELDERLY: list[Measure] = [
    ("civil_affairs", "subsistence_allowance", "区民政局社会救助科", 30, "done",
     "纳入低保和高龄津贴。"),
    ("community_workers", "counselling", "社区社工站", 60, "done",
     "老人情绪稳定，已接入居家养老服务。"),
]


def write_cases(w: Writer, world: World) -> int:
    comms = world.layout.communities
    village = next(c for c in range(len(comms)) if comms[c].kind == "village" and comms[c].sub == 6)
    urban = next(c for c in range(len(comms)) if comms[c].sub == 2)
    elder = next(c for c in range(len(comms)) if comms[c].sub == 0)
    files: list[dict[str, Any]] = [
        _file(world, world.shuanglin, 95, GRANNY_CHEN,
              [("陈桂兰", "本人", False, 67), ("陈子轩", "孙子", True, 12),
               ("陈雨萱", "孙女", False, 9)],
              "儿子因病去世、儿媳离家，祖母独自抚养两个孙子女，家庭无稳定收入；孩子需要就学保障和心理疏导。",
              GRANDMOTHER, None),
        _file(world, village, 150, "刘德明（独居，肢体残疾）", [("刘德明", "本人", True, 71)],
              "独居，肢体二级残疾，住房老旧，行动不便。", ALONE, None),
        _file(world, urban, 60, "陈晓燕母子", [("陈晓燕", "本人", False, 41),
                                               ("赵浩然", "儿子", True, 16)],
              "单亲母亲，前夫长期拒付抚养费，儿子即将升入高中。", SINGLE_MOTHER, None),
        _file(world, elder, 240, "王国华、李淑芬夫妇", [("王国华", "本人", True, 84),
                                                     ("李淑芬", "配偶", False, 81)],
              "高龄空巢老人，子女在外地工作，老人情绪低落。", ELDERLY,
              "已纳入居家养老服务，子女定期探望，结案。"),
    ]
    ids = w.ids(AssistanceCase, len(files))
    measures, visits = [], []
    for case_id, f in zip(ids, files, strict=True):
        opened = f.pop("_opened")
        measures += [{**m, "case_id": case_id} for m in f.pop("_measures")]
        plan = (_granny_visits(world) if f["household"] == GRANNY_CHEN
                else _visits(world, f["community_id"], opened))
        visits += [{"case_id": case_id, "at": dates.utc(opened + d * 86_400 + 15 * 3_600),
                    "visitor": who, "findings": what} for d, who, what in plan]
        f["id"] = case_id
    w.insert(AssistanceCase, files)
    w.insert(AssistanceMeasure, measures)
    w.insert(AssistanceVisit, visits)
    return len(files)


def _file(world: World, c: int, days_ago: int, household: str,
          people: list[tuple[str, str, bool, int]], needs: str, measures: list[Measure],
          outcome: str | None) -> dict[str, Any]:
    rng = world.rngs.py(f"case{c}")
    today = world.cal.today
    opened = dates.day_epoch(today - timedelta(days=days_ago)) + 10 * 3_600
    members = [{"name": name, "relation": rel,
                "id_number": world.id_numbers.next(male, age, age, "500104"),
                "phone": world.phones.next() if age >= 18 else ""}
               for name, rel, male, age in people]
    officer = world.community_officer[c]
    return {
        "community_id": world.community_ids[c], "household": household,
        "address": texts.addresses(world.layout.communities[c], rng, 1)[0], "members": members,
        "needs": needs, "status": "closed" if outcome else "open", "outcome": outcome or "",
        "officer_id": world.officer_ids[officer], "opened_at": dates.utc(opened),
        "closed_at": dates.utc(dates.day_epoch(today - timedelta(days=20)) + 11 * 3_600)
        if outcome else None,
        "_opened": opened, "_measures": [_measure(m, today, days_ago) for m in measures],
    }


def _measure(m: Measure, today: date, days_ago: int) -> dict[str, Any]:
    department, kind, responsible, due, status, note = m
    opened = today - timedelta(days=days_ago)
    due_date = (today + timedelta(days=int(due)) if isinstance(due, str)
                else opened + timedelta(days=due))
    return {"department": department, "kind": kind, "responsible": responsible,
            "due_date": due_date, "status": status, "note": note}


def _visits(world: World, community_id: int, opened: int) -> list[tuple[int, str, str]]:
    c = world.community_ids.index(community_id)
    officer = world.officer_names[world.community_officer[c]]
    span = max(1, (world.cal.anchor - opened) // 86_400 - 1)
    return [(1, officer, "首次走访，核实家庭情况，建立帮扶档案。"),
            (span * 3 // 10, "社区工作者", "了解救助金到位情况，生活基本稳定。"),
            (span * 6 // 10, officer, "回访，协调解决就学和就医问题。"),
            (span * 9 // 10, "社工", "心理疏导，情绪较前好转。")]


def _granny_visits(world: World) -> list[tuple[int, str, str]]:
    officer = world.officer_names[world.community_officer[world.shuanglin]]
    return [(d, who.format(officer=officer), what) for d, who, what in GRANNY_VISITS]
