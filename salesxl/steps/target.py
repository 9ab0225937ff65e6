"""月度目标 Month target (steps 1–2): the month's draft target and its structure.

Reads the Settings, Budget, Factors, History, Products, RoleMix and Regions
sheets, computes the four-factor target and splits it by role, SKU and region
(:func:`salesxl.core.plan.draft_plan`), then writes ``月度目标 Month Target``,
``任务结构 Target Structure`` and one more row on ``版本 Versions`` — all in
one save, and only when the input has no errors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from ..core.plan import PLAN_SHEETS, draft_plan
from ..core.settings import Settings
from ..core.versions import input_fingerprint
from ..problems import Problem, problem
from ..reports.target import month_target_sheet, structure_sheet
from ..reports.versions import versions_with_run
from ..workbook.backend import WorkbookBackend
from ..workbook.cells import BLANK, parse_cell
from ..workbook.contract import setting
from ..workbook.reader import Inputs
from . import Progress, StepResult, quiet, run_step

STEP_NAME = "target 月度目标"
PLAN_MONTH = setting("plan_month").as_column()


def parse_month(text: str) -> pd.Period | None:
    """``2026-12``, ``2026/12``, ``202612`` or ``2026年12月`` -> a month, read as the Settings sheet's plan month
    is read (a date gives its month); anything else -> None."""
    month, issue = parse_cell(PLAN_MONTH, text)
    return None if month is BLANK or (issue is not None and issue[0] == "error") else month


def planned_month(settings: Settings, month: pd.Period | str | None) -> tuple[Settings, list[Problem]]:
    """The settings with ``month`` as the plan month instead of the Settings sheet's (None: the sheet's),
    or an error when ``month`` is not a month."""
    if month is None:
        return settings, []
    chosen = month if isinstance(month, pd.Period) else parse_month(month)
    if chosen is None:
        return settings, [problem(None, None, None, "not-a-month", f"“{month}”不是月份，请写成 2026-12",
                                  f"'{month}' is not a month; write it as 2026-12")]
    return dataclasses.replace(settings, plan_month=chosen), []


def target(book: WorkbookBackend, progress: Progress = quiet, month: pd.Period | str | None = None,
           now: dt.datetime | None = None) -> StepResult:
    """月度目标 Month target: compute the draft target and its structure, write both sheets.

    ``month`` overrides the Settings sheet's plan month.
    """
    def plan(inputs: Inputs):
        settings, problems = planned_month(inputs.settings, month)
        if problems:
            return [], problems, ""
        tables = {key: inputs.tables[key] for key in PLAN_SHEETS if key != "settings"}
        month_target, structure, problems = draft_plan(tables, settings)
        if any(p.severity == "error" for p in problems):
            return [], problems, ""
        parameters = {
            "method": settings.history_method,
            "weights": [month_target.weights[k] for k in ("budget", "history", "industry", "benchmark")],
            "year_weights": [settings.year_weight_1, settings.year_weight_2, settings.year_weight_3],
            "alpha": settings.region_history_weight,
            "region_split": structure.region_basis,
            "reserve": settings.new_product_reserve,
            "unit": settings.rounding_unit,
        }
        versions = versions_with_run(book, STEP_NAME, month_target.month, parameters,
                                     input_fingerprint(tables, settings), month_target.total, now)
        outputs = [month_target_sheet(month_target, settings), structure_sheet(month_target, structure, settings),
                   versions]
        summary = (f"{month_target.month} 月度目标 month target: {month_target.total:,.2f}"
                   + (f" (较去年同期 vs last year {month_target.growth_vs_last_year:+.1%})"
                      if month_target.growth_vs_last_year is not None else ""))
        return outputs, problems, summary

    return run_step(book, PLAN_SHEETS, plan, progress)
