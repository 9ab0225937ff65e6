"""Reading one cell as a planner meant it.

Planners type numbers the way they say them. The rules, also stated in the
docs' "Typing numbers, percentages and dates" (docs/getting-started/workbook.md):

* **Amounts** accept numbers, and text such as ``30.9万`` (= 309,000),
  ``1.2亿``, ``5千``, ``¥1,234.50``, ``１２３４`` (full-width) or ``(1,234)``
  (accounting negative). Text that reads as a number is accepted, with a
  notice saying how it was read. Anything else is an error.
* **Percentages** accept ``15%`` (text or a percent-formatted cell) and
  ``0.15``. A bare number whose size is above 1 is read as percentage points:
  ``15`` means 15 %, with a notice. So ``1`` means 100 % and ``0.5`` means 50 %.
  A number up to 10 in a cell formatted as a percentage is read as Excel
  shows it: ``1.2`` shown as ``120%`` is 120 %. In a column where values
  above 100 % are usual (``Column.ambiguous_up_to``: the Incentive Rules'
  thresholds), a bare number above 1 and up to 5 is refused as ambiguous:
  ``1.05`` could be 105 % or 1.05 %.
* **Dates** accept real Excel dates, Excel serial numbers (1900 or 1904 date
  system, with a notice), and text as ``2026-02-01``, ``2026/2/1``,
  ``2026.2.1``, ``2026年2月1日`` or ``20260201``. Day-first or month-first text
  such as ``01/02/2026`` is ambiguous and rejected.
* **Months** accept any date (its month), ``2026-02``, ``2026/2``,
  ``2026年2月`` and ``202602``.
* **Yes/no** accepts 是/否, yes/no, y/n, true/false, 1/0, √/×.

Each parser returns ``(value, issue)``; an issue is ``(severity, code, zh, en)``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from .schema import Column

Issue = tuple[str, str, str, str]  # severity, code, message_zh, message_en

PERCENT_FORMAT_LIMIT = 10
"""In a percent-formatted cell, numbers up to this (1000 %) are fractions as Excel shows them."""

BLANK = object()
"""Marker for an empty cell."""

EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA"}

MULTIPLIERS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000)}
CURRENCY_MARKS = ("¥", "$", "rmb", "cny", "元")

YES = {"是", "有", "对", "√", "✓", "✔", "y", "yes", "true", "1", "on", "真"}
NO = {"否", "无", "不", "×", "✗", "✘", "n", "no", "false", "0", "off", "假"}


def parse_cell(column: Column, raw: Any, date1904: bool = False,
               percent_format: bool = False) -> tuple[Any, Issue | None]:
    """Parse one raw cell value for ``column``; blank cells give ``BLANK``.

    ``percent_format``: the cell is formatted as a percentage, so a number in it up
    to ``PERCENT_FORMAT_LIMIT`` is the fraction Excel shows (1.2 shows as 120 %);
    a bigger one (15 shown as 1500 %) was surely meant as percentage points.
    """
    if is_blank(raw):
        return BLANK, None
    if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
        return BLANK, ("error", "excel-error", f"单元格是错误值 {raw.strip()}，请修正公式或数据",
                       f"the cell holds the error value {raw.strip()}; fix the formula or data")
    if (percent_format and column.type == "percent" and isinstance(raw, (int, float)) and not isinstance(raw, bool)
            and abs(raw) <= PERCENT_FORMAT_LIMIT):
        value, issue = float(raw), None
    else:
        value, issue = PARSERS[column.type](column, raw, date1904)
    if issue is None or issue[0] != "error":
        bound = check_bounds(column, value)
        if bound:
            return value, bound
    return value, issue


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and raw.strip() == ""


def as_text(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None  # an id typed as a number: 1001.0 -> "1001"
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.strftime("%Y-%m-%d"), None
    return str(raw).strip(), None


def as_any(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    return raw, None


def as_decimal(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    if isinstance(raw, bool):
        return BLANK, not_a_number(raw)
    if isinstance(raw, (int, float)):
        return float(raw), None
    if isinstance(raw, (dt.date, dt.datetime)):
        return BLANK, not_a_number(raw)
    number = number_from_text(str(raw))
    if number is None:
        return BLANK, not_a_number(raw)
    return number, ("notice", "number-from-text", f"文本“{raw}”读作 {number:,.10g}",
                    f"text '{raw}' read as {number:,.10g}")


def as_integer(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    value, issue = as_decimal(column, raw, date1904)
    if value is BLANK:
        return value, issue
    if abs(value - round(value)) > 1e-9:
        return BLANK, ("error", "not-an-integer", f"“{raw}”不是整数", f"'{raw}' is not a whole number")
    return int(round(value)), issue


def as_percent(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    if isinstance(raw, str) and unicodedata.normalize("NFKC", raw).strip().endswith("%"):
        number = number_from_text(unicodedata.normalize("NFKC", raw).strip()[:-1])
        if number is None:
            return BLANK, not_a_number(raw)
        return number / 100, None
    value, issue = as_decimal(column, raw, date1904)
    if value is BLANK:
        return value, issue
    if abs(value) > 1 and column.ambiguous_up_to is not None and abs(value) <= column.ambiguous_up_to:
        big, small = f"{value * 100:g}%", f"{value:g}%"
        return BLANK, ("error", "ambiguous-percent",
                       f"“{raw}”有歧义：是 {big} 还是 {small}？请写成 {big} 或 {small}",
                       f"'{raw}' is ambiguous: {big} or {small}? Type {big} or {small}")
    if abs(value) > 1:
        return value / 100, ("notice", "percent-points", f"{raw} 大于1，按百分点读作 {value:g}%",
                             f"{raw} is above 1, read as {value:g} percent")
    return value, issue


def as_date(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    day, issue = any_date(raw, date1904)
    if day is not BLANK and not FIRST_DAY <= day <= LAST_DAY:
        return BLANK, not_a_date(raw)  # e.g. an amount typed in a date column, read as day 131,000 (year 2258)
    return day, issue


FIRST_DAY, LAST_DAY = pd.Timestamp("1800-01-01"), pd.Timestamp("2262-04-11")
"""The days a date column can hold (pandas' own range ends in 2262): anything beyond is not a date."""


def any_date(raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    if isinstance(raw, dt.datetime):
        return pd.Timestamp(raw.date()), None
    if isinstance(raw, dt.date):
        return pd.Timestamp(raw), None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        day = date_from_serial(raw, date1904)
        if day is None:
            return BLANK, not_a_date(raw)
        return day, ("notice", "date-from-serial", f"数字 {raw:g} 按Excel序列号读作 {day:%Y-%m-%d}",
                     f"number {raw:g} read as Excel serial date {day:%Y-%m-%d}")
    day = date_from_text(str(raw))
    if day is None:
        return BLANK, not_a_date(raw)
    return day, None


def as_month(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        m = re.fullmatch(r"(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))", text)
        if m and 1 <= int(m.group(2) or m.group(3)) <= 12:
            return pd.Period(year=int(m.group(1)), month=int(m.group(2) or m.group(3)), freq="M"), None
    if isinstance(raw, int) and 190001 <= raw <= 210012 and 1 <= raw % 100 <= 12:
        return pd.Period(year=raw // 100, month=raw % 100, freq="M"), None
    day, issue = as_date(column, raw, date1904)
    if day is BLANK:
        return BLANK, ("error", "not-a-month", f"“{raw}”不是月份，请写成 2026-02",
                       f"'{raw}' is not a month; write it as 2026-02")
    return day.to_period("M"), issue


def as_bool(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    if isinstance(raw, bool):
        return raw, None
    text = unicodedata.normalize("NFKC", str(raw)).strip().casefold()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if text in YES:
        return True, None
    if text in NO:
        return False, None
    return BLANK, ("error", "not-yes-no", f"“{raw}”不是 是/否", f"'{raw}' is not yes/no")


def as_choice(column: Column, raw: Any, date1904: bool) -> tuple[Any, Issue | None]:
    choice = column.choice_for(raw)
    if choice is None:
        allowed = "、".join(c.label for c in column.choices)
        return BLANK, ("error", "not-a-choice", f"“{raw}”不是可选值：{allowed}",
                       f"'{raw}' is not one of: {', '.join(c.key for c in column.choices)}")
    return choice.key, None


PARSERS = {
    "text": as_text, "any": as_any, "decimal": as_decimal, "integer": as_integer, "percent": as_percent,
    "date": as_date, "month": as_month, "bool": as_bool, "choice": as_choice,
}


def number_from_text(text: str) -> float | None:
    """``"30.9万"`` -> 309000.0; ``"¥1,234.5"`` -> 1234.5; ``"(12)"`` -> -12.0; else None."""
    s = unicodedata.normalize("NFKC", text).strip().casefold()
    for mark in CURRENCY_MARKS:
        s = s.replace(mark, "")
    s = re.sub(r"[\s,]", "", s)
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    multiplier = Decimal(1)
    if s and s[-1] in MULTIPLIERS:
        multiplier, s = MULTIPLIERS[s[-1]], s[:-1]
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", s):
        return None
    try:
        value = Decimal(s) * multiplier
    except InvalidOperation:
        return None
    return float(-value if negative else value)


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S",
                "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def date_from_text(text: str) -> pd.Timestamp | None:
    s = unicodedata.normalize("NFKC", text).strip()
    for fmt in DATE_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(s, fmt).date())
        except ValueError:
            continue
    return None


def date_from_serial(serial: float, date1904: bool) -> pd.Timestamp | None:
    """Excel's day number to a date, in the workbook's date system."""
    if not 1 <= serial <= 2_958_465:
        return None
    epoch = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    return pd.Timestamp(epoch + dt.timedelta(days=int(serial)))


LARGEST = 1e13
"""No number a planner types is above ten trillion (a whole country's sales in yuan are far below it):
beyond it, a cell is a typo (``1E+300``, a pasted ID), asked about rather than computed with."""


def check_bounds(column: Column, value: Any) -> Issue | None:
    if value is BLANK or not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if not abs(value) <= LARGEST:  # NaN and infinity too
        return ("error", "implausible-number", f"{value:,.6g} 大得不合常理（超过 10 万亿），是否输入有误？",
                f"{value:,.6g} is beyond any plausible figure (above 10 trillion); is this a typo?")
    shown = f"{value:.1%}" if column.type == "percent" else f"{value:,.10g}"
    if column.minimum is not None and value < column.minimum:
        low = f"{column.minimum:.0%}" if column.type == "percent" else f"{column.minimum:,g}"
        return ("error", "below-minimum", f"{shown} 小于下限 {low}", f"{shown} is below the minimum {low}")
    if column.maximum is not None and value > column.maximum:
        high = f"{column.maximum:.0%}" if column.type == "percent" else f"{column.maximum:,g}"
        return ("error", "above-maximum", f"{shown} 大于上限 {high}", f"{shown} is above the maximum {high}")
    return None


def not_a_number(raw: Any) -> Issue:
    return ("error", "not-a-number", f"“{raw}”不是数字", f"'{raw}' is not a number")


def not_a_date(raw: Any) -> Issue:
    return ("error", "not-a-date", f"“{raw}”不是日期，请写成 2026-02-01",
            f"'{raw}' is not a date; write it as 2026-02-01")
