"""Worksheet functions: exact values as plain Python calls, and a reference that cannot go stale.

On Linux ``xw.func`` is a pass-through decorator, so each UDF is called here with
the values xlwings would hand over (numbers as floats, a range as a 2-D list,
dates as ``datetime``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, get_origin, get_type_hints

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlwings.conversion import accessors

from salesxl import udfs
from salesxl.core.incentive_rules import plan_for, read_rules
from salesxl.core.payout import RepFacts, settle
from salesxl.docs_reference import declared_udfs

ROOT = Path(__file__).resolve().parents[1]


def reference_functions() -> list[str]:
    """Names in the generated worksheet-function reference (docs/reference/functions.md)."""
    text = (ROOT / "docs" / "reference" / "functions.md").read_text(encoding="utf-8")
    return re.findall(r"^## (SALESXL_[A-Z_]+) ", text, re.M)


def test_every_udf_is_prefixed_documented_and_in_the_reference():
    declared = declared_udfs()
    assert {"SALESXL_ALLOCATE", "SALESXL_WORKDAYS", "SALESXL_DAILY_SPLIT", "SALESXL_MONTH_TARGET"} <= set(declared)
    for name, udf in declared.items():
        assert name.startswith("SALESXL_"), name
        assert udf.docstring, f"{name} has no docstring (Excel shows it in the function wizard)"
        assert set(udf.docs) == set(udf.args), f"{name}: every argument needs @xw.arg(doc=...)"
        assert all(udf.docs.values()), name
    assert sorted(reference_functions()) == sorted(dir_udfs())


def dir_udfs() -> list[str]:
    return [n for n in dir(udfs) if n.startswith("SALESXL_")]


def test_the_ast_check_sees_what_python_sees():
    """The static list is the module's real list of UDFs (no decorator spelled another way)."""
    assert set(declared_udfs()) == set(dir_udfs())


# Each example on docs/getting-started/functions.md, as Excel hands its arguments over (ranges as lists, a
# column {1;1;1} as rows, percentages as fractions), with the result the page promises.
PAGE_EXAMPLES = {
    "`=SALESXL_ALLOCATE(100, {1;1;1})` → 34, 33, 33":
        (lambda: udfs.SALESXL_ALLOCATE(100.0, [[1.0], [1.0], [1.0]]), [[34.0], [33.0], [33.0]]),
    '`=SALESXL_WORKDAYS("2026-02")` → 16': (lambda: udfs.SALESXL_WORKDAYS("2026-02"), 16),
    # H = 280,000 x (1 + 0.625 x 12 % + 0.375 x 25 %) = 327,250; I = 280,000 x 1.10, C = 280,000 x 1.15:
    # 0.4 x 300,000 + 0.3 x 327,250 + 0.2 x 308,000 + 0.1 x 322,000 = 311,975
    "`=SALESXL_MONTH_TARGET(300000, {280000,250000,200000}, 10%, 15%, {40%,30%,20%,10%})` → 311,975":
        (lambda: udfs.SALESXL_MONTH_TARGET(300000.0, [280000.0, 250000.0, 200000.0], 0.1, 0.15,
                                           [0.4, 0.3, 0.2, 0.1]), 311975.0),
    '`=SALESXL_DAILY_SPLIT(309000, "2026-02", "CN", 0.01)` → 16 rows of 19,312.50':
        (lambda: sorted({amount for _, amount in udfs.SALESXL_DAILY_SPLIT(309000.0, "2026-02", "CN", 0.01)})
         + [len(udfs.SALESXL_DAILY_SPLIT(309000.0, "2026-02", "CN", 0.01))], [19312.5, 16]),
    "`=SALESXL_ATTAINMENT(112000, 100000)` → 112 %": (lambda: udfs.SALESXL_ATTAINMENT(112000.0, 100000.0), 1.12),
    "`=SALESXL_TIER(100%)` → `基础 base`": (lambda: udfs.SALESXL_TIER(1.0), "基础 base"),
    # 112 % reaches challenge: its bonus 1,000 + flat 2 % x 112,000 = 1,000 + 2,240 = 3,240
    "`=SALESXL_PAYOUT(112000, 100000, {100000,110000,120000}, {500,1000,2000}, {1%,2%,3%})` → 3,240":
        (lambda: udfs.SALESXL_PAYOUT(112000.0, 100000.0, [100000.0, 110000.0, 120000.0], [500.0, 1000.0, 2000.0],
                                     [0.01, 0.02, 0.03]), 3240.0),
}


def test_the_examples_on_the_functions_page_are_what_the_functions_return():
    text = (ROOT / "docs" / "getting-started" / "functions.md").read_text(encoding="utf-8")
    assert len(re.findall(r"`=SALESXL_", text)) == len(PAGE_EXAMPLES), "an example on the page is not checked here"
    for example, (call, expected) in PAGE_EXAMPLES.items():
        assert example in text, example
        assert call() == expected, example


def test_annotations_route_to_an_xlwings_converter():
    """On Windows xlwings turns each annotation into a converter; an unknown one (a union) would fail there."""
    for name in declared_udfs():
        for arg, hint in get_type_hints(getattr(udfs, name)).items():
            top = get_origin(hint) or hint
            assert top in accessors, (name, arg, hint)


# SALESXL_ALLOCATE ---------------------------------------------------------------------------------

def test_allocate_keeps_the_shape_of_the_weights():
    # 100 by 1:1:1 is 33.33 each; the one leftover unit goes to the first part.
    assert udfs.SALESXL_ALLOCATE(100.0, [[1.0], [1.0], [1.0]]) == [[34.0], [33.0], [33.0]]
    assert udfs.SALESXL_ALLOCATE(100.0, [[1.0, 1.0, 1.0]]) == [[34.0, 33.0, 33.0]]
    # A 2x2 block is read row by row: 1,2,3,4 of 10 -> 1,2,3,4.
    assert udfs.SALESXL_ALLOCATE(10.0, [[1.0, 2.0], [3.0, 4.0]]) == [[1.0, 2.0], [3.0, 4.0]]


def test_allocate_in_cents_and_from_text():
    # 309,000 over 16 equal days is 19,312.50 exactly.
    assert udfs.SALESXL_ALLOCATE(309000.0, [[1.0]] * 16, 0.01) == [[19312.5]] * 16
    # "30.9万" is 309,000; halves of it are 154,500.
    assert udfs.SALESXL_ALLOCATE("30.9万", [[1.0, 1.0]]) == [[154500.0, 154500.0]]
    # A blank weight counts as zero: 10 by 0:1 -> 0, 10.
    assert udfs.SALESXL_ALLOCATE(10.0, [[None], [1.0]]) == [[0.0], [10.0]]


@pytest.mark.parametrize("args, says", [
    ((100.0, [[0.0, 0.0]]), "all weights are zero"),
    ((100.0, [["a"]]), "the weight 'a' is not a number"),
    ((-5.0, [[1.0]]), "below the minimum 0"),
    ((None, [[1.0]]), "the total is missing"),
    ((100.0, [[1.0]], 0.0), "below the minimum"),
])
def test_allocate_says_what_is_wrong(args, says):
    result = udfs.SALESXL_ALLOCATE(*args)
    assert isinstance(result, str) and result.startswith("#salesxl! ") and says in result


@settings(max_examples=60, deadline=None)
@given(total=st.integers(0, 10**7), weights=st.lists(st.integers(0, 1000), min_size=1, max_size=12))
def test_allocate_sums_exactly_in_cents(total, weights):
    cents = total / 100
    result = udfs.SALESXL_ALLOCATE(cents, [[float(w)] for w in weights], 0.01)
    if sum(weights) == 0 and total > 0:
        assert isinstance(result, str)
        return
    parts = [row[0] for row in result]
    assert round(sum(parts) * 100) == total and min(parts) >= 0


# SALESXL_WORKDAYS and SALESXL_DAILY_SPLIT ------------------------------------------------------------

@pytest.mark.parametrize("month", [dt.datetime(2026, 2, 10), "2026-02", "2026年2月", 202602.0])
def test_february_2026_in_china_has_16_working_days(month):
    # 20 weekdays - 6 Spring Festival weekdays (16-20, 23 Feb) + make-up Saturdays 14 and 28 Feb = 16.
    assert udfs.SALESXL_WORKDAYS(month) == 16
    assert udfs.SALESXL_WORKDAYS(month, "cn") == 16


def test_make_up_saturdays_are_working_days():
    days = [d.date() for d, on in udfs.SALESXL_DAILY_SPLIT(16.0, "2026-02")]
    assert dt.date(2026, 2, 14) in days and dt.date(2026, 2, 28) in days
    assert dt.date(2026, 2, 17) not in days and dt.date(2026, 2, 7) not in days


def test_another_country_has_its_own_calendar():
    # US February 2026: 20 weekdays less Washington's Birthday (Mon 16 Feb) = 19.
    assert udfs.SALESXL_WORKDAYS("2026-02", "US") == 19


def test_daily_split_of_february_2026():
    rows = udfs.SALESXL_DAILY_SPLIT(309000.0, "2026-02", "CN", 0.01)
    assert len(rows) == 16
    assert all(amount == 19312.5 for _, amount in rows)
    assert rows[0][0] == dt.datetime(2026, 2, 2) and rows[10][0] == dt.datetime(2026, 2, 14)
    assert rows[11][0] == dt.datetime(2026, 2, 24) and rows[-1][0] == dt.datetime(2026, 2, 28)


def test_daily_split_in_whole_yuan_adds_up():
    # 19,312.5 a day: the eight half-yuan remainders go to the first eight days.
    amounts = [a for _, a in udfs.SALESXL_DAILY_SPLIT(309000.0, "2026-02")]
    assert amounts == [19313.0] * 8 + [19312.0] * 8 and sum(amounts) == 309000


@pytest.mark.parametrize("call, says", [
    (lambda: udfs.SALESXL_WORKDAYS("foo"), "'foo' is not a month"),
    (lambda: udfs.SALESXL_WORKDAYS("2026-02", "XX"), "unknown calendar country 'XX'"),
    (lambda: udfs.SALESXL_DAILY_SPLIT(1000.0, "2026-02", "XX"), "unknown calendar country 'XX'"),
    (lambda: udfs.SALESXL_DAILY_SPLIT(1000.0, None), "the month is missing"),
    (lambda: udfs.SALESXL_DAILY_SPLIT("lots", "2026-02"), "is not a number"),
])
def test_calendar_functions_say_what_is_wrong(call, says):
    result = call()
    assert isinstance(result, str) and result.startswith("#salesxl! ") and says in result


# SALESXL_MONTH_TARGET ------------------------------------------------------------------------------

HISTORY = [280000.0, 250000.0, 200000.0]
WEIGHTS = [0.4, 0.3, 0.2, 0.1]


def test_month_target_by_trend():
    """Budget 300,000; same month 280,000 / 250,000 / 200,000; industry 10 %, benchmark 15 %; weights 40/30/20/10.

    YoY growth 280/250 - 1 = 12 % (weight 0.5) and 250/200 - 1 = 25 % (weight 0.3), renormalised to
    0.625/0.375: 7.5 % + 9.375 % = 16.875 %. H = 280,000 x 1.16875 = 327,250; I = 308,000; C = 322,000.
    0.4 x 300,000 + 0.3 x 327,250 + 0.2 x 308,000 + 0.1 x 322,000 = 120,000 + 98,175 + 61,600 + 32,200.
    """
    assert udfs.SALESXL_MONTH_TARGET(300000.0, HISTORY, 0.10, 0.15, WEIGHTS) == 311975.0


def test_month_target_by_weighted_average():
    # H = 0.5 x 280,000 + 0.3 x 250,000 + 0.2 x 200,000 = 255,000; 120,000 + 76,500 + 61,600 + 32,200.
    assert udfs.SALESXL_MONTH_TARGET(300000.0, HISTORY, 0.10, 0.15, WEIGHTS, "average") == 290300.0
    # Equal year weights: H = 243,333.33...; 120,000 + 73,000 + 61,600 + 32,200 = 286,800.
    assert udfs.SALESXL_MONTH_TARGET(300000.0, HISTORY, 0.10, 0.15, WEIGHTS, "average", [1.0, 1.0, 1.0], 0.01) \
        == 286800.0


def test_month_target_with_one_year_of_history_and_rounding():
    # No growth can be measured, so H = 280,000: 120,000 + 84,000 + 61,600 + 32,200 = 297,800.
    assert udfs.SALESXL_MONTH_TARGET(300000.0, [280000.0, None, None], 0.10, 0.15, WEIGHTS, "trend", None, 1000.0) \
        == 298000.0


@pytest.mark.parametrize("args, says", [
    ((300000.0, HISTORY, 0.10, 0.15, [0.4, 0.3, 0.2, 0.2]), "the four weights sum to 110.00%, not 100%"),
    ((300000.0, HISTORY[:2], 0.10, 0.15, WEIGHTS), "'Same-month history' must be 3 cells, not 2"),
    ((None, HISTORY, 0.10, 0.15, WEIGHTS), "the budget for the plan month is missing"),
    ((300000.0, HISTORY, None, 0.15, WEIGHTS), "the industry growth rate is blank"),
])
def test_month_target_says_what_is_wrong(args, says):
    result = udfs.SALESXL_MONTH_TARGET(*args)
    assert isinstance(result, str) and result.startswith("#salesxl! ") and says in result


# SALESXL_ATTAINMENT, SALESXL_TIER, SALESXL_PAYOUT: the close's rules -------------------------------

TIER_AMOUNTS = [100000.0, 110000.0, 120000.0]
BONUSES = [500.0, 1000.0, 2000.0]
RATES = [0.01, 0.02, 0.03]


def test_attainment_is_actual_over_target():
    assert udfs.SALESXL_ATTAINMENT(112000.0, 100000.0) == 1.12
    assert udfs.SALESXL_ATTAINMENT(100000.0, 100000.0) == 1.0
    assert udfs.SALESXL_ATTAINMENT("30.9万", 309000.0) == 1.0  # 30.9万 = 309,000
    assert udfs.SALESXL_ATTAINMENT(0.0, 50000.0) == 0.0


@pytest.mark.parametrize("args, says", [
    ((5.0, 0.0), "the target must be above 0"),
    ((5.0, -10.0), "the target must be above 0"),
    (("lots", 100.0), "'lots' is not a number"),
    ((None, 100.0), "the actual is missing"),
])
def test_attainment_says_what_is_wrong(args, says):
    result = udfs.SALESXL_ATTAINMENT(*args)
    assert isinstance(result, str) and result.startswith("#salesxl! ") and says in result


@pytest.mark.parametrize("value, tier", [
    (0.99, "未达基础 below base"),
    (1.0, "基础 base"),              # exactly 100 % reaches base
    (0.1 + 0.2 + 0.7, "基础 base"),  # 0.9999999999999999: float noise, not a shortfall
    (1.0999, "基础 base"),
    (1.1, "挑战 challenge"),
    (1.2, "冲刺 sprint"),
    (3.0, "冲刺 sprint"),
])
def test_tier_with_the_default_tiers_100_110_120(value, tier):
    assert udfs.SALESXL_TIER(value) == tier


def test_tier_with_own_tiers_in_attainments_or_in_amounts():
    assert udfs.SALESXL_TIER(0.95, 0.9, 1.0, 1.15) == "基础 base"
    assert udfs.SALESXL_TIER(1.15, 0.9, 1.0, 1.15) == "冲刺 sprint"
    # The same unit on both sides: amounts work as well as attainments.
    assert udfs.SALESXL_TIER(112000.0, *TIER_AMOUNTS) == "挑战 challenge"
    # Blank tiers take the defaults.
    assert udfs.SALESXL_TIER(1.1, None, None, None) == "挑战 challenge"
    result = udfs.SALESXL_TIER("high")
    assert isinstance(result, str) and result.startswith("#salesxl! ") and "'high' is not a number" in result


def pay(actual, mode="flat", **options):
    return udfs.SALESXL_PAYOUT(actual, 100000.0, TIER_AMOUNTS, options.pop("bonuses", BONUSES),
                               options.pop("rates", RATES), mode, **options)


def test_flat_commission_pays_the_whole_amount_at_the_highest_rate_reached():
    """112,000 reaches challenge: bonus 1,000 + 112,000 × 2 % = 3,240."""
    assert pay(112000.0) == 3240.0
    # Exactly 100 %: base bonus 500 + 100,000 × 1 % = 1,500; one yuan short: nothing.
    assert pay(100000.0) == 1500.0
    assert pay(99999.0) == 0.0
    # 125,000 reaches sprint: 2,000 + 125,000 × 3 % = 5,750; capped at 5,000.
    assert pay(125000.0) == 5750.0
    assert pay(125000.0, cap=5000.0) == 5000.0


def test_step_commission_pays_each_band_at_its_own_rate():
    """112,000: bonus 1,000 + 10,000 × 1 % (100→110 %) + 2,000 × 2 % (110→112 %) = 1,000 + 100 + 40 = 1,140.

    125,000: 2,000 + 10,000 × 1 % + 10,000 × 2 % + 5,000 × 3 % = 2,000 + 100 + 200 + 150 = 2,450.
    Exactly 100 %: the base bonus 500 and a band of zero width: 500.
    """
    assert pay(112000.0, "step") == 1140.0
    assert pay(125000.0, "step") == 2450.0
    assert pay(100000.0, "step") == 500.0


def test_linear_curve_pays_a_share_of_the_target_incentive():
    """Curve points at the tiers: 100 % → 50 %, 110 % → 100 %, 120 % → 150 % of a 3,000 target incentive.

    105 % is half way from 50 % to 100 %: 75 % × 3,000 = 2,250. Exactly 100 %: 50 % = 1,500.
    Below the first point: 0. Above the last: 150 % = 4,500. No bonuses here.
    """
    def curve(actual):
        return pay(actual, "linear", bonuses=None, rates=[0.5, 1.0, 1.5], target_incentive=3000.0)
    assert curve(105000.0) == 2250.0
    assert curve(100000.0) == 1500.0
    assert curve(99999.0) == 0.0
    assert curve(130000.0) == 4500.0


def test_the_floor_deducts_strictly_below_it():
    """Floor 80 % of base (100,000), penalty 1,000: 80,000 is exactly the floor, no penalty; 79,999 pays −1,000."""
    assert pay(80000.0, floor=0.8, penalty=1000.0) == 0.0
    assert pay(79999.0, floor=0.8, penalty=1000.0) == -1000.0
    assert pay(100000.0, floor=0.8, penalty=1000.0) == 1500.0


def test_payout_is_what_the_close_pays_under_the_same_rules_sheet():
    """The same linear plan written as rule rows, settled by the close, pays what the function pays."""
    rows = [{"rule": "bonus", "tier": "challenge", "amount": 800.0}]
    rows += [{"rule": "commission", "mode": "linear", "threshold": t, "rate": r, "amount": 3000.0}
             for t, r in ((1.0, 0.5), (1.1, 1.0), (1.2, 1.5))]
    rows += [{"rule": "floor", "threshold": 0.8, "mode": "fixed", "amount": 300.0}]
    columns = ["scope", "rule", "tier", "threshold", "amount", "rate", "factor", "mode", "role", "note"]
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    for c in ("threshold", "amount", "rate", "factor"):
        frame[c] = pd.to_numeric(frame[c]).astype("float64")
    frame.index = pd.Index(range(2, 2 + len(rows)), name="excel_row")
    plans, problems = read_rules(frame, set(), set())
    assert problems == []
    for actual in (70000.0, 80000.0, 100000.0, 104321.0, 110000.0, 126000.0):
        sheet = settle(plan_for(plans, "R001", "华东"), RepFacts(100000.0, *TIER_AMOUNTS, actual)).net
        function = pay(actual, "linear", bonuses=[None, 800.0, None], rates=[0.5, 1.0, 1.5],
                       target_incentive=3000.0, floor=0.8, penalty=300.0)
        assert function == sheet, actual


@pytest.mark.parametrize("call, says", [
    (lambda: pay(1000.0, "tiered"), "the mode 'tiered' must be flat, step or linear"),
    (lambda: udfs.SALESXL_PAYOUT(1000.0, 0.0, TIER_AMOUNTS), "the target must be above 0"),
    (lambda: udfs.SALESXL_PAYOUT(1000.0, 100000.0, TIER_AMOUNTS[:2]), "'Tiers' must be 3 cells, not 2"),
    (lambda: udfs.SALESXL_PAYOUT(1000.0, 100000.0, [100000.0, None, 120000.0]), "a tier amount is blank"),
    (lambda: pay(1000.0, "linear", rates=[0.5, 1.0, 1.5]), "a linear curve needs the target incentive"),
    (lambda: pay("n/a"), "'n/a' is not a number"),
])
def test_payout_says_what_is_wrong(call, says):
    result = call()
    assert isinstance(result, str) and result.startswith("#salesxl! ") and says in result
