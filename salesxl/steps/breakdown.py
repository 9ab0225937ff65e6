"""正式下达 Breakdown: release the month's target to every rep, outlet, product and working day.

Reads the input sheets, takes the month's draft target and its structure from
:func:`salesxl.core.plan.draft_plan` (steps 1–2), splits them down with
:func:`salesxl.core.breakdown.break_down`, and writes ``业务员目标 Rep Targets``,
``网点目标 Outlet Targets`` and ``日目标 Daily Targets``. Nothing is written when
any input or split has an error. Once the agreement step has written
``目标确认 Agreed Targets`` for the plan month, the agreed rep targets replace the
draft (the agreement step itself passes them as ``agreed``).
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from ..core.breakdown import break_down
from ..core.plan import PLAN_SHEETS, draft_plan
from ..problems import Problem, has_errors
from ..reports.breakdown import breakdown_sheets
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, read_inputs
from ..workbook.schema import normalise_label
from ..workbook.sheets import ISSUED_AGREED_TARGETS, SETTINGS
from . import Progress, StepResult, quiet, run_step

BREAKDOWN_SHEETS = tuple(dict.fromkeys(PLAN_SHEETS + ("reps", "outlets", "calendar")))
"""The input sheets the release reads: the draft plan's, plus reps, outlets and the calendar."""


def breakdown(book: WorkbookBackend, progress: Progress = quiet, agreed: pd.DataFrame | None = None) -> StepResult:
    """正式下达 Breakdown: split the month's target to reps, outlets, products and working days.

    Without ``agreed``, the agreed targets on ``目标确认 Agreed Targets`` for the plan month
    (written by the agreement step) replace the draft, when that sheet exists.
    """

    def plan(inputs: Inputs):
        chosen, problems = (agreed, []) if agreed is not None else agreed_on_sheet(book, inputs)
        if has_errors(problems):
            return [], problems, ""
        result, sheets, found, summary = release(inputs, chosen, progress)
        return sheets, problems + found, summary

    return run_step(book, BREAKDOWN_SHEETS, plan, progress)


def release(inputs: Inputs, agreed: pd.DataFrame | None, progress: Progress = quiet):
    """The draft plan broken down (with ``agreed`` rep targets when given): result, sheets, problems, summary."""
    month_target, structure, problems = draft_plan(inputs.tables, inputs.settings)
    if has_errors(problems):
        return None, [], problems, ""
    progress("拆分到业务员、网点、产品和工作日 Splitting to reps, outlets, products and days")
    result, found = break_down(month_target.total, structure.regions, structure.skus, inputs.tables,
                               inputs.settings, agreed)
    problems = problems + settings_rows(found, inputs)
    if result is None or has_errors(problems):
        return None, [], problems, ""
    unit = float(inputs.settings.get("rounding_unit") or 1.0)
    sheets = breakdown_sheets(result, unit, str(inputs.settings.get("currency") or "CNY"))
    summary = (f"{result.month} 月度目标 month target {result.total:,.2f}: {len(result.reps)} 名业务员 reps, "
               f"{len(result.outlets)} 个网点 outlets, {result.calendar['working'].sum()} 个工作日 working days")
    return result, sheets, problems, summary


def agreed_on_sheet(book: WorkbookBackend, inputs: Inputs) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The plan month's agreed rep targets (``rep_id``, ``target``) from 目标确认 Agreed Targets, if any.

    Rows for another month are ignored (an agreement from an earlier month does not
    bind this one). The sheet's layout is registered as ``agreement`` so problems the
    breakdown finds in it (an agreed rep no longer active) point at its cells.
    """
    read, problems = read_inputs(book, schemas=[ISSUED_AGREED_TARGETS])
    frame = read.tables["agreed_targets"]
    inputs.layouts["agreement"] = read.layouts["agreed_targets"]
    if has_errors(problems) or not len(frame):
        return None, problems
    month = pd.Period(inputs.settings["plan_month"], freq="M")
    mine = frame[[m is not None and pd.Period(m, freq="M") == month for m in frame["month"]]]
    if not len(mine):
        return None, problems
    return mine[["rep_id", "agreed"]].rename(columns={"agreed": "target"}), problems


def settings_rows(problems: Iterable[Problem], inputs: Inputs) -> list[Problem]:
    """Point problems about a setting (column = the setting's key) at its value cell on Settings."""
    frame = inputs.tables.get("settings")
    rows = {}
    if frame is not None and len(frame):
        by_label = {normalise_label(k): row for row, k in frame["key"].items() if k is not None}
        for s in SETTINGS:
            spellings = {normalise_label(x) for x in (s.key, s.zh, s.en, s.label)}
            rows[s.key] = next((by_label[x] for x in spellings if x in by_label), None)
    located = []
    for p in problems:
        if p.sheet == "settings" and p.column in rows:
            p = p.at(row=None if rows[p.column] is None else int(rows[p.column]), column="value")
        located.append(p)
    return located
