"""Step 6, tracking the month (salesxl/steps/track.py, weekly.py, followups.py): daily logs, actual sales,
customers and their touches, the pace and follow-up settings, and the sheets written as the month runs.
"""

from __future__ import annotations

from ...terms import Choice
from ..schema import OutputSheetName, SheetSchema, Setting
from .base import PERCENT, col

CHANNELS = (
    Choice("call", "电话", "Call"),
    Choice("sms", "短信", "SMS"),
    Choice("email", "邮件", "E-mail"),
    Choice("visit", "拜访", "Visit"),
    Choice("event", "活动", "Event"),
)

STAGES = (
    Choice("lead", "线索", "Lead"),
    Choice("qualified", "意向", "Qualified"),
    Choice("proposal", "方案", "Proposal"),
    Choice("negotiation", "谈判", "Negotiation"),
    Choice("won", "成交", "Won"),
    Choice("lost", "流失", "Lost"),
)


SETTINGS = (
    Setting("pace_threshold", "进度预警线", "Behind-pace threshold", "percent", default=0.9, minimum=0,
            maximum=10, number_format=PERCENT,
            note_zh="进度比低于此值的业务员标为落后", note_en="reps whose pace is below this are flagged behind"),
    Setting("run_rate_days", "近期日均天数", "Run-rate window (working days)", "integer", default=5, minimum=1,
            note_zh="近期日均按最近几个工作日计算", note_en="the recent daily rate covers this many working days"),
    Setting("core_visit_days", "核心店拜访间隔(天)", "Core-outlet visit interval (days)", "integer", default=7,
            minimum=1, note_zh="核心店超过这么多天未拜访则提示", note_en="core outlets not visited for this many days are flagged"),
    Setting("expense_ratio_limit", "费用率上限", "Expense-to-sales limit", "percent", default=0.06, minimum=0,
            maximum=10, number_format=PERCENT,
            note_zh="没有费用预算时：本月费用÷本月销售超过此值则提示费用跑在销售前面",
            note_en="for a rep without an expense budget: expenses ÷ sales above this means spending runs "
                    "ahead of sales"),
    Setting("mix_lag_threshold", "战斗机型落后线", "Flagship lag threshold", "percent", default=0.9, minimum=0,
            maximum=10, number_format=PERCENT,
            note_zh="战斗机型完成率低于整体完成率的此比例则提示",
            note_en="flagship attainment below this fraction of overall attainment is flagged"),
    Setting("sms_every_days", "短信间隔(天)", "SMS every (days)", "integer", default=7, minimum=1),
    Setting("email_every_days", "邮件间隔(天)", "E-mail every (days)", "integer", default=7, minimum=1),
    Setting("call_every_days", "电话间隔(天)", "Call every (days)", "integer", default=14, minimum=1),
    Setting("no_touch_days", "未跟进红线(天)", "No-touch limit (days)", "integer", default=21, minimum=1,
            note_zh="21天法则：跟进中的客户这么多天没有任何接触则标红",
            note_en="21-day rule: an open customer not touched for this many days is flagged red"),
    Setting("key_visit_days", "重点项目拜访间隔(天)", "Key-project visit interval (days)", "integer", default=14,
            minimum=1),
    Setting("escalate_days", "节点提前上报(天)", "Milestone escalation lead (days)", "integer", default=7, minimum=0,
            note_zh="关键节点前这么多天请主管亲自出面", note_en="the manager steps in this many days before a milestone"),
    Setting("expense_budget_margin", "费用超前容差", "Expense-ahead margin", "percent", default=0.1, minimum=0,
            maximum=10, number_format=PERCENT,
            note_zh="已用费用预算的比例超过目标完成比例这么多则提示（没有费用预算表时改用费用率上限）",
            note_en="flag when the share of expense budget spent exceeds the share of target achieved by more "
                    "than this (without an Expense Budget sheet the expense-to-sales limit is used)"),
)


DAILY_LOG = SheetSchema(
    key="daily_log", zh="日志", en="Daily Log",
    columns=(
        col("date", "日期", "Date", "date"),
        col("rep_id", "业务员编号", "Rep ID", ref=("reps", "rep_id")),
        col("stop", "行程序号", "Stop", "integer", required=False, not_blank=False, minimum=1,
            note_zh="当天行程中的顺序", note_en="order of the stop in the day's itinerary"),
        col("outlet_id", "网点编号", "Outlet ID", required=False, not_blank=False, ref=("outlets", "outlet_id"),
            note_zh="不涉及网点的行（如当天差旅费）留空", note_en="blank for lines not about an outlet (e.g. the day's travel)"),
        col("planned", "计划拜访", "Planned", "bool", required=False, default=False,
            note_zh="当天计划中的拜访", note_en="the visit was on the day's plan"),
        col("visited", "已拜访", "Visited", "bool", required=False, default=False),
        col("time", "时间", "Time", required=False, not_blank=False, note_zh="如 09:30", note_en="e.g. 09:30"),
        col("purpose", "拜访目的", "Purpose", required=False, not_blank=False,
            note_zh="订货、陈列、回款、培训…", note_en="order, display, collection, training…"),
        col("result", "拜访结果", "Result", required=False, not_blank=False),
        col("expense_category", "费用类别", "Expense category", required=False, not_blank=False,
            note_zh="差旅、招待、促销、陈列、样品…", note_en="travel, entertainment, promotion, display, samples…"),
        col("expense", "费用", "Expense", "decimal", required=False, not_blank=False, minimum=0),
        col("feedback", "客户反馈", "Customer feedback", required=False, not_blank=False, width=36),
        col("next_action", "下一步", "Next action", required=False, not_blank=False, width=30),
    ),
    required=False,
    purpose_zh="业务员日计划、行程、拜访、费用与客户反馈，一行一个行程点或一笔费用。",
    purpose_en="Reps' daily plan, itinerary, visits, expenses and feedback: one row per stop or expense.",
)

ACTUALS = SheetSchema(
    key="actuals", zh="实际销售", en="Actuals",
    columns=(
        col("date", "日期", "Date", "date"),
        col("rep_id", "业务员编号", "Rep ID", ref=("reps", "rep_id")),
        col("outlet_id", "网点编号", "Outlet ID", required=False, not_blank=False, ref=("outlets", "outlet_id")),
        col("sku", "产品编码", "SKU", ref=("products", "sku")),
        col("qty", "数量", "Quantity", "decimal", required=False, not_blank=False, number_format="#,##0"),
        col("amount", "金额", "Amount", "decimal", note_zh="退货为负数", note_en="returns are negative"),
    ),
    required=False,
    purpose_zh="本月至今的实际销售（与历史销售同样的列）。", purpose_en="This month's sales so far (shaped like History).",
)

CUSTOMERS = SheetSchema(
    key="customers", zh="客户跟进", en="Customers",
    columns=(
        col("customer_id", "客户编号", "Customer ID"),
        col("name", "客户名称", "Customer name"),
        col("rep_id", "负责业务员", "Owner rep", ref=("reps", "rep_id")),
        col("first_contact", "首次接触", "First contact", "date",
            note_zh="首次电话的日期，新客户跟进序列从这天开始", note_en="date of the first call; the new-contact sequence starts here"),
        col("stage", "阶段", "Stage", "choice", required=False, not_blank=False, choices=STAGES),
        col("value", "预计金额", "Expected value", "decimal", required=False, not_blank=False, minimum=0),
        col("key_project", "重点项目", "Key project", "bool", required=False, default=False,
            note_zh="长周期的重点项目（如设备项目）", note_en="a long-cycle key project (e.g. equipment)"),
        col("project_owner", "项目专员", "Dedicated owner", required=False, not_blank=False,
            note_zh="重点项目的专人，业务员编号或姓名", note_en="the key project's dedicated owner: rep ID or name"),
        col("visit_every_days", "拜访间隔(天)", "Visit every (days)", "integer", required=False, not_blank=False,
            minimum=1, note_zh="留空用设置中的重点项目拜访间隔", note_en="blank uses the key-project visit interval in Settings"),
        col("milestone", "关键节点", "Next milestone", required=False, not_blank=False,
            note_zh="如 立项、招标、签约", note_en="e.g. approval, tender, contract"),
        col("milestone_date", "节点日期", "Milestone date", "date", required=False, not_blank=False,
            note_zh="节点前几天提醒主管亲自出面", note_en="the manager is asked to step in shortly before"),
        col("open", "跟进中", "Open", "bool", required=False, default=True,
            note_zh="否 = 已结束，不再跟进", note_en="no = closed, no more follow-ups"),
    ),
    unique=(("customer_id",),),
    required=False,
    purpose_zh="客户与线索：负责人、首次接触、阶段、重点项目。",
    purpose_en="Customers and leads: owner, first contact, stage, key projects.",
)

TOUCHES = SheetSchema(
    key="touches", zh="跟进记录", en="Touches",
    columns=(
        col("date", "日期", "Date", "date"),
        col("customer_id", "客户编号", "Customer ID", ref=("customers", "customer_id")),
        col("channel", "方式", "Channel", "choice", choices=CHANNELS),
        col("rep_id", "业务员编号", "Rep ID", required=False, not_blank=False, ref=("reps", "rep_id")),
        col("note", "内容", "Note", required=False, not_blank=False, width=40),
    ),
    required=False,
    purpose_zh="每一次跟进：电话、短信、邮件、拜访、活动。", purpose_en="Every touch: call, SMS, e-mail, visit, event.",
)


INPUTS = (DAILY_LOG, ACTUALS, CUSTOMERS, TOUCHES)


PROGRESS = OutputSheetName("progress", "进度", "Progress")
WEEKLY_REVIEW = OutputSheetName("weekly_review", "周报", "Weekly Review")
FOLLOWUP_PLAN = OutputSheetName("followup_plan", "跟进计划", "Follow-up Plan")


OUTPUTS = (PROGRESS, WEEKLY_REVIEW, FOLLOWUP_PLAN)
