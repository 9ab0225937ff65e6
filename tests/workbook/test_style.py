"""The house style module: exact formats, the run line, tier rules and print choices.

Also a small evaluator of the tier rules' formulas, to show that the colour a value gets
follows the thresholds the defined names point at (so editing Settings recolours a sheet).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from salesxl.workbook import style
from salesxl.workbook.backend import RunInfo


@pytest.mark.parametrize("kind, currency, expected", [
    ("amount", "CNY", '"¥"#,##0.00'),
    ("amount", "usd", '"$"#,##0.00'),
    ("amount", "HKD", '"HK$"#,##0.00'),
    ("amount", "THB", '#,##0.00 "THB"'),
    ("amount", "", "#,##0.00"),
    ("decimal", "CNY", "#,##0.00"),
    ("integer", "CNY", "#,##0"),
    ("percent", "CNY", "0.0%"),
    ("date", "CNY", "yyyy-mm-dd"),
    ("month", "CNY", "yyyy-mm"),
    ("text", "CNY", None),
    ("note", "CNY", None),
    ("bool", "CNY", None),
])
def test_number_formats(kind, currency, expected):
    assert style.number_format(kind, currency) == expected


def test_a_quote_in_a_currency_code_cannot_break_the_format():
    assert style.amount_format('A"B') == '#,##0.00 "AB"'


def test_shown_text_measures_what_the_format_shows():
    assert style.shown_text(1234.5, "amount", "CNY") == "¥1,234.50"
    assert style.shown_text(1234.5, "amount", "THB") == "1,234.50 THB"
    assert style.shown_text(0.1234, "percent") == "12.3%"
    assert style.shown_text(12345, "integer") == "12,345"
    assert style.shown_text(dt.date(2026, 12, 1), "date") == "yyyy-mm-dd"
    assert style.display_width("业务员 Rep") == 10  # three wide characters (2 each) + " Rep"


def test_column_width_is_padded_and_bounded():
    assert style.column_width(3) == 8  # 3 + 2 padding, at least 8
    assert style.column_width(20) == 22
    assert style.column_width(100) == 60


def test_run_line_shows_what_is_known():
    run = RunInfo(month="2026-12", run_time=dt.datetime(2026, 11, 28, 9, 30), source="设置 Settings, 业务员 Reps",
                  currency="CNY")
    assert style.run_line(run) == ("月份 Month 2026-12 · 运行 Run 2026-11-28 09:30 · 来源 Source: 设置 Settings, 业务员 Reps"
                                   " · 币种 Currency CNY")
    assert style.run_line(RunInfo(currency="")) == ""


def test_run_time_prefers_the_given_time_then_source_date_epoch(monkeypatch):
    given = dt.datetime(2026, 1, 2, 3, 4)
    assert style.run_time(given) == given
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795845600")  # 2026-11-28 06:00 UTC
    assert style.run_time() == dt.datetime(2026, 11, 28, 6, 0)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs(style.run_time() - dt.datetime.now()) < dt.timedelta(minutes=1)


def test_tier_formulas_compare_with_the_defined_names_never_numbers():
    assert style.tier_formulas("E5") == [
        ("below_base", "AND(ISNUMBER(E5),E5<salesxl_tier_base)"),
        ("base", "AND(ISNUMBER(E5),E5>=salesxl_tier_base,E5<salesxl_tier_challenge)"),
        ("challenge", "AND(ISNUMBER(E5),E5>=salesxl_tier_challenge,E5<salesxl_tier_sprint)"),
        ("sprint", "AND(ISNUMBER(E5),E5>=salesxl_tier_sprint)"),
    ]


def test_tier_rules_colour_red_amber_green_dark_green():
    rules = style.tier_rules("E5")
    looks = [(r.dxf.fill.bgColor.rgb, r.dxf.font.color.rgb, r.stopIfTrue) for r in rules]
    assert looks == [("FFFFC7CE", "FF9C0006", True), ("FFFFEB9C", "FF9C5700", True),
                     ("FFC6EFCE", "FF006100", True), ("FF548235", "FFFFFFFF", True)]


def test_tier_names_point_at_the_settings_cells_or_hold_the_defaults():
    defaults = {"tier_base": 1.0, "tier_challenge": 1.1, "tier_sprint": 1.2}
    run = RunInfo(tier_cells={"tier_base": "'设置 Settings'!$B$16", "tier_challenge": "'设置 Settings'!$B$17"})
    assert style.tier_names(run, defaults) == {"salesxl_tier_base": "'设置 Settings'!$B$16",
                                               "salesxl_tier_challenge": "'设置 Settings'!$B$17",
                                               "salesxl_tier_sprint": "1.2"}  # not on the sheet: its default
    assert style.tier_names(None, defaults)["salesxl_tier_base"] == "1.0"


def evaluate(formula: str, value, names: dict[str, float]) -> bool:
    """Evaluate one of the tier formulas (AND of ISNUMBER and comparisons) for a cell holding ``value``."""
    body = re.fullmatch(r"AND\((.*)\)", formula).group(1)
    result = True
    for test in body.split(","):
        if test.startswith("ISNUMBER("):
            result &= isinstance(value, (int, float))
            continue
        cell, op, name = re.fullmatch(r"([A-Z]+\d+)(>=|<)(\w+)", test).groups()
        if not isinstance(value, (int, float)):
            return False
        result &= value >= names[name] if op == ">=" else value < names[name]
    return result


def colour_of(value, base=1.0, challenge=1.1, sprint=1.2) -> list[str]:
    names = {"salesxl_tier_base": base, "salesxl_tier_challenge": challenge, "salesxl_tier_sprint": sprint}
    return [tier for tier, formula in style.tier_formulas("E5") if evaluate(formula, value, names)]


def test_each_value_gets_exactly_the_tier_it_reached():
    """With 1.0 / 1.1 / 1.2: 0.95 is below base, 1.0 and 1.05 base, 1.1 challenge, 1.2 and 1.5 sprint."""
    assert [colour_of(v) for v in (0.95, 1.0, 1.05, 1.1, 1.2, 1.5)] == [
        ["below_base"], ["base"], ["base"], ["challenge"], ["sprint"], ["sprint"]]
    assert colour_of(None) == [] and colour_of("n/a") == []


def test_editing_a_threshold_recolours():
    """0.95 is below a base of 1.0 (red); a planner lowers the base multiplier to 0.9 and it is at base (amber)."""
    assert colour_of(0.95) == ["below_base"]
    assert colour_of(0.95, base=0.9) == ["base"]


@pytest.mark.parametrize("width, asked, expected", [
    (60, "auto", "portrait"), (95, "auto", "portrait"), (96, "auto", "landscape"),
    (200, "portrait", "portrait"), (10, "landscape", "landscape"),
])
def test_orientation(width, asked, expected):
    assert style.orientation(width, asked) == expected


@pytest.mark.parametrize("width, pages", [(60, 1), (225, 1), (226, 2), (450, 2), (451, 3), (1000, 5)])
def test_a_wide_sheet_spreads_over_pages_across_rather_than_shrinking_out_of_sight(width, pages):
    """Fitted to one page's width, the 40-column Performance sheet printed whole on one page, unreadable
    (issue 21). A landscape A4 page holds 135 units of column width at 100 %; no page is printed smaller
    than 60 %, so up to 225 units go on one page across and wider sheets take more pages across."""
    assert style.pages_wide(width) == pages


def test_title_rows_repeat_a_single_tables_header():
    assert style.title_rows(6, 1) == 6  # title block and the header of the only table
    assert style.title_rows(6, 3) == 1  # several tables: only the title row
    assert style.title_rows(6, 3, asked=2) == 2
