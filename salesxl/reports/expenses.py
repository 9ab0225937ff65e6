"""The expense sheets: ``费用预算 Expense Budget`` and ``费用台账 Expense Ledger``.

The budget reads headquarters → region → rep: by category for the company,
then each region and each rep with one column per category and the
expense-to-target ratio, then the budget lines with how each amount was worked
out (the review reads that last table back as the budget as issued). The ledger
shows budget, requested, approved, verified and remaining by region and by
holder and category, the burn against time elapsed, the request log with every
decision's who and when, and the findings with their rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.expense_budget import ExpenseBudget, category_column, money
from ..core.expense_review import ExpenseLedger
from ..core.settings import Settings
from ..terms import Choice
from ..workbook.backend import OutColumn, OutTable, SheetOutput
from ..workbook.contract.expenses import (BUDGET_HOLDERS, EXPENSE_BUDGET, EXPENSE_LEDGER, EXPENSE_METHODS,
                                          REQUEST_LEVELS, REQUEST_STATUS)


@dataclass(frozen=True)
class NamedColumn(OutColumn):
    """A column headed by the planner's own words (an expense category), exactly as typed."""

    @property
    def label(self) -> str:
        return self.zh


def shown(choices: tuple[Choice, ...], key) -> str | None:
    """A choice as a planner reads it: ``每人固定 Fixed per rep``."""
    choice = next((c for c in choices if c.key == key), None)
    return f"{choice.zh} {choice.en}" if choice else key


def category_columns(categories: list[str]) -> list[OutColumn]:
    return [NamedColumn(category_column(c), c, "", "amount", total=True) for c in categories]


# ---------------------------------------------------------------------------------------------------------------

def budget_sheet(budget: ExpenseBudget, settings: Settings) -> SheetOutput:
    """费用预算 Expense Budget: the month's expense targets, issued with the sales targets."""
    currency = settings.currency
    ratio = budget.total / budget.total_target if budget.total_target > 0 else 0.0
    subtitle = (f"{settings.plan_month} · 总目标 Total target {money(budget.total_target)} {currency} · "
                f"费用预算 Expense budget {money(budget.total)} · 费用率 Expense to target {ratio:.2%}")
    return SheetOutput(EXPENSE_BUDGET, subtitle=subtitle, notes=ceiling_notes(budget), tables=[
        OutTable(by_category_frame(budget), [
            OutColumn("category", "费用类别", "Category"),
            OutColumn("method", "核定方式", "Method"),
            OutColumn("held_by", "预算持有", "Held by"),
            OutColumn("policy_amount", "按政策", "Per policy", "amount", total=True),
            OutColumn("budget", "预算", "Budget", "amount", total=True),
            OutColumn("share", "占比", "Share", "percent", look="share"),
            OutColumn("ratio", "费用率", "Expense to target", "percent"),
        ], heading="总部：按类别 Headquarters: by category"),
        OutTable(budget.by_region, [
            OutColumn("region", "区域", "Region"),
            OutColumn("target", "目标", "Target", "amount", total=True),
            *category_columns(budget.categories),
            OutColumn("held_by_region", "区域持有", "Held by the region", "amount", total=True),
            OutColumn("held_by_reps", "业务员持有", "Held by its reps", "amount", total=True),
            OutColumn("total", "合计", "Total", "amount", total=True),
            OutColumn("ratio", "费用率", "Expense to target", "percent"),
        ], heading="区域：按类别（含其业务员） Regions: by category, with their reps"),
        OutTable(budget.by_rep, [
            OutColumn("rep_id", "业务员编号", "Rep ID"),
            OutColumn("name", "姓名", "Name"),
            OutColumn("region", "区域", "Region"),
            OutColumn("target", "目标", "Target", "amount", total=True),
            *category_columns(budget.rep_categories),
            OutColumn("total", "合计", "Total", "amount", total=True),
            OutColumn("ratio", "费用率", "Expense to target", "percent"),
        ], heading="业务员：按类别 Reps: by category"),
        OutTable(lines_frame(budget), [
            OutColumn("level", "预算持有", "Held by"),
            OutColumn("region", "区域", "Region"),
            OutColumn("rep_id", "业务员编号", "Rep ID"),
            OutColumn("name", "姓名", "Name"),
            OutColumn("category", "费用类别", "Category"),
            OutColumn("method", "核定方式", "Method"),
            OutColumn("basis", "计算依据", "Worked out as"),
            OutColumn("policy_amount", "按政策", "Per policy", "amount", total=True),
            OutColumn("budget", "预算", "Budget", "amount", total=True),
        ], heading="预算明细（费用审核按此执行） Budget lines (the review checks requests against these)"),
    ])


def ceiling_notes(budget: ExpenseBudget) -> list[str]:
    if budget.ceiling is None:
        return ["未设公司费用上限（设置：费用总额上限、费用率上限） No company expense ceiling is set in Settings."]
    which = ("费用总额上限 Company expense ceiling" if budget.ceiling_source == "expense_ceiling"
             else "费用率上限 Expense ceiling as share of target")
    if budget.scaled:
        return [f"按政策合计 {money(budget.policy_total)}，超过上限 {money(budget.ceiling)}（{which}）；"
                f"各项已按比例压缩到 {money(budget.total)}。",
                f"The policy asks for {money(budget.policy_total)}, over the ceiling of {money(budget.ceiling)} "
                f"({which}); every line was scaled down to total {money(budget.total)}."]
    return [f"合计 {money(budget.total)} 未超过上限 {money(budget.ceiling)}（{which}）。"
            f" The total of {money(budget.total)} is within the ceiling of {money(budget.ceiling)}."]


def by_category_frame(budget: ExpenseBudget) -> pd.DataFrame:
    frame = budget.by_category.copy()
    frame["method"] = [shown(EXPENSE_METHODS, m) for m in frame["method"]]
    frame["held_by"] = [shown(BUDGET_HOLDERS, h) for h in frame["held_by"]]
    return frame


def lines_frame(budget: ExpenseBudget) -> pd.DataFrame:
    frame = budget.lines.copy()
    frame["level"] = [shown(BUDGET_HOLDERS, h) for h in frame["level"]]
    frame["method"] = [shown(EXPENSE_METHODS, m) for m in frame["method"]]
    return frame


# ---------------------------------------------------------------------------------------------------------------

MEASURE_COLUMNS = [
    OutColumn("budget", "预算", "Budget", "amount", total=True),
    OutColumn("requested", "申请", "Requested", "amount", total=True),
    OutColumn("approved", "已批复", "Approved", "amount", total=True),
    OutColumn("refused", "不予认可的批复", "Approvals refused", "amount", total=True),
    OutColumn("verified", "已核查支出", "Verified spend", "amount", total=True),
    OutColumn("unapproved", "未经批准支出", "Unapproved spend", "amount", total=True),
    OutColumn("remaining", "剩余", "Remaining", "amount", total=True),
    OutColumn("burn", "费用进度", "Burn", "percent"),
    OutColumn("elapsed", "时间进度", "Time elapsed", "percent"),
    OutColumn("pace", "进度差", "Burn − time", "percent"),
]


def ledger_sheet(ledger: ExpenseLedger, settings: Settings) -> SheetOutput:
    """费用台账 Expense Ledger: the request log reviewed against the budget."""
    subtitle = (f"{settings.plan_month} · 截至 As of {ledger.as_of:%Y-%m-%d} · 已过工作日 Working days elapsed "
                f"{ledger.working_days_elapsed:g}/{ledger.working_days:g} ({ledger.elapsed:.0%})")
    notes = [
        "已批复只计有效批复：批复人层级正确、非本人、记录了批复人和日期、且不超过该类别剩余预算；其余列为“不予认可的批复”。",
        "Approved counts valid approvals only: the right level, not the requester's own, with who and when, and "
        "within what remains of the category's budget; the rest shows as approvals refused.",
    ]
    count = len(ledger.findings)
    notes.append(f"发现 {count} 项异常，见“异常 Findings”表。 {count} findings, listed in the Findings table."
                 if count else "没有异常。 No findings.")
    if ledger.other_months:
        notes.append(f"另有 {ledger.other_months} 条申请不在本月，未计入。 "
                     f"{ledger.other_months} requests from other months are left out.")
    holders = ledger.by_holder.copy()
    holders["level"] = [shown(BUDGET_HOLDERS, h) for h in holders["level"]]
    return SheetOutput(EXPENSE_LEDGER, subtitle=subtitle, notes=notes, tables=[
        OutTable(ledger.by_region, [OutColumn("region", "区域", "Region"), *MEASURE_COLUMNS],
                 heading="按区域（含其业务员） By region, with its reps"),
        OutTable(ledger.by_rep, [OutColumn("region", "区域", "Region"), OutColumn("rep_id", "业务员编号", "Rep ID"),
                                 OutColumn("name", "姓名", "Name"), *MEASURE_COLUMNS],
                 heading="按业务员（各类别合计） By rep, all categories"),
        OutTable(holders, [
            OutColumn("level", "预算持有", "Held by"),
            OutColumn("region", "区域", "Region"),
            OutColumn("rep_id", "业务员编号", "Rep ID"),
            OutColumn("name", "姓名", "Name"),
            OutColumn("category", "费用类别", "Category"),
            *MEASURE_COLUMNS,
        ], heading="按持有人和类别 By holder and category"),
        OutTable(log_frame(ledger), [
            OutColumn("excel_row", "行", "Row", "integer"),
            OutColumn("request_id", "申请编号", "Request ID"),
            OutColumn("date", "申请日期", "Request date", "date"),
            OutColumn("level", "层级", "Level"),
            OutColumn("requester", "申请人", "Requester"),
            OutColumn("holder", "预算持有人", "Budget holder"),
            OutColumn("category", "费用类别", "Category"),
            OutColumn("amount", "申请金额", "Amount requested", "amount", total=True),
            OutColumn("purpose", "用途", "Purpose"),
            OutColumn("outlet_id", "网点编号", "Outlet ID"),
            OutColumn("status", "状态", "Status"),
            OutColumn("approver", "批复人", "Approver"),
            OutColumn("decision_date", "批复日期", "Decision date", "date"),
            OutColumn("approved_shown", "批复金额", "Approved amount", "amount", total=True),
            OutColumn("counted", "认可批复", "Approval counted", "amount", total=True),
            OutColumn("remaining_after", "批后余额", "Balance after", "amount"),
            OutColumn("verified_amount", "核查金额", "Verified amount", "amount", total=True),
            OutColumn("unapproved", "未经批准支出", "Unapproved spend", "amount", total=True),
            OutColumn("verification_note", "核查说明", "Verification note"),
            OutColumn("findings", "异常", "Findings"),
        ], heading="申请记录（按申请日期；每项决定记录批复人和日期） Request log, in request-date order, "
                   "each decision with who and when"),
        OutTable(ledger.findings, [
            OutColumn("excel_row", "行", "Row", "integer"),
            OutColumn("request_id", "申请编号", "Request ID"),
            OutColumn("code", "类型", "Kind"),
            OutColumn("message_zh", "说明", "Message"),
            OutColumn("message_en", "英文说明", "Message in English"),
        ], heading="异常 Findings"),
    ])


def log_frame(ledger: ExpenseLedger) -> pd.DataFrame:
    frame = ledger.log.copy()
    frame["level"] = [shown(REQUEST_LEVELS, v) for v in frame["level"]]
    frame["status"] = [shown(REQUEST_STATUS, v) for v in frame["status"]]
    frame["holder"] = [rep if isinstance(rep, str) else region for rep, region in zip(frame["rep_id"], frame["region"])]
    approved = frame["approved_amount"].where(frame["approved_amount"].notna(), frame["amount"])
    frame["approved_shown"] = approved.where(frame["status"] == shown(REQUEST_STATUS, "approved"))
    return frame
