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

import datetime as dt
from typing import Any

import xlwings as xw

from .core.allocation import AllocationError, allocate
from .core.workdays import UnknownCountry, daily_split, working_days
from .workbook.cells import BLANK, parse_cell
from .workbook.schema import Column

CATEGORY = "salesxl"
MONTH = Column("month", "月份", "Month", "month")
TOTAL = Column("total", "总数", "Total", "decimal", minimum=0)
UNIT = Column("unit", "取整单位", "Rounding unit", "decimal", minimum=0.0001)


def udf_error(zh: str, en: str) -> str:
    """What a UDF shows instead of a result when its arguments are wrong."""
    return f"#salesxl! {zh} / {en}"


def month_of(value: Any) -> tuple[int, int] | str:
    """``(year, month)`` from a date, ``2026-02``, ``2026年2月`` or ``202602``; else an error text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel hands every number over as a float
    parsed, issue = parse_cell(MONTH, value)
    if parsed is BLANK or (issue and issue[0] == "error"):
        zh, en = (issue[2], issue[3]) if issue else ("缺少月份", "the month is missing")
        return udf_error(zh, en)
    return parsed.year, parsed.month


def number_of(value: Any, column: Column) -> float | str:
    """A number typed as a number or as text (``30.9万``, ``¥1,234``); else an error text."""
    parsed, issue = parse_cell(column, value)
    if parsed is BLANK or (issue and issue[0] == "error"):
        zh, en = (issue[2], issue[3]) if issue else (f"缺少{column.zh}", f"the {column.en.lower()} is missing")
        return udf_error(zh, en)
    return float(parsed)


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
    try:
        return len(working_days(*when, country=str(country or "CN")))
    except UnknownCountry:
        return udf_error(f"未知的日历国家“{country}”", f"unknown calendar country '{country}'")


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
    try:
        days = daily_split(total, *when, country=str(country or "CN"), unit=unit)
    except UnknownCountry:
        return udf_error(f"未知的日历国家“{country}”", f"unknown calendar country '{country}'")
    except AllocationError as exc:
        return udf_error("无法拆分", str(exc))
    return [[dt.datetime.combine(day, dt.time()), amount] for day, amount in days]
