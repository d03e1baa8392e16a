"""Pingan's incident categories and the names other systems give them."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CATEGORIES = ("criminal", "public_order", "other")
TARGETS = (*CATEGORIES, "skip")  # skip: not an incident to count (重复报警, 无效警情, ...)
# Pingan's own names: always known, never asked.
OWN = {
    "criminal": "criminal", "刑事": "criminal", "刑事警情": "criminal", "刑事案件": "criminal",
    "public_order": "public_order", "publicorder": "public_order", "治安": "public_order",
    "治安警情": "public_order", "治安案件": "public_order",
    "other": "other", "其他": "other", "其它": "other", "其他警情": "other",
}
# What the dispatch system's names usually mean: offered as the answer, confirmed by the user.
_SUGGESTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("skip", ("重复报警", "重复警情", "无效警情", "无效报警", "骚扰电话", "误报", "错报", "测试")),
    ("criminal", ("盗窃", "诈骗", "抢劫", "抢夺", "伤害", "杀人", "强奸", "绑架", "拐卖", "毒品",
                  "贩毒", "敲诈", "勒索", "放火", "爆炸", "入室", "扒窃", "刑事", "破坏",
                  "寻衅滋事", "聚众斗殴", "非法拘禁", "传销", "洗钱")),
    ("public_order", ("打架", "斗殴", "殴打", "赌博", "吸毒", "卖淫", "嫖娼", "扰乱", "噪音",
                      "噪声", "醉酒", "滋扰", "治安", "损毁", "偷窥", "阻碍", "非法携带")),
    ("other", ("纠纷", "交通", "事故", "求助", "火灾", "走失", "救助", "咨询", "举报", "投诉",
               "自然灾害", "群体", "其他", "其它", "意外", "坠楼", "溺水", "死亡")),
)


@lru_cache(maxsize=65_536)  # 100,000 rows name a few dozen categories and communities
def normal_name(name: object) -> str:
    """A category or place name as compared: NFKC, no spaces, lower case."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(name or ""))).lower()


def own(name: str) -> str | None:
    return OWN.get(normal_name(name))


def suggest(name: str) -> str | None:
    """The category a dispatch name most likely means (for the user to confirm), or None."""
    known = own(name)
    if known:
        return known
    text = normal_name(name)
    for target, words in _SUGGESTED:
        if any(w in text for w in words):
            return target
    return None
