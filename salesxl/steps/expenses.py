"""费用预算 Expenses and 费用审核 Expense review: step 5, expenses issued with the targets.

``expenses`` reads the Expense Policy and the issued ``业务员目标 Rep Targets``
(written by the breakdown; the step asks to run it first when it is missing) and
writes ``费用预算 Expense Budget``. ``expenses_review`` reads the request log and
the budget as issued (the budget sheet's lines table) and writes
``费用台账 Expense Ledger``; what is wrong with a decision is listed as a warning
with its row, and the ledger is written all the same.
"""

from __future__ import annotations

import pandas as pd

from ..core.expense_budget import expense_budget
from ..core.expense_review import review_requests
from ..problems import Problem, has_errors
from ..reports.expenses import budget_sheet, ledger_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, read_inputs
from ..workbook.schema import SheetSchema
from ..workbook.contract.breakdown import ISSUED_REP_TARGETS
from ..workbook.contract.expenses import ISSUED_EXPENSE_BUDGET
from . import Progress, StepResult, quiet, run_step

BUDGET_SHEETS = ["settings", "regions", "reps", "outlets", "expense_policy"]
REVIEW_SHEETS = ["settings", "regions", "reps", "outlets", "calendar", "expense_policy", "expense_requests"]


def expenses(book: WorkbookBackend, progress: Progress = quiet) -> StepResult:
    """费用预算 Expenses: budget every category HQ → region → rep, check the ceiling, write the budget sheet."""
    def plan(inputs: Inputs):
        problems = read_issued(book, inputs, ISSUED_REP_TARGETS)
        if has_errors(problems):
            return [], problems, ""
        budget, found = expense_budget(inputs["expense_policy"], inputs["rep_targets"], inputs["outlets"],
                                       inputs.settings)
        problems += found
        if budget is None:
            return [], problems, ""
        ratio = budget.total / budget.total_target if budget.total_target > 0 else 0.0
        summary = (f"费用预算 Expense budget {inputs.settings.plan_month}: {budget.total:,.2f} "
                   f"({ratio:.2%} of target {budget.total_target:,.2f})" + (" — scaled down to the ceiling"
                                                                           if budget.scaled else ""))
        return [budget_sheet(budget, inputs.settings)], problems, summary
    return run_step(book, BUDGET_SHEETS, plan, progress)


def expenses_review(book: WorkbookBackend, progress: Progress = quiet, as_of=None) -> StepResult:
    """费用审核 Expense review: check the request log against the issued budget, write the ledger.

    ``as_of`` (a date) sets the time elapsed; by default it is the log's latest date in the month.
    """
    def plan(inputs: Inputs):
        problems = read_issued(book, inputs, ISSUED_EXPENSE_BUDGET)
        if has_errors(problems):
            return [], problems, ""
        ledger, found = review_requests(inputs["expense_requests"], inputs["expense_budget"], inputs["reps"],
                                        inputs["regions"], inputs.settings, inputs["calendar"],
                                        pd.Timestamp(as_of) if as_of is not None else None)
        problems += found
        if ledger is None:
            return [], problems, ""
        summary = (f"费用审核 Expense review: {len(ledger.log)} requests, {len(ledger.findings)} findings, "
                   f"as of {ledger.as_of:%Y-%m-%d}")
        return [ledger_sheet(ledger, inputs.settings)], problems, summary
    return run_step(book, REVIEW_SHEETS, plan, progress)


def read_issued(book: WorkbookBackend, inputs: Inputs, schema: SheetSchema) -> list[Problem]:
    """Read a sheet salesxl issued into ``inputs``; a missing one reads empty, so the core says which step to run."""
    issued, problems = read_inputs(book, schemas=[schema])
    inputs.tables.update(issued.tables)
    inputs.layouts.update(issued.layouts)
    return [p for p in problems if p.code != "missing-sheet"]
