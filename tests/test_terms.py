"""The planner's vocabulary is spelled once (salesxl/terms.py) and shows the same everywhere."""

from __future__ import annotations

from salesxl import terms
from salesxl.core import dashboard, payout, structure, targets
from salesxl.workbook.contract.target import PRODUCTS


def test_roles_tiers_and_factors_in_the_planners_order():
    assert terms.ROLE_KEYS == ("flagship", "volume", "profit", "image")
    assert terms.TIER_KEYS == ("base", "challenge", "sprint")
    assert terms.FACTOR_KEYS == ("budget", "history", "industry", "benchmark")


def test_a_choice_shows_chinese_first_and_reads_any_spelling():
    flagship = terms.ROLES[0]
    assert (flagship.label, flagship.bilingual) == ("战斗机型 flagship", "战斗机型 Flagship")
    assert {"flagship", "战斗机型", "战斗机型flagship"} <= flagship.spellings()
    assert terms.normalise_label("Ｒｅｐ ID") == terms.normalise_label("rep_id") == "repid"


def test_core_reports_and_contract_use_the_one_vocabulary():
    headings = {"flagship": "战斗机型 Flagship", "volume": "规模型 Volume", "profit": "利润型 Profit",
                "image": "形象型 Image"}
    assert structure.ROLE_LABELS == dashboard.ROLE_LABELS == headings
    assert targets.FACTOR_LABELS["history"] == "历史同期 Same month history"
    assert payout.TIER_LABEL == {"none": "未达基础 below base", "base": "基础 base", "challenge": "挑战 challenge",
                                 "sprint": "冲刺 sprint"}
    assert payout.ROLE_ZH["profit"] == "利润型"
    roles = next(c for c in PRODUCTS.columns if c.key == "role")
    assert roles.choices is terms.ROLES
