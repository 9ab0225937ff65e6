"""How a cell is read as the planner meant it (rules stated in salesxl/workbook/cells.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesxl.workbook.cells import BLANK, number_from_text, parse_cell
from salesxl.workbook.schema import Column
from salesxl.terms import ROLES

AMOUNT = Column("amount", "金额", "Amount", "decimal")
PERCENT = Column("share", "占比", "Share", "percent")
DATE = Column("date", "日期", "Date", "date")
MONTH = Column("month", "月份", "Month", "month")
YESNO = Column("active", "在岗", "Active", "bool")
ROLE = Column("role", "角色", "Role", "choice", choices=ROLES)


@pytest.mark.parametrize("text, value", [
    ("30.9万", 309_000), ("1.2亿", 120_000_000), ("5千", 5_000), ("¥1,234.50", 1234.5), ("１２３４", 1234),
    ("(1,234)", -1234), ("RMB 88", 88), ("3 000", 3000), ("12元", 12), ("-7.5", -7.5),
])
def test_amount_text(text, value):
    assert number_from_text(text) == value


@pytest.mark.parametrize("text", ["abc", "1.2.3", "万", "", "12%", "1,2万x"])
def test_not_amounts(text):
    assert number_from_text(text) is None


def test_amount_cells_say_how_text_was_read():
    assert parse_cell(AMOUNT, 309000) == (309000.0, None)
    value, issue = parse_cell(AMOUNT, "30.9万")
    assert value == 309000.0 and issue[1] == "number-from-text" and "309,000" in issue[3]
    assert parse_cell(AMOUNT, True)[1][1] == "not-a-number"


def test_percent_rules():
    assert parse_cell(PERCENT, 0.15) == (0.15, None)
    assert parse_cell(PERCENT, "15%") == (0.15, None)
    value, issue = parse_cell(PERCENT, 15)
    assert value == 0.15 and issue[1] == "percent-points"
    assert parse_cell(PERCENT, 1) == (1, None)  # 1 means 100 %, as documented


def test_a_bare_threshold_between_1_and_5_is_ambiguous_where_thresholds_run_above_100_percent():
    """The Incentive Rules' Threshold column: accelerators at 120 %, so 1.05 might be 105 % or 1.05 %."""
    from salesxl.workbook.contract.close import INCENTIVE_RULES

    threshold = INCENTIVE_RULES.column("threshold")
    value, issue = parse_cell(threshold, 1.05)
    assert value is BLANK and issue[:2] == ("error", "ambiguous-percent")
    assert issue[3] == "'1.05' is ambiguous: 105% or 1.05%? Type 105% or 1.05%"
    assert parse_cell(threshold, 5)[1][1] == "ambiguous-percent"
    assert parse_cell(threshold, 0.8) == (0.8, None)  # up to 1: a fraction, 80 %
    assert parse_cell(threshold, 1) == (1, None)  # 100 %
    assert parse_cell(threshold, "105%") == (1.05, None) and parse_cell(threshold, "1.05%") == (0.0105, None)
    assert parse_cell(threshold, 1.05, percent_format=True) == (1.05, None)  # shown as 105 %
    value, issue = parse_cell(threshold, 120)  # above 5: percentage points, as everywhere
    assert value == 1.2 and issue[1] == "percent-points"
    assert parse_cell(PERCENT, 1.05)[1][1] == "percent-points"  # other percent columns keep the rule


def test_dates():
    assert parse_cell(DATE, dt.datetime(2026, 2, 1, 0, 0)) == (pd.Timestamp(2026, 2, 1), None)
    for text in ("2026-02-01", "2026/2/1", "2026.2.1", "2026年2月1日", "20260201"):
        assert parse_cell(DATE, text) == (pd.Timestamp(2026, 2, 1), None), text
    # Serial 46054: 1899-12-30 + 46054 days; in the 1904 system the same day is 44592.
    assert parse_cell(DATE, 46054)[0] == pd.Timestamp(2026, 2, 1)
    assert parse_cell(DATE, 44592, date1904=True)[0] == pd.Timestamp(2026, 2, 1)
    assert parse_cell(DATE, "01/02/2026")[1][1] == "not-a-date"


def test_months():
    feb = pd.Period("2026-02", "M")
    for raw in ("2026-02", "2026/2", "2026年2月", "2026.02", 202602, dt.datetime(2026, 2, 17), "２０２６－０２"):
        assert parse_cell(MONTH, raw)[0] == feb, raw
    assert parse_cell(MONTH, "2026-13")[1][1] == "not-a-month"


def test_yes_no_and_choices():
    assert [parse_cell(YESNO, v)[0] for v in ("是", "否", "Y", "no", 1, 0.0, True)] == [True, False, True, False,
                                                                                       True, False, True]
    assert parse_cell(YESNO, "maybe")[1][1] == "not-yes-no"
    assert [parse_cell(ROLE, v)[0] for v in ("战斗机型", "Flagship", "战斗机型 flagship", "ＰＲＯＦＩＴ")] == [
        "flagship", "flagship", "flagship", "profit"]


def test_blank_and_error_values():
    assert parse_cell(AMOUNT, None) == (BLANK, None)
    assert parse_cell(AMOUNT, "   ") == (BLANK, None)
    assert parse_cell(AMOUNT, "#N/A")[1][1] == "excel-error"


def test_bounds():
    bounded = Column("weight", "权重", "Weight", "percent", minimum=0, maximum=1)
    assert parse_cell(bounded, "120%")[1][1] == "above-maximum"
    assert parse_cell(bounded, -0.1)[1][1] == "below-minimum"


def test_a_number_far_beyond_any_plan_is_not_a_date():
    """An amount typed in a date column, 131,000, would be Excel day 131,000: the year 2258 is still a
    date pandas holds, 3,000,000 is beyond Excel's last day, 9999-12-31 typed as text is beyond pandas'."""
    from salesxl.workbook.schema import Column

    day = Column("day", "日期", "Date", "date")
    assert parse_cell(day, 131_000)[0] == pd.Timestamp("2258-08-30")
    for raw in (3_000_000, 2_958_465, "9999-12-31"):
        value, issue = parse_cell(day, raw)
        assert value is BLANK and issue[1] == "not-a-date", raw
