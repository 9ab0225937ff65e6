"""总览 Dashboard: the month on one page, written to ``总览 Dashboard``.

The dashboard reads back what the other steps wrote (Month Target, Target
Structure, Progress, Performance, Expense Budget and Ledger, Follow-up Plan,
Agreed Targets) rather than computing it again: it then always agrees with the
sheets the planner can audit, it is quick, and a missing sheet says plainly
which step has not run. Only last year's same month by role and region is
taken from History, since no output sheet holds it.
"""

from __future__ import annotations

from ..core.calendar import month_calendar
from ..core.dashboard import dashboard as gather
from ..problems import Problem
from ..reports.dashboard import dashboard_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, find_sheet, read_inputs
from ..workbook.contract.dashboard import DASHBOARD_READBACK
from . import Progress, StepResult, quiet, run_step

DASHBOARD_INPUTS = ("settings", "calendar", "history", "products")


def dashboard(book: WorkbookBackend, progress: Progress = quiet) -> StepResult:
    """总览 Dashboard: gather the month's figures from the written sheets onto one printable page."""
    def plan(inputs: Inputs):
        sheets, problems = read_back(book)
        month = sheets["dash_month_target"]["month"].iloc[0] if sheets["dash_month_target"] is not None else None
        calendar = None
        if month is not None:
            calendar, found = month_calendar(month, inputs.settings.country, inputs["calendar"])
            problems += found
            calendar = calendar if len(calendar) else None
        board = gather(sheets, inputs["history"], inputs["products"], calendar)
        shown = [b for b in (board.build_up, board.roles, board.regions, board.progress, board.reps,
                             board.expenses) if b is not None]
        summary = (f"{board.month or ''} 总览 dashboard: {len(shown)}/6 图表 charts"
                   + (f"，{len(board.notes)} 项待运行 steps to run" if board.notes else ""))
        return [dashboard_sheet(board, inputs.settings.currency)], problems, summary

    return run_step(book, DASHBOARD_INPUTS, plan, progress)


def read_back(book: WorkbookBackend) -> tuple[dict, list[Problem]]:
    """Each read-back table, or None when its sheet (or one of its columns) is not there.

    An unreadable cell on an output sheet (say, a number typed over with text) is a warning: that
    figure is left blank on the dashboard, which is still written.
    """
    found, problems = read_inputs(book, schemas=DASHBOARD_READBACK)
    names = book.sheet_names()
    sheets = {}
    for schema in DASHBOARD_READBACK:
        layout = found.layouts[schema.key]
        there = find_sheet(schema, names) is not None and all(
            c.key in layout.columns for c in schema.columns if c.required)
        sheets[schema.key] = found.tables[schema.key] if there else None
    kept = [p.at(severity="warning") for p in problems
            if p.code not in ("missing-sheet", "missing-column") and p.severity == "error"]
    return sheets, kept + [p for p in problems if p.severity != "error"]
