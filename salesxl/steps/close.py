"""月末考核 Close: the month's actuals against the issued targets, paid under the incentive rules.

Reads the input sheets it needs (Settings, Reps, Regions, Outlets, Products,
Actuals, Incentive Rules), the targets as the breakdown issued them (Rep
Targets, Outlet Targets), and, when present, the signatures the agreement step
recorded on ``目标确认 Agreed Targets``. When a rule checks expenses it also reads
the budget the expenses step issued on ``费用预算 Expense Budget`` and the
``费用申请 Expense Requests``, which the close reviews against it itself, as of
the month's last day. Writes ``月末绩效 Performance``. The same inputs always give
the same sheet, so closing twice changes nothing.
"""

from __future__ import annotations

import pandas as pd

from ..core.performance import COMPANY, MonthEnd, close_month
from ..problems import has_errors
from ..reports.performance import performance_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, read_inputs
from ..workbook.contract.breakdown import (ISSUED_CORE_OUTLET_SKU_TARGETS, ISSUED_OUTLET_TARGETS,
                                           ISSUED_REP_SKU_TARGETS, ISSUED_REP_TARGETS)
from ..workbook.contract.close import AGREED_SIGNATURES
from ..workbook.contract.expenses import EXPENSE_REQUESTS, ISSUED_EXPENSE_BUDGET
from . import Progress, StepResult, quiet, run_step

INPUTS = ("settings", "reps", "regions", "outlets", "products", "actuals", "incentive_rules", "calendar")
ISSUED = (ISSUED_REP_TARGETS, ISSUED_REP_SKU_TARGETS, ISSUED_OUTLET_TARGETS, ISSUED_CORE_OUTLET_SKU_TARGETS,
          AGREED_SIGNATURES)
EXPENSE_BOOKS = (ISSUED_EXPENSE_BUDGET, EXPENSE_REQUESTS)
"""Read only when a rule checks expenses: a close without an expense condition does not depend on them."""


def close(book: WorkbookBackend, progress: Progress = quiet, month: pd.Period | None = None) -> StepResult:
    """月末考核 Close: write the Performance sheet for ``month`` (default: the plan month in Settings)."""

    def plan(inputs: Inputs):
        progress("读取已下达目标 Reading the issued targets")
        issued, problems = read_inputs(book, schemas=ISSUED)
        inputs.tables.update(issued.tables)
        inputs.layouts.update(issued.layouts)
        budget, requests = None, None
        if inputs["incentive_rules"]["rule"].eq("expense").any():
            expense_books, found = read_inputs(book, schemas=EXPENSE_BOOKS)
            inputs.layouts.update(expense_books.layouts)
            # No Expense Budget sheet: the expenses step has not run; the close says the condition was not checked.
            if not any(p.code == "missing-sheet" for p in found):
                budget = expense_books["expense_budget"]
            problems += [p for p in found if p.code != "missing-sheet"]
            requests = expense_books["expense_requests"]
        if has_errors(problems):
            return [], problems, ""
        closing = month or inputs.settings.plan_month
        signatures = inputs["agreed_signatures"]
        books = MonthEnd(
            rep_targets=inputs["rep_targets"], rep_sku_targets=inputs["rep_sku_targets"],
            outlet_targets=inputs["outlet_targets"], core_outlet_sku_targets=inputs["core_outlet_sku_targets"],
            actuals=inputs["actuals"], products=inputs["products"], rules=inputs["incentive_rules"],
            outlets=inputs["outlets"], regions=inputs["regions"], reps=inputs["reps"],
            signatures=signatures if len(signatures) else None, expense_budget=budget, expense_requests=requests,
            calendar=inputs["calendar"],
        )
        progress("月末考核 Closing the month")
        result, found = close_month(books, inputs.settings, closing)
        problems += found
        if result is None:
            return [], problems, ""
        in_month = inputs["actuals"]["date"][inputs["actuals"]["date"].dt.to_period("M") == closing]
        company = result.regions[result.regions["region"] == COMPANY].iloc[0]
        summary = (f"{closing} 月末考核 closed: {len(result.reps)} 名业务员 reps, 达成 attainment "
                   f"{company['attainment']:.1%}, 净发放 net payout {company['net']:,.2f}")
        return [performance_sheet(result, in_month.max())], problems, summary

    return run_step(book, INPUTS, plan, progress)

