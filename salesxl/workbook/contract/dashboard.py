"""总览 Dashboard (salesxl/steps/dashboard.py): the month on one page, read back from the sheets the other steps
wrote.

Each schema picks one table of an output sheet by its headers (the reader takes the table naming the most of
these columns). None is required: a sheet that is missing means its step has not run, and the dashboard leaves
that block out with a note naming the step.
"""

from __future__ import annotations

from ...terms import ROLES
from ..schema import OutputSheetName, SheetSchema, Setting
from .base import col, optional, readback
from .close import AGREED_SIGNATURES, PERFORMANCE
from .expenses import EXPENSE_LEDGER, ISSUED_EXPENSE_BUDGET
from .target import MONTH_TARGET, TARGET_STRUCTURE
from .tracking import FOLLOWUP_PLAN, PROGRESS

SETTINGS: tuple[Setting, ...] = ()
INPUTS: tuple[SheetSchema, ...] = ()


DASH_MONTH_TARGET = readback("dash_month_target", MONTH_TARGET, (
    col("month", "计划月份", "Plan month", "month"),
    col("total", "月度目标", "Month target", "decimal"),
    optional("last_year", "去年同期实际", "Last year's actual", "decimal"),
    optional("growth", "较去年同期增长", "Growth vs last year", "percent"),
), "月度目标（第一张表）。", "The month target (first table).")

DASH_FACTORS = readback("dash_factors", MONTH_TARGET, (
    col("label", "因素", "Factor"),
    optional("weight", "采用权重", "Weight used", "percent"),
    optional("contribution", "加权贡献", "Weighted contribution", "decimal"),
), "四因素参考表（全公司）。", "The four factors (the whole company).")

DASH_ROLES = readback("dash_roles", TARGET_STRUCTURE, (
    col("role", "产品角色", "Role", "choice", choices=ROLES),
    col("target", "角色目标", "Role target", "decimal"),
), "按产品角色的目标。", "The target by product role.")

DASH_REGIONS = readback("dash_regions", TARGET_STRUCTURE, (
    col("region", "区域", "Region"),
    col("target", "区域目标", "Region target", "decimal"),
), "按区域的目标。", "The target by region.")

DASH_PROGRESS_COMPANY = readback("dash_progress_company", PROGRESS, (
    col("scope", "范围", "Scope"),
    col("target", "月目标", "Month target", "decimal"),
    col("actual", "累计实际", "Actual to date", "decimal"),
    optional("attainment", "完成率", "Attainment", "percent"),
    optional("pace", "进度比", "Pace", "percent"),
), "全公司进度（第一张表）。", "The company's progress (first table).")

DASH_BURNUP = readback("dash_burnup", PROGRESS, (
    col("date", "日期", "Date", "date"),
    col("working", "工作日", "Working day", "bool"),
    col("cumulative_target", "累计目标", "Cumulative target", "decimal"),
    optional("cumulative_actual", "累计实际", "Cumulative actual", "decimal"),
), "逐日累计目标与实际。", "Cumulative target and actual by day.")

DASH_PROGRESS_FLAGS = readback("dash_progress_flags", PROGRESS, (
    col("flag", "预警", "Flag"),
    optional("rep_id", "业务员编号", "Rep ID"),
    optional("subject", "对象", "Subject"),
), "需要关注的预警。", "The flags that need attention.")

DASH_PROGRESS_REPS = readback("dash_progress_reps", PROGRESS, (
    col("rep_id", "业务员编号", "Rep ID"),
    optional("name", "姓名", "Name"),
    col("target", "月目标", "Month target", "decimal"),
    col("base", "基础目标", "Base", "decimal"),
    col("challenge", "挑战目标", "Challenge", "decimal"),
    col("sprint", "冲刺目标", "Sprint", "decimal"),
    optional("attainment", "完成率", "Attainment", "percent"),
), "各业务员的进度。", "Each rep's progress.")

DASH_PERFORMANCE = readback("dash_performance", PERFORMANCE, (
    col("rep", "业务员", "Rep"),
    optional("attainment", "达成率", "Attainment", "percent"),
    optional("base", "基础线", "Base line", "percent"),
    optional("challenge", "挑战线", "Challenge line", "percent"),
    optional("sprint", "冲刺线", "Sprint line", "percent"),
), "月末达成率排行。", "Month-end attainment by rep.")

DASH_PERFORMANCE_TOTALS = readback("dash_performance_totals", PERFORMANCE, (
    col("region", "区域", "Region"),
    col("reps", "人数", "Reps", "integer"),
    col("target", "目标", "Target", "decimal"),
    col("actual", "实际", "Actual", "decimal"),
    optional("attainment", "达成率", "Attainment", "percent"),
), "区域与公司合计（含“全公司 Company”一行）。", "Regions and the company (a '全公司 Company' row).")

DASH_EXPENSE_LOG = readback("dash_expense_log", EXPENSE_LEDGER, (
    col("date", "申请日期", "Request date", "date"),
    optional("counted", "认可批复", "Approval counted", "decimal"),
    optional("verified", "核查金额", "Verified amount", "decimal"),
), "费用申请记录（认可批复与核查金额）。", "The request log (approvals counted and verified amounts).")

DASH_FOLLOWUP_REPS = readback("dash_followup_reps", FOLLOWUP_PLAN, (
    col("rep_id", "业务员编号", "Rep ID"),
    col("overdue", "逾期", "Overdue", "integer"),
), "各业务员逾期的跟进任务。", "Overdue follow-ups by rep.")

DASH_FOLLOWUP_SILENT = readback("dash_followup_silent", FOLLOWUP_PLAN, (
    col("customer_id", "客户编号", "Customer ID"),
    col("days_silent", "未接触天数", "Days without a touch", "integer"),
), "超过期限未接触的客户。", "Customers not touched for too long.")


DASHBOARD_READBACK: tuple[SheetSchema, ...] = (
    DASH_MONTH_TARGET, DASH_FACTORS, DASH_ROLES, DASH_REGIONS, DASH_PROGRESS_COMPANY, DASH_BURNUP,
    DASH_PROGRESS_FLAGS, DASH_PROGRESS_REPS, DASH_PERFORMANCE, DASH_PERFORMANCE_TOTALS, DASH_EXPENSE_LOG,
    DASH_FOLLOWUP_REPS, DASH_FOLLOWUP_SILENT, ISSUED_EXPENSE_BUDGET, AGREED_SIGNATURES,
)
"""What the dashboard reads back (never part of ISSUED_SHEETS)."""


DASHBOARD = OutputSheetName("dashboard", "总览", "Dashboard")


OUTPUTS = (DASHBOARD,)
