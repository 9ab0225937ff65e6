"""Worksheet functions (UDFs): salesxl's maths in a planner's own formulas.

Each function is a thin, typed wrapper over a pure function of
:mod:`salesxl.core`, registered with xlwings' free COM UDFs (Windows; the add-in
imports them with ``ImportFunctions``/``ImportPythonUDFsToAddin``). On other
systems ``xw.func``/``xw.arg`` are pass-through decorators, so this module
imports anywhere and every function is tested as a plain Python function.

Names: Excel shows a COM UDF under its VBA wrapper's name, which must be a VBA
identifier, so the prefix is ``SALESXL_`` (``SALESXL_ALLOCATE``); dotted names
such as ``SALESXL.ALLOCATE`` need Office.js custom functions (xlwings Server or
Lite), which salesxl does not use.

Arrays are returned as 2-D lists, so Excel 365 spills them as dynamic arrays.
A planner's mistake (a month that is not a month, all weights zero) returns a
text starting with ``#salesxl!`` that says what is wrong, rather than a bare
``#VALUE!``.

The function reference (docs/reference/functions.md) is generated from the functions
decorated here (``python -m salesxl.docs_reference``); a test parses this module and compares.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

import pandas as pd

from .core.allocation import AllocationError, allocate
from .core.calendar import month_calendar, split_by_workdays, working_days
from .core.formulas import month_target_value
from .core.incentive_rules import COMMISSION_MODES
from .core.payout import TIER_LABEL, attainment, payout, tier_reached
from .workbook.cells import BLANK, parse_cell
from .workbook.schema import Column

CATEGORY = "salesxl"
MONTH = Column("month", "月份", "Month", "month")
TOTAL = Column("total", "总数", "Total", "decimal", minimum=0)
AMOUNT = Column("amount", "金额", "Amount", "decimal")
RATE = Column("rate", "增长率", "Growth rate", "percent")
WEIGHTS = Column("weights", "权重", "Weights", "percent", minimum=0)
HISTORY = Column("history", "历史同期", "Same-month history", "decimal", minimum=0)
UNIT = Column("unit", "取整单位", "Rounding unit", "decimal", minimum=0.0001)
ACTUAL = Column("actual", "实际", "Actual", "decimal")
TARGET = Column("target", "目标", "Target", "decimal")
ATTAINMENT = Column("attainment", "达成率", "Attainment", "decimal")
TIERS = Column("tiers", "三档目标", "Tiers", "decimal", minimum=0)
BONUSES = Column("bonuses", "档位奖金", "Bonuses", "decimal", minimum=0)
RATES = Column("rates", "提成比例", "Rates", "decimal", minimum=0)
MONEY = Column("money", "金额", "Amount", "decimal", minimum=0)


def udf_error(zh: str, en: str) -> str:
    """What a UDF shows instead of a result when its arguments are wrong."""
    return f"#salesxl! {zh} / {en}"


def month_of(value: Any) -> pd.Period | str:
    """The month of a date, ``2026-02``, ``2026年2月`` or ``202602``; else an error text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel hands every number over as a float
    parsed, issue = parse_cell(MONTH, value)
    if parsed is BLANK or (issue and issue[0] == "error"):
        zh, en = (issue[2], issue[3]) if issue else ("缺少月份", "the month is missing")
        return udf_error(zh, en)
    return parsed


def number_of(value: Any, column: Column) -> float | str:
    """A number typed as a number or as text (``30.9万``, ``¥1,234``); else an error text."""
    parsed, issue = parse_cell(column, value)
    if parsed is BLANK or (issue and issue[0] == "error"):
        zh, en = (issue[2], issue[3]) if issue else (f"缺少{column.zh}", f"the {column.en.lower()} is missing")
        return udf_error(zh, en)
    return float(parsed)


def optional_number(value: Any, column: Column) -> float | None | str:
    """Like :func:`number_of`, but a blank cell is None (the factor has no data)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return number_of(value, column)


def cells(values: Any, count: int, what: Column) -> list[Any] | str:
    """A range of exactly ``count`` cells (a single value counts as one), each parsed as a number or blank."""
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    if len(values) != count:
        return udf_error(f"“{what.zh}”须为{count}个单元格，而不是{len(values)}个",
                         f"'{what.en}' must be {count} cells, not {len(values)}")
    parsed = [optional_number(v, what) for v in values]
    return next((p for p in parsed if isinstance(p, str)), parsed)


def optional_or(value: Any, column: Column, default: float | None) -> float | None | str:
    """An optional argument: blank gives ``default``."""
    parsed = optional_number(value, column)
    return default if parsed is None else parsed


def first_error(*values: Any) -> str | None:
    return next((v for v in values if isinstance(v, str)), None)


def flat_numbers(block: list[list[Any]]) -> list[float] | str:
    """The numbers of a 2-D block, row by row; blanks count as 0."""
    values = []
    for row in block:
        for value in row:
            if value is None or value == "":
                values.append(0.0)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                values.append(float(value))
            else:
                return udf_error(f"权重“{value}”不是数字", f"the weight '{value}' is not a number")
    return values


@xw.func(category=CATEGORY)
@xw.arg("total", doc="要拆分的总数 The amount to split, e.g. 309000")
@xw.arg("weights", ndim=2, doc="各部分的权重（一行、一列或一块区域） Weights of the parts: a row, a column or a block")
@xw.arg("unit", doc="取整单位，默认 1；0.01 即到分 Rounding unit, default 1; 0.01 for cents")
def SALESXL_ALLOCATE(total: Any, weights: list[list[Any]], unit: Any = 1.0) -> Any:  # noqa: N802
    """按权重拆分，取整后合计恰好等于总数（最大余数法）。Split a total by weights; the rounded parts add up exactly."""
    total, numbers, unit = number_of(total, TOTAL), flat_numbers(weights), number_of(unit, UNIT)
    if error := first_error(total, numbers, unit):
        return error
    try:
        parts = [float(x) for x in allocate(total, numbers, unit=unit)]
    except AllocationError as exc:
        return udf_error("无法拆分", str(exc))
    width = len(weights[0]) if weights else 0
    return [parts[r * width:(r + 1) * width] for r in range(len(weights))]


@xw.func(category=CATEGORY)
@xw.arg("month", doc="月份：日期、2026-02 或 202602 The month: a date, 2026-02 or 202602")
@xw.arg("country", doc="日历国家代码，默认 CN Calendar country code, default CN")
def SALESXL_WORKDAYS(month: Any, country: Any = "CN") -> Any:  # noqa: N802
    """某国某月的工作日天数（含调休上班日）。Working days in the month under the country's calendar."""
    when = month_of(month)
    if isinstance(when, str):
        return when
    days, problems = month_calendar(when, str(country or "CN").strip().upper())
    if problems:
        return udf_error(problems[0].message_zh, problems[0].message_en)
    return working_days(days)


@xw.func(category=CATEGORY)
@xw.arg("total", doc="当月目标 The month's target, e.g. 309000")
@xw.arg("month", doc="月份：日期、2026-02 或 202602 The month: a date, 2026-02 or 202602")
@xw.arg("country", doc="日历国家代码，默认 CN Calendar country code, default CN")
@xw.arg("unit", doc="取整单位，默认 1；0.01 即到分 Rounding unit, default 1; 0.01 for cents")
def SALESXL_DAILY_SPLIT(total: Any, month: Any, country: Any = "CN",  # noqa: N802
                        unit: Any = 1.0) -> Any:
    """把月目标按工作日平均拆分：每个工作日一行（日期, 金额）。The month's target per working day: one row (date, amount) per day."""
    when, total, unit = month_of(month), number_of(total, TOTAL), number_of(unit, UNIT)
    if error := first_error(when, total, unit):
        return error
    days, problems = month_calendar(when, str(country or "CN").strip().upper())
    if problems:
        return udf_error(problems[0].message_zh, problems[0].message_en)
    split = split_by_workdays(total, days, unit)
    worked = split[split["weight"] > 0]
    return [[day.to_pydatetime(), float(amount)] for day, amount in zip(worked["date"], worked["target"])]


@xw.func(category=CATEGORY)
@xw.arg("budget", doc="年度预算中该月的金额 The annual budget's amount for the month")
@xw.arg("history", ndim=1, doc="去年、前年、大前年同月销售，3格，空白=无数据 Same month 1, 2 and 3 years ago: 3 cells, blank = no sales")
@xw.arg("industry_growth", doc="行业年增长率，如 10% The industry's annual growth rate, e.g. 10%")
@xw.arg("benchmark_growth", doc="标杆竞品年增长率 The benchmark competitor's annual growth rate")
@xw.arg("weights", ndim=1, doc="四项权重：预算、历史、行业、标杆，4格，合计100% The four weights: budget, history, industry, benchmark; 4 cells summing to 100%")
@xw.arg("method", doc="历史同期算法：trend 趋势（默认）或 average 加权平均 History method: trend (default) or average")
@xw.arg("year_weights", ndim=1, doc="三年的权重，3格，默认 50%/30%/20% Weights of the three years: 3 cells, default 50%/30%/20%")
@xw.arg("unit", doc="取整单位，空白不取整 Rounding unit; blank = no rounding")
def SALESXL_MONTH_TARGET(budget: Any, history: Any, industry_growth: Any, benchmark_growth: Any,  # noqa: N802
                         weights: Any, method: Any = "trend", year_weights: Any = None, unit: Any = None) -> Any:
    """当月目标：年度预算、历史同期、行业增长、标杆增长四项加权（参考因素表）。The month target from the four weighted factors."""
    budget = optional_number(budget, AMOUNT)
    history = cells(history, 3, HISTORY)
    rates = [optional_number(r, RATE) for r in (industry_growth, benchmark_growth)]
    weights = cells(weights, 4, WEIGHTS)
    year_weights = cells(year_weights, 3, WEIGHTS) if year_weights is not None else [0.5, 0.3, 0.2]
    unit = optional_number(unit, UNIT)
    if error := first_error(budget, history, *rates, weights, year_weights, unit):
        return error
    if any(w is None for w in weights) or any(w is None for w in year_weights):
        return udf_error("权重不能为空", "a weight is blank")
    try:
        return month_target_value(budget, *history, *rates, *weights, str(method or "trend").strip().lower(),
                                  *year_weights, unit=unit)
    except ValueError as exc:  # the core's message is already bilingual
        return f"#salesxl! {exc}"


# Month-end close: the same rules as salesxl close (salesxl.core.payout) ---------------------------
# Attainments are plain numbers as Excel hands them over: a cell showing 105% is 1.05.

@xw.func(category=CATEGORY)
@xw.arg("actual", doc="实际销售 Actual sales, e.g. 112000")
@xw.arg("target", doc="目标（须大于0） The target (above 0), e.g. 100000")
def SALESXL_ATTAINMENT(actual: Any, target: Any) -> Any:  # noqa: N802
    """达成率 = 实际 ÷ 目标（与月末考核相同）。Attainment = actual ÷ target, as the month-end close measures it."""
    actual, target = number_of(actual, ACTUAL), number_of(target, TARGET)
    if error := first_error(actual, target):
        return error
    result = attainment(actual, target)
    return udf_error("目标须大于0", "the target must be above 0") if result is None else result


@xw.func(category=CATEGORY)
@xw.arg("attainment", doc="达成率，如 105% The attainment, e.g. 105%")
@xw.arg("base", doc="基础档达成率，默认 100% Base tier as an attainment, default 100%")
@xw.arg("challenge", doc="挑战档达成率，默认 110% Challenge tier, default 110%")
@xw.arg("sprint", doc="冲刺档达成率，默认 120% Sprint tier, default 120%")
def SALESXL_TIER(attainment: Any, base: Any = 1.0, challenge: Any = 1.1, sprint: Any = 1.2) -> Any:  # noqa: N802
    """达到的最高档位（恰好达到即算达到）：冲刺/挑战/基础/未达基础。The highest tier reached (exactly reaching counts)."""
    value = number_of(attainment, ATTAINMENT)
    tiers = [optional_or(v, ATTAINMENT, d) for v, d in ((base, 1.0), (challenge, 1.1), (sprint, 1.2))]
    if error := first_error(value, *tiers):
        return error
    return TIER_LABEL[tier_reached(value, *tiers)]


@xw.func(category=CATEGORY)
@xw.arg("actual", doc="实际销售 Actual sales")
@xw.arg("target", doc="目标（须大于0） The target (above 0)")
@xw.arg("tiers", ndim=1, doc="基础、挑战、冲刺三档金额，3格 The base, challenge and sprint amounts: 3 cells")
@xw.arg("bonuses", ndim=1, doc="达到各档的奖金，3格，空白=无 The bonus for reaching each tier: 3 cells, blank = none")
@xw.arg("rates", ndim=1, doc="各档起的提成比例，3格；linear 时为各档的奖金比例（占目标奖金） Commission rate from each tier on: 3 cells; for linear, the payout at each tier as a share of the target incentive")
@xw.arg("mode", doc="提成方式：flat 整体（默认）、step 分段、linear 曲线 Commission mode: flat (default), step or linear")
@xw.arg("target_incentive", doc="目标奖金（linear 用） The target incentive a linear curve pays shares of")
@xw.arg("cap", doc="奖励封顶金额，空白不封顶 The most the reward can be; blank = no cap")
@xw.arg("floor", doc="处罚线：基础档达成率低于此值扣款，如 80% Floor: below this attainment of base, the penalty is deducted, e.g. 80%")
@xw.arg("penalty", doc="低于处罚线的扣款金额 The amount deducted below the floor")
def SALESXL_PAYOUT(actual: Any, target: Any, tiers: Any, bonuses: Any = None, rates: Any = None,  # noqa: N802
                   mode: Any = "flat", target_incentive: Any = None, cap: Any = None, floor: Any = None,
                   penalty: Any = None) -> Any:
    """净发放：档位奖金 + 提成 − 封顶 − 扣款，与月末考核的规则相同。Net payout of a tier plan, settled as the month-end close settles it."""
    actual, target = number_of(actual, ACTUAL), number_of(target, TARGET)
    tiers = cells(tiers, 3, TIERS)
    bonuses = cells(bonuses, 3, BONUSES) if bonuses is not None else [None] * 3
    rates = cells(rates, 3, RATES) if rates is not None else [None] * 3
    numbers = [optional_number(v, c) for v, c in ((target_incentive, MONEY), (cap, MONEY), (floor, ATTAINMENT),
                                                  (penalty, MONEY))]
    if error := first_error(actual, target, tiers, bonuses, rates, *numbers):
        return error
    mode = str(mode or "flat").strip().lower()
    if mode not in COMMISSION_MODES:
        return udf_error(f"提成方式“{mode}”须为 flat、step 或 linear", f"the mode '{mode}' must be flat, step or linear")
    if not target > 0:
        return udf_error("目标须大于0", "the target must be above 0")
    if any(t is None for t in tiers):
        return udf_error("三档金额不能为空", "a tier amount is blank")
    target_incentive, cap, floor, penalty = numbers
    if mode == "linear" and any(rates) and not target_incentive:
        return udf_error("linear 曲线需要目标奖金", "a linear curve needs the target incentive")
    return payout(actual, target, *tiers, bonus=bonuses, rate=rates, mode=mode, cap=cap,
                  target_incentive=target_incentive or 0.0, floor=floor, floor_penalty=penalty or 0.0)
