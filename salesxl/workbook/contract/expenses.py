"""Step 5, expenses 销售费用 (salesxl/steps/expenses.py): the policy, the request log, the ceiling and the HQ
approvers, and the budget as issued, read back by the request review (salesxl expenses-review).

The issued budget is written by the expenses step, not the breakdown, so it is not one of the release's
ISSUED_SHEETS.
"""

from __future__ import annotations

from ...terms import Choice
from ..schema import OutputSheetName, SheetSchema, Setting
from .base import AMOUNT, PERCENT, col

OVER_CEILING = (
    Choice("error", "报错", "Error"),
    Choice("scale_down", "按比例压缩", "Scale down"),
)


SETTINGS = (
    Setting("expense_ceiling", "费用总额上限", "Company expense ceiling", "decimal", default=0.0, minimum=0,
            note_zh="全公司当月费用预算的上限金额；0 表示不设", note_en="most the month's expense budget may total; 0 = none",
            number_format=AMOUNT),
    Setting("expense_ceiling_rate", "费用率上限", "Expense ceiling as share of target", "percent", default=0.0,
            minimum=0, maximum=1, number_format=PERCENT,
            note_zh="费用预算合计不超过总目标的此比例；0 表示不设；两项都设时取较低者",
            note_en="the budget may total at most this share of the total target; 0 = none; the lower ceiling applies"),
    Setting("expense_over_ceiling", "超上限处理", "Over the ceiling", "choice", default="error", choices=OVER_CEILING,
            note_zh="error 报错并列出金额；scale_down 各项按比例压缩到上限",
            note_en="error: stop and show the amounts; scale_down: scale every line down to the ceiling"),
    Setting("hq_approvers", "总部审批人", "HQ approvers", "text", default="",
            note_zh="可批复区域费用申请的总部人员，逗号分隔，如 周总, 王总监",
            note_en="who approves region requests at HQ, comma-separated"),
)


EXPENSE_METHODS = (
    Choice("per_rep", "每人固定", "Fixed per rep"),
    Choice("per_region", "每区固定", "Fixed per region"),
    Choice("per_developing_outlet", "培育网点", "Per developing outlet"),
    Choice("rate_on_target", "目标比例", "Rate on target"),
)

BUDGET_HOLDERS = (
    Choice("rep", "业务员", "Rep"),
    Choice("region", "区域", "Region"),
)

REQUEST_LEVELS = (
    Choice("rep", "业务员→区域", "Rep to region"),
    Choice("region", "区域→总部", "Region to HQ"),
)

REQUEST_STATUS = (
    Choice("pending", "待批复", "Pending"),
    Choice("approved", "已批准", "Approved"),
    Choice("rejected", "已驳回", "Rejected"),
)

EXPENSE_POLICY = SheetSchema(
    key="expense_policy", zh="费用政策", en="Expense Policy",
    columns=(
        col("category", "费用类别", "Category", note_zh="如 差旅费 Travel", note_en="e.g. 差旅费 Travel"),
        col("method", "核定方式", "Method", "choice", choices=EXPENSE_METHODS,
            note_zh="每人固定、每区固定、每个培育网点、按目标比例",
            note_en="fixed per rep, fixed per region, per developing outlet, or a rate on the target"),
        col("amount", "标准金额", "Amount", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="每人、每区或每个培育网点的金额", note_en="per rep, per region or per developing outlet"),
        col("rate", "费用比例", "Rate", "percent", required=False, not_blank=False, minimum=0, maximum=1,
            note_zh="按目标比例：目标金额×此比例", note_en="rate on target: target amount × this rate"),
        col("cap", "上限", "Cap", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="每个预算持有人（业务员或区域）在此类别最多可得", note_en="the most one holder (rep or region) gets"),
        col("held_by", "预算持有", "Held by", "choice", required=False, not_blank=False, choices=BUDGET_HOLDERS,
            note_zh="留空：每区固定归区域，其余归业务员", note_en="blank: per-region amounts go to the region, others to reps"),
        col("note", "说明", "Note", required=False, not_blank=False),
    ),
    unique=(("category",),),
    required=False,
    purpose_zh="费用类别及核定方式：随目标一起下达的费用指标。",
    purpose_en="Expense categories and how each is budgeted; issued with the targets.",
)

EXPENSE_REQUESTS = SheetSchema(
    key="expense_requests", zh="费用申请", en="Expense Requests",
    columns=(
        col("request_id", "申请编号", "Request ID"),
        col("date", "申请日期", "Request date", "date"),
        col("level", "层级", "Level", "choice", choices=REQUEST_LEVELS,
            note_zh="业务员向区域申请，或区域向总部申请", note_en="a rep asks the region, or a region asks HQ"),
        col("requester", "申请人", "Requester",
            note_zh="业务员编号或姓名；区域申请填区域或区域经理", note_en="rep ID or name; for a region, the region or its manager"),
        col("category", "费用类别", "Category", ref=("expense_policy", "category")),
        col("amount", "申请金额", "Amount requested", "decimal", minimum=0),
        col("purpose", "用途", "Purpose", required=False, not_blank=False),
        col("outlet_id", "网点编号", "Outlet ID", required=False, not_blank=False, ref=("outlets", "outlet_id")),
        col("status", "状态", "Status", "choice", choices=REQUEST_STATUS),
        col("approver", "批复人", "Approver", required=False, not_blank=False,
            note_zh="业务员申请由其区域经理批复，区域申请由总部批复", note_en="the rep's region manager; HQ for a region"),
        col("approved_amount", "批复金额", "Approved amount", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="留空表示按申请金额批准", note_en="blank: approved as requested"),
        col("decision_date", "批复日期", "Decision date", "date", required=False, not_blank=False),
        col("verified_amount", "核查金额", "Verified amount", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="核查确认的实际支出", note_en="actual spend confirmed by verification 核查"),
        col("verification_note", "核查说明", "Verification note", required=False, not_blank=False),
    ),
    unique=(("request_id",),),
    required=False,
    purpose_zh="费用申请、批复、核查台账：两级管控（业务员→区域，区域→总部）。",
    purpose_en="The request log: application, approval and verification at two levels.",
)


INPUTS = (EXPENSE_POLICY, EXPENSE_REQUESTS)


ISSUED_EXPENSE_BUDGET = SheetSchema(
    key="expense_budget", zh="费用预算", en="Expense Budget", issued=True,
    columns=(
        col("level", "预算持有", "Held by", "choice", choices=BUDGET_HOLDERS),
        col("region", "区域", "Region"),
        col("rep_id", "业务员编号", "Rep ID", required=True, not_blank=False),
        col("category", "费用类别", "Category"),
        col("budget", "预算", "Budget", "decimal", minimum=0),
    ),
    unique=(("level", "region", "rep_id", "category"),),
    purpose_zh="费用预算明细：持有人×类别（预算明细表）。", purpose_en="Budget lines: holder × category (the lines table).",
)


EXPENSE_BUDGET = OutputSheetName("expense_budget", "费用预算", "Expense Budget")
EXPENSE_LEDGER = OutputSheetName("expense_ledger", "费用台账", "Expense Ledger")


OUTPUTS = (EXPENSE_BUDGET, EXPENSE_LEDGER)
