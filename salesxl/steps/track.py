"""进度跟踪 Track: the month to date against the issued targets, written to ``进度 Progress``.

Reads the reps' daily logs and the actual sales, and the targets as the
breakdown issued them (``业务员目标 Rep Targets``, ``网点目标 Outlet Targets``,
``日目标 Daily Targets``). Without those sheets there is nothing to track
against: the planner is told to run the breakdown first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import pandas as pd

from ..core.calendar import month_calendar
from ..core.tracking import default_as_of, track as track_progress
from ..problems import Problem, has_errors
from ..reports.tracking import progress_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, find_sheet, read_inputs
from ..terms import normalise_label
from ..workbook.contract import setting
from ..workbook.contract.breakdown import ISSUED_SHEETS
from ..workbook.contract.expenses import ISSUED_EXPENSE_BUDGET
from ..workbook.contract.tracking import PROGRESS
from ..workbook.overflow import SummedView, spill_oversized

PLAN_MONTH = setting("plan_month")
from . import Progress, StepResult, quiet, run_step

TRACK_INPUTS = ("settings", "calendar", "regions", "reps", "outlets", "products", "actuals", "daily_log")
PROGRESS_SUMMED_VIEWS = {
    PROGRESS.key: (SummedView("核心店×产品 Core outlet × SKU", ("rep_id", "sku"), "业务员×产品", "rep × SKU",
                              "core_outlet_skus"),),
}
"""How the Progress sheet shows its core outlet × SKU lines when they pass Excel's row limit (a large company's
release has more of them than a sheet holds): summed by rep × SKU, every line in Parquet beside the workbook."""


def track(book: WorkbookBackend, progress: Progress = quiet, as_of: Any = None) -> StepResult:
    """进度跟踪 Track: month-to-date progress, forecasts and flags as of the end of ``as_of``.

    ``as_of`` defaults to the last day with sales or log entries in the plan month.
    """
    def plan(inputs: Inputs):
        issued, problems = read_issued(book, inputs)
        when, found = as_of_date(as_of, inputs, inputs["actuals"]["date"], inputs["daily_log"]["date"])
        problems += found
        calendar, found = month_calendar(inputs.settings.plan_month, inputs.settings.country,
                                         inputs["calendar"])
        problems += found
        if has_errors(problems):
            return [], problems, ""
        budget, found = read_expense_budget(book, inputs)
        problems += found
        if has_errors(problems):
            return [], problems, ""
        result, found = track_progress(issued.tables, inputs["actuals"], inputs["daily_log"], inputs["products"],
                                       inputs["reps"], calendar, inputs.settings, when, budget)
        problems += [at_plan_month(p, inputs) for p in found]
        if result is None:
            return [], problems, ""
        outlets = inputs["outlets"]
        sheet = progress_sheet(result, inputs.settings.plan_month, dict(zip(outlets["outlet_id"], outlets["name"])),
                               inputs.layouts["daily_log"].sheet_name, inputs.settings.run_rate_days)
        company = result.company.iloc[0]
        summary = (f"截至 as of {result.clock.as_of:%Y-%m-%d}: 实际 actual {company['actual']:,.0f} / "
                   f"目标 target {company['target']:,.0f}（{company['attainment']:.1%}），进度比 pace "
                   f"{company['pace']:.1%}，预警 flags {len(result.flags)}")
        sheets, spilled = spill_oversized([sheet], book.path, PROGRESS_SUMMED_VIEWS)
        return sheets, problems + spilled, summary

    return run_step(book, TRACK_INPUTS, plan, progress)


def read_issued(book: WorkbookBackend, inputs: Inputs, only: Iterable[str] | None = None
                ) -> tuple[Inputs, list[Problem]]:
    """The targets as the breakdown issued them (the tables ``only`` names, or all); their layouts join
    ``inputs`` so core problems can be located.

    A missing issued sheet or column means the breakdown has not run (or ran with an older salesxl): the
    problem says to run it first.
    """
    issued, problems = read_inputs(book, schemas=ISSUED_SHEETS, only=only)
    inputs.layouts.update(issued.layouts)
    told, out = set(), []
    for p in problems:
        if p.code in ("missing-sheet", "missing-column"):
            if p.sheet in told:
                continue
            told.add(p.sheet)
            p = p.at(code="run-breakdown-first",
                     message_zh=f"{p.message_zh}；请先运行分解（salesxl breakdown）下达目标",
                     message_en=f"{p.message_en}; run the breakdown first (salesxl breakdown) to issue the targets")
        out.append(p)
    return issued, out


def read_expense_budget(book: WorkbookBackend, inputs: Inputs) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The issued ``费用预算 Expense Budget`` lines when the expenses step has written them; else None.

    With them, "expense ahead of sales" compares each rep's share of budget spent with their share of
    target achieved; without them it falls back to the expense-to-sales ratio.
    """
    if find_sheet(ISSUED_EXPENSE_BUDGET, book.sheet_names()) is None:
        return None, []
    budget, problems = read_inputs(book, schemas=(ISSUED_EXPENSE_BUDGET,))
    inputs.layouts.update(budget.layouts)
    return budget.tables["expense_budget"], problems


def as_of_date(as_of: Any, inputs: Inputs, *dated: pd.Series) -> tuple[pd.Timestamp | None, list[Problem]]:
    """The as-of day asked for, or by default the last day with data in the plan month."""
    month = inputs.settings.plan_month
    if as_of is None:
        return default_as_of(month, pd.Timestamp(dt.date.today()), *dated), []
    try:
        return pd.Timestamp(as_of).normalize(), []
    except (TypeError, ValueError):
        return None, [Problem(None, None, None, "bad-as-of", f"截至日期“{as_of}”无法识别，请写成 2026-12-11",
                              f"the as-of date '{as_of}' is not a date; write it as 2026-12-11")]


def at_plan_month(p: Problem, inputs: Inputs) -> Problem:
    """An as-of date outside the plan month points at the plan month's row on Settings."""
    if p.code != "as-of-outside-month":
        return p
    labels = {normalise_label(x) for x in (PLAN_MONTH.key, PLAN_MONTH.zh, PLAN_MONTH.en, PLAN_MONTH.label)}
    keys = inputs["settings"]["key"]
    rows = [row for row, key in keys.items() if key is not None and normalise_label(key) in labels]
    return p.at(row=int(rows[0])) if rows else p
