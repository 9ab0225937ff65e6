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

The README's function reference lists exactly the functions decorated here; a
test parses this module and compares.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

import pandas as pd

from .core.allocation import AllocationError, allocate
from .core.calendar import month_calendar, split_by_workdays, working_days
from .core.formulas import month_target_value
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
