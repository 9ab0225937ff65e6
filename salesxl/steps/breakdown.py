"""正式下达 Breakdown: release the month's target to every rep, outlet, product and working day.

Reads the input sheets, takes the month's draft target and its structure from
:func:`salesxl.core.plan.draft_plan` (steps 1–2), splits them down with
:func:`salesxl.core.breakdown.break_down`, and writes ``业务员目标 Rep Targets``,
``网点目标 Outlet Targets`` and ``日目标 Daily Targets``, and logs the release on
``版本 Versions``. Nothing is written when any input or split has an error.
Once the agreement step has written ``目标确认 Agreed Targets`` for the plan
month, the agreed rep targets replace the draft (the agreement step itself
passes them as ``agreed``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..core.breakdown import break_down
from ..core.plan import PLAN_SHEETS, draft_plan
from ..core.versions import input_fingerprint
from ..problems import Problem, has_errors
from ..reports.breakdown import breakdown_sheets
from ..reports.versions import versions_with_run
from ..workbook.backend import WorkbookBackend
from ..workbook.overflow import SummedView, spill_oversized
from ..workbook.reader import Inputs, read_inputs
from ..workbook.contract.agree import ISSUED_AGREED_TARGETS
from ..workbook.contract.breakdown import DAILY_TARGETS, OUTLET_TARGETS
from . import Progress, StepResult, quiet, run_step
from .target import planned_month

STEP_NAME = "breakdown 正式下达"
RELEASE_PARAMETERS = ("rep_method", "sku_method", "outlet_method", "outlet_history_weight", "history_window_months",
                      "new_rep_share", "new_rep_months", "fit_prior", "weekday_pattern", "reference_offset",
                      "tier_base", "tier_challenge", "tier_sprint", "rounding_unit")
"""The settings a release depends on, written to its Versions row."""

BREAKDOWN_SHEETS = tuple(dict.fromkeys(PLAN_SHEETS + ("reps", "outlets", "calendar")))
"""The input sheets the release reads: the draft plan's, plus reps, outlets and the calendar."""


def breakdown(book: WorkbookBackend, progress: Progress = quiet, month: pd.Period | str | None = None,
              agreed: pd.DataFrame | None = None, now: dt.datetime | None = None) -> StepResult:
    """正式下达 Breakdown: split the month's target to reps, outlets, products and working days.

    ``month`` overrides the Settings sheet's plan month; ``agreed`` (``rep_id``, ``target``)
    replaces the draft rep targets it names — without it, the agreed targets on
    ``目标确认 Agreed Targets`` for the plan month do, when that sheet exists. Each
    release appends a row to ``版本 Versions`` (its settings, an input fingerprint and
    the total released), in the same save.
    """

    def plan(inputs: Inputs):
        # the title block shows the month released, so the override is the run's settings
        inputs.settings, problems = planned_month(inputs.settings, month)
        if problems:
            return [], problems, ""
        chosen, problems = (agreed, []) if agreed is not None else agreed_on_sheet(book, inputs)
        if has_errors(problems):
            return [], problems, ""
        result, sheets, found, summary = release(inputs, chosen, progress)
        problems = problems + found
        if result is None:
            return [], problems, ""
        sheets, spilled = spill_release(book, sheets)
        sheets.append(release_version(book, inputs, result, chosen, now))
        return sheets, problems + spilled, summary

    return run_step(book, BREAKDOWN_SHEETS, plan, progress)


def release_version(book: WorkbookBackend, inputs: Inputs, result, agreed: pd.DataFrame | None,
                    now: dt.datetime | None = None):
    """The Versions sheet with this release's row: its settings, an input fingerprint and the total."""
    settings = inputs.settings
    parameters = {key: getattr(settings, key) for key in RELEASE_PARAMETERS}
    parameters["agreed"] = 0 if agreed is None else len(agreed)
    tables = {key: inputs.tables[key] for key in BREAKDOWN_SHEETS if key != "settings"}
    if agreed is not None:
        tables["agreed"] = agreed
    return versions_with_run(book, STEP_NAME, result.month, parameters, input_fingerprint(tables, settings),
                             result.total, now)


RELEASE_SUMMED_VIEWS = {
    OUTLET_TARGETS.key: (SummedView("核心店×产品目标 Core outlet × SKU targets", ("rep_id", "sku"), "业务员×产品",
                                    "rep × SKU", "core_outlet_sku_targets"),
                         SummedView("网点目标 Outlet targets", ("rep_id",), "业务员", "rep", "outlet_targets")),
    DAILY_TARGETS.key: (SummedView("业务员日目标 Rep daily targets", ("date",), "日期", "day", "daily_targets"),),
}
"""How the release's long tables show on their sheet when they pass Excel's row limit (issue 12)."""


def spill_release(book: WorkbookBackend, sheets: list) -> tuple[list, list[Problem]]:
    """The release sheets with any table too long for a sheet moved to Parquet beside the workbook."""
    return spill_oversized(sheets, book.path, RELEASE_SUMMED_VIEWS)


def release(inputs: Inputs, agreed: pd.DataFrame | None, progress: Progress = quiet):
    """The draft plan broken down (with ``agreed`` rep targets when given): result, sheets, problems, summary."""
    month_target, structure, problems = draft_plan(inputs.tables, inputs.settings)
    if has_errors(problems):
        return None, [], problems, ""
    progress("拆分到业务员、网点、产品和工作日 Splitting to reps, outlets, products and days")
    result, found = break_down(month_target.total, structure.regions, structure.skus, inputs.tables,
                               inputs.settings, agreed)
    problems = problems + found
    if result is None or has_errors(problems):
        return None, [], problems, ""
    sheets = breakdown_sheets(result, float(inputs.settings.rounding_unit), str(inputs.settings.currency))
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
    month = pd.Period(inputs.settings.plan_month, freq="M")
    mine = frame[[m is not None and pd.Period(m, freq="M") == month for m in frame["month"]]]
    if not len(mine):
        return None, problems
    return mine[["rep_id", "agreed"]].rename(columns={"agreed": "target"}), problems
