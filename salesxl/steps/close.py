"""月末考核 Close: the month's actuals against the issued targets, paid under the incentive rules.

Reads the input sheets it needs (Settings, Reps, Regions, Outlets, Products,
Actuals, Incentive Rules), the targets as the breakdown issued them (Rep
Targets, Outlet Targets), and, when present, the signatures the agreement step
recorded on ``目标确认 Agreed Targets`` and the expense budget and verified spend
on ``费用台账 Expense Ledger``. Writes ``月末绩效 Performance``. The
same inputs always give the same sheet, so closing twice changes nothing.
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
from ..workbook.contract.close import AGREED_SIGNATURES, EXPENSE_LEDGER_USE
from . import Progress, StepResult, quiet, run_step

INPUTS = ("settings", "reps", "regions", "outlets", "products", "actuals", "incentive_rules", "calendar")
ISSUED = (ISSUED_REP_TARGETS, ISSUED_REP_SKU_TARGETS, ISSUED_OUTLET_TARGETS, ISSUED_CORE_OUTLET_SKU_TARGETS,
          AGREED_SIGNATURES, EXPENSE_LEDGER_USE)


def close(book: WorkbookBackend, progress: Progress = quiet, month: pd.Period | None = None) -> StepResult:
    """月末考核 Close: write the Performance sheet for ``month`` (default: the plan month in Settings)."""

    def plan(inputs: Inputs):
        progress("读取已下达目标 Reading the issued targets")
        issued, problems = read_inputs(book, schemas=ISSUED)
        inputs.tables.update(issued.tables)
        inputs.layouts.update(issued.layouts)
        if has_errors(problems):
            return [], problems, ""
        closing = month or inputs.settings.plan_month
        signatures = inputs["agreed_signatures"]
        books = MonthEnd(
            rep_targets=inputs["rep_targets"], rep_sku_targets=inputs["rep_sku_targets"],
            outlet_targets=inputs["outlet_targets"], core_outlet_sku_targets=inputs["core_outlet_sku_targets"],
            actuals=inputs["actuals"], products=inputs["products"], rules=inputs["incentive_rules"],
            outlets=inputs["outlets"], regions=inputs["regions"], reps=inputs["reps"],
            signatures=signatures if len(signatures) else None,
            expenses=expense_use(inputs["expense_ledger_use"]), calendar=inputs["calendar"],
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


def expense_use(ledger: pd.DataFrame) -> pd.DataFrame | None:
    """Each rep's expense budget and verified spend, summed over the categories they hold; None without a ledger."""
    held = ledger[ledger["rep_id"].notna()]
    if held.empty:
        return None
    sums = held.groupby(held["rep_id"].astype(str), sort=True)[["budget", "verified"]].sum()
    return pd.DataFrame({"rep_id": sums.index, "budget": sums["budget"].to_numpy(), "used": sums["verified"].to_numpy()})
