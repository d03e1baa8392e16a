"""Issue 17: one word for escalation (升级 / 已升级); 上报 means reporting a lead."""

from __future__ import annotations

from ui.core.i18n import catalogue, translate


def test_the_escalated_status_and_the_escalate_action_read_shengji() -> None:
    assert translate("zh", "leads.status.escalated") == "已升级"
    assert translate("zh", "map.status.escalated") == "已升级"
    assert translate("zh", "leads.action.escalate") == "升级"
    assert translate("en", "leads.status.escalated") == "Escalated"


def test_no_chinese_text_calls_escalation_shangbao() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    wrong = sorted(key for key, text in zh.items() if "已上报" in text)
    assert wrong == []
    # a text whose English speaks of escalating never says 上报 in Chinese
    mixed = sorted(key for key, text in zh.items()
                   if "上报" in text and ("escalat" in en[key].lower() or "higher" in en[key]))
    assert mixed == []


def test_english_counts_agree_with_their_nouns_and_sentences_start_capitalised() -> None:
    assert translate("en", "cases.overdue_warning", n=1).startswith("1 measure is overdue")
    assert translate("en", "cases.overdue_warning", n=2).startswith("2 measures are overdue")
    assert translate("en", "roster.gaps_title", n=1) == "1 gap found:"
    assert translate("en", "roster.gaps_title", n=3) == "3 gaps found:"
    assert translate("zh", "roster.gaps_title", n=1) == "发现 1 处缺口："
    assert not [k for k, v in catalogue("en").items() if "(s)" in v and k.startswith(
        ("cases.overdue", "roster.gaps"))]
    for key in ("roster.gap_no_officer", "roster.gap_no_response_unit",
                "roster.gap_short_teams", "roster.gap_empty_grids"):
        assert translate("en", key, teams="A", grids="B")[0].isupper(), key
