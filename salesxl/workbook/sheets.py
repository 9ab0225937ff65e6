"""The workbook contract: every input sheet and setting salesxl reads.

Later steps add their sheets here, the same way. The template, the Guide sheet,
the reader and the docs are generated from these declarations.
"""

from __future__ import annotations

from ..terms import FACTORS, ROLES, TIERS, Choice
from .schema import Column, OutputSheetName, SheetSchema, Setting

AMOUNT = "#,##0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
MONTH = "yyyy-mm"
INTEGER = "0"

DAY_STATUS = (
    Choice("working", "工作日", "Working"),
    Choice("off", "休息日", "Off"),
)

SPREAD_METHODS = (
    Choice("history", "历史份额", "History share"),
    Choice("equal", "平均", "Equal"),
    Choice("reference", "参考期", "Like a reference period"),
    Choice("potential", "按潜力", "By potential"),
)

REGION_SPLITS = (
    Choice("formula", "权重公式", "Weight formula"),
    Choice("budget", "区域预算", "Regional budget"),
)

HISTORY_METHODS = (
    Choice("trend", "趋势", "Trend"),
    Choice("average", "加权平均", "Weighted average"),
)

BACKTEST_LOSSES = (
    Choice("mape", "平均绝对百分比误差", "Mean absolute % error"),
    Choice("base_hit", "基础目标达成面", "Base hit rate 70–90%"),
)


def col(key, zh, en, type="text", **kw) -> Column:
    formats = {"decimal": AMOUNT, "percent": PERCENT, "date": DATE, "month": MONTH, "integer": INTEGER}
    kw.setdefault("number_format", formats.get(type))
    return Column(key, zh, en, type, **kw)


def hold_column() -> Column:
    """手工目标 Manual target: a hold at any level of the breakdown (added by step 4)."""
    return col("manual_target", "手工目标", "Manual target", "decimal", required=False, not_blank=False, minimum=0,
               note_zh="锁定此目标：整体减去锁定部分后再分给其他行",
               note_en="a hold: this figure is kept, and the whole minus the holds is spread over the other rows")


SETTINGS_SHEET = SheetSchema(
    key="settings", zh="设置", en="Settings",
    columns=(
        col("key", "参数", "Key", note_zh="参数名，勿改", note_en="setting name, do not edit"),
        col("value", "值", "Value", "any", required=True, not_blank=False),
        col("note", "说明", "Note", required=False),
    ),
    unique=(("key",),),
    purpose_zh="计划月份、日历国家、币种、取整单位和各项权重。",
    purpose_en="Plan month, calendar country, currency, rounding unit and weights.",
)

SETTINGS = (
    Setting("plan_month", "计划月份", "Plan month", "month",
            note_zh="要制定指标的月份，如 2026-12", note_en="month being planned, e.g. 2026-12",
            number_format=MONTH),
    Setting("country", "日历国家", "Calendar country", "text", default="CN",
            note_zh="法定节假日与调休所用国家代码", note_en="country code for holidays and make-up workdays"),
    Setting("currency", "币种", "Currency", "text", default="CNY"),
    Setting("rounding_unit", "取整单位", "Rounding unit", "decimal", default=1.0, minimum=0.0001,
            note_zh="拆分结果取整到此单位，如 1 或 0.01", note_en="splits are rounded to this unit, e.g. 1 or 0.01",
            number_format="0.00"),
    Setting("history_method", "历史同期算法", "History method", "choice", default="trend",
            choices=HISTORY_METHODS,
            note_zh="trend 趋势：去年同期×(1+同比增长)；average 加权平均",
            note_en="trend: last year × (1 + YoY growth); average: weighted mean"),
    Setting("year_weight_1", "去年权重", "Weight of last year", "decimal", default=0.5, minimum=0),
    Setting("year_weight_2", "前年权重", "Weight of 2 years ago", "decimal", default=0.3, minimum=0),
    Setting("year_weight_3", "大前年权重", "Weight of 3 years ago", "decimal", default=0.2, minimum=0),
    Setting("region_history_weight", "区域历史占比权重", "Region history weight (alpha)", "percent",
            default=0.7, minimum=0, maximum=1, number_format=PERCENT,
            note_zh="区域权重 = α×历史份额 + (1−α)×潜力份额",
            note_en="region weight = α × history share + (1 − α) × potential share"),
    Setting("history_window_months", "历史窗口(月)", "History window (months)", "integer", default=12, minimum=1),
    Setting("new_product_reserve", "新品预留", "New-product reserve", "percent", default=0.05,
            minimum=0, maximum=1, number_format=PERCENT,
            note_zh="角色内无历史的新品平分此比例", note_en="share of a role shared equally by its new SKUs"),
    Setting("new_rep_share", "新人起始份额", "New rep starting share", "percent", default=0.5,
            minimum=0, maximum=10, number_format=PERCENT,
            note_zh="无历史新人按区域平均份额的此比例", note_en="new rep gets this fraction of the region's average rep share"),
    Setting("fit_prior", "拟合先验", "Fitting prior", "decimal", default=0.01, minimum=0,
            note_zh="业务员×产品空格子的小先验", note_en="small prior in empty rep × SKU cells"),
    Setting("weekday_pattern", "按星期规律", "Weekday pattern", "bool", default=False,
            note_zh="是：按历史星期分布拆分日目标", note_en="yes: daily split follows history's weekday pattern"),
    Setting("tier_base", "基础倍数", "Base multiplier", "decimal", default=1.0, minimum=0),
    Setting("tier_challenge", "挑战倍数", "Challenge multiplier", "decimal", default=1.1, minimum=0),
    Setting("tier_sprint", "冲刺倍数", "Sprint multiplier", "decimal", default=1.2, minimum=0),
    # Step 1-2, target structure and month target (salesxl/steps/target.py)
    Setting("region_split", "区域拆分依据", "Region split", "choice", default="formula", choices=REGION_SPLITS,
            note_zh="formula 公式：α×历史份额+(1−α)×潜力份额；budget 预算：按区域预算算出的各区域月度目标",
            note_en="formula: α × history share + (1 − α) × potential share; budget: each region's own "
                    "month target from a regional budget"),
    # ---- breakdown (step 4): how each level is spread ----
    Setting("rep_method", "业务员拆分方法", "Rep split method", "choice", default="history", choices=SPREAD_METHODS,
            note_zh="区域到业务员：历史份额/平均/参考期/按网点潜力",
            note_en="region to rep: history share / equal / like a reference period / by outlet potential"),
    Setting("sku_method", "产品拆分方法", "Product split method", "choice", default="history",
            choices=SPREAD_METHODS[:3],
            note_zh="业务员×产品拟合所依据的历史：历史份额/平均/参考期",
            note_en="what the rep × SKU fit follows: history share / equal / like a reference period"),
    Setting("outlet_method", "网点拆分方法", "Outlet split method", "choice", default="history",
            choices=SPREAD_METHODS,
            note_zh="业务员到网点：历史份额(结合潜力)/平均/参考期/按潜力",
            note_en="rep to outlet: history share (blended with potential) / equal / like a reference period / "
                    "by potential"),
    Setting("outlet_history_weight", "网点历史权重", "Outlet history weight (beta)", "percent", default=0.7,
            minimum=0, maximum=1, number_format=PERCENT,
            note_zh="有潜力的网点：权重 = β×历史份额 + (1−β)×潜力份额",
            note_en="an outlet with a potential weighs β × history share + (1 − β) × potential share"),
    Setting("reference_offset", "参考期(前推月数)", "Reference period (months back)", "integer", default=12,
            minimum=1, note_zh="“参考期”方法用计划月前第几个月，12 = 去年同月",
            note_en="the month the reference method follows, counted back from the plan month; 12 = same month "
                    "last year"),
    Setting("new_rep_months", "新人期(月)", "New rep period (months)", "integer", default=3, minimum=0,
            note_zh="历史不足此月数的业务员按新人起始份额", note_en="reps with fewer months of history start at the "
                                                               "new rep share"),
    # ---- issue and agree (step 3): how far the rebalance may go (salesxl/steps/agree.py) ----
    Setting("agree_cap", "上调上限", "Cap over draft", "percent", default=0.3, minimum=0, number_format=PERCENT,
            note_zh="再平衡时“维持草案”的业务员最多比草案高出此比例",
            note_en="rebalancing may raise a 'keep draft' rep at most this much over the draft"),
    Setting("allow_shortfall", "允许缺口", "Allow shortfall", "bool", default=False,
            note_zh="是：达到上限时接受团队合计低于月度目标，缺口显示在目标确认表上",
            note_en="yes: when the cap is reached, accept a team total below the month target (shown on the sheet)"),
    Setting("allow_surplus", "允许超额", "Allow surplus", "bool", default=False,
            note_zh="是：确定数超过月度目标时不压低“维持草案”的业务员，超额显示在目标确认表上",
            note_en="yes: when the fixed figures leave too little, 'keep draft' reps keep their drafts and the "
                    "team total exceeds the month target (shown on the sheet)"),
)

# ---- Step 5, expenses 销售费用 (salesxl/steps/expenses.py): the ceiling and the HQ approvers ----
OVER_CEILING = (
    Choice("error", "报错", "Error"),
    Choice("scale_down", "按比例压缩", "Scale down"),
)

SETTINGS += (
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
    # Backtest (salesxl/steps/backtest.py)
    Setting("backtest_months", "回测月数", "Backtest months", "integer", default=24, minimum=3,
            note_zh="回放计划月份之前的多少个月", note_en="how many months before the plan month to replay"),
    Setting("backtest_loss", "回测评分标准", "Backtest loss", "choice", default="mape", choices=BACKTEST_LOSSES,
            note_zh="mape 平均绝对百分比误差最小；base_hit 达成基础目标的业务员占比最接近70%–90%",
            note_en="mape: smallest mean absolute % error; base_hit: share of reps reaching base closest "
                    "to 70%–90%"),
)

BUDGET = SheetSchema(
    key="budget", zh="年度预算", en="Budget",
    columns=(
        col("year", "年份", "Year", "integer", minimum=1990, maximum=2100),
        col("month", "月份", "Month", "integer", minimum=1, maximum=12),
        col("region", "区域", "Region", required=False, ref=("regions", "region"),
            note_zh="留空表示公司整体", note_en="blank means company level"),
        col("amount", "预算金额", "Budget amount", "decimal", minimum=0),
    ),
    unique=(("year", "month", "region"),),
    purpose_zh="年度预算按月（可分区域）的金额。", purpose_en="The annual budget by month, optionally by region.",
)

HISTORY = SheetSchema(
    key="history", zh="历史销售", en="History",
    columns=(
        col("date", "日期", "Date", "date", required=False, not_blank=False),
        col("month", "月份", "Month", "month", required=False, not_blank=False,
            note_zh="按月汇总的行填月份，不填日期", note_en="monthly rows give the month instead of a date"),
        col("region", "区域", "Region", ref=("regions", "region")),
        col("rep_id", "业务员编号", "Rep ID", required=False, not_blank=False, ref=("reps", "rep_id")),
        col("outlet_id", "网点编号", "Outlet ID", required=False, not_blank=False, ref=("outlets", "outlet_id")),
        col("sku", "产品编码", "SKU", required=False, not_blank=False, ref=("products", "sku")),
        col("qty", "数量", "Quantity", "decimal", required=False, not_blank=False, number_format="#,##0"),
        col("amount", "金额", "Amount", "decimal"),
    ),
    one_of=("date", "month"),
    purpose_zh="历史销售：日明细或月汇总均可。", purpose_en="Sales history at daily or monthly grain.",
)

FACTORS_SHEET = SheetSchema(
    key="factors", zh="参考因素", en="Factors",
    columns=(
        col("factor", "因素", "Factor", "choice", choices=FACTORS),
        col("weight", "权重", "Weight", "percent", minimum=0, maximum=1,
            note_zh="四项权重之和须为100%", note_en="the four weights must sum to 100%"),
        col("growth_rate", "增长率", "Growth rate", "percent", required=False, not_blank=False,
            minimum=-1, note_zh="行业与标杆的年增长率", note_en="annual growth for industry and benchmark"),
        col("source", "数据来源", "Source", required=False, not_blank=False),
        # Backtest (salesxl/steps/backtest.py): past years' growth rates, one row per factor and year.
        col("year", "适用年份", "Year", "integer", required=False, not_blank=False, minimum=1990, maximum=2100,
            note_zh="留空：当前行，适用于没有单独年份行的各年；填年份：该行只用于该年（回测往年需填往年的增长率）",
            note_en="blank: the current row, for every year without a row of its own; a year: the row "
                    "applies to that year only (the backtest needs past years' growth rates)"),
    ),
    unique=(("factor", "year"),),
    purpose_zh="当月指标的四个参考因素及权重（表1）。",
    purpose_en="The four factors of the month target and their weights (Table 1).",
)

PRODUCTS = SheetSchema(
    key="products", zh="产品", en="Products",
    columns=(
        col("sku", "产品编码", "SKU"),
        col("name", "产品名称", "Product name"),
        col("role", "产品角色", "Role", "choice", choices=ROLES),
        col("unit_price", "单价", "Unit price", "decimal", minimum=0),
        col("unit_cost", "单位成本", "Unit cost", "decimal", required=False, not_blank=False, minimum=0),
        col("active", "在售", "Active", "bool", required=False, default=True),
        col("manual_share", "手工份额", "Manual share", "percent", required=False, not_blank=False,
            minimum=0, maximum=1, note_zh="新品在角色内的份额", note_en="a new SKU's share within its role"),
        hold_column(),
    ),
    unique=(("sku",),),
    purpose_zh="产品及其角色：战斗机型、规模型、利润型、形象型。",
    purpose_en="Products and their roles: flagship, volume, profit, image.",
)

ROLE_MIX = SheetSchema(
    key="role_mix", zh="产品结构", en="RoleMix",
    columns=(
        col("role", "产品角色", "Role", "choice", choices=ROLES),
        col("share", "金额占比", "Share of amount", "percent", minimum=0, maximum=1,
            note_zh="各角色占比之和须为100%", note_en="role shares must sum to 100%"),
    ),
    unique=(("role",),),
    purpose_zh="按产品角色的金额结构比例。", purpose_en="Share of the target amount by product role.",
)

REGIONS = SheetSchema(
    key="regions", zh="区域", en="Regions",
    columns=(
        col("region", "区域", "Region"),
        col("market_share", "市场占有率", "Market share", "percent", required=False, not_blank=False,
            minimum=0, maximum=1),
        col("market_capacity", "市场容量", "Market capacity", "decimal", required=False, not_blank=False,
            minimum=0, note_zh="区域年度市场容量（金额）", note_en="the region's annual market size (amount)"),
        col("manual_share", "手工份额", "Manual share", "percent", required=False, not_blank=False,
            minimum=0, maximum=1),
        hold_column(),
    ),
    unique=(("region",),),
    purpose_zh="区域的市场占有率与质地容量。", purpose_en="Regions with market share and capacity.",
)

REPS = SheetSchema(
    key="reps", zh="业务员", en="Reps",
    columns=(
        col("rep_id", "业务员编号", "Rep ID"),
        col("name", "姓名", "Name"),
        col("region", "区域", "Region", ref=("regions", "region")),
        col("manager", "主管", "Manager", required=False, not_blank=False),
        col("active", "在岗", "Active", "bool", required=False, default=True),
        col("manual_share", "手工份额", "Manual share", "percent", required=False, not_blank=False,
            minimum=0, maximum=1),
        col("hire_date", "入职日期", "Hire date", "date", required=False, not_blank=False),
        hold_column(),
    ),
    unique=(("rep_id",),),
    purpose_zh="业务员名单。", purpose_en="The sales reps.",
)

OUTLETS = SheetSchema(
    key="outlets", zh="网点", en="Outlets",
    columns=(
        col("outlet_id", "网点编号", "Outlet ID"),
        col("name", "网点名称", "Outlet name"),
        col("rep_id", "业务员编号", "Rep ID", ref=("reps", "rep_id")),
        col("region", "区域", "Region", ref=("regions", "region")),
        col("core", "核心店", "Core outlet", "bool", required=False, default=False),
        col("potential", "潜力", "Potential", "decimal", required=False, not_blank=False, minimum=0),
        col("developing", "培育中", "Developing", "bool", required=False, default=False,
            note_zh="正在培育的市场", note_en="a market being built"),
        hold_column(),
    ),
    unique=(("outlet_id",),),
    purpose_zh="终端网点及其负责业务员。", purpose_en="Outlets and the rep who serves each.",
)

CALENDAR = SheetSchema(
    key="calendar", zh="日历", en="Calendar",
    columns=(
        col("date", "日期", "Date", "date"),
        col("status", "状态", "Status", "choice", choices=DAY_STATUS),
        col("weight", "权重", "Weight", "decimal", required=False, not_blank=False, minimum=0,
            number_format="0.00"),
        col("note", "备注", "Note", required=False, not_blank=False),
    ),
    unique=(("date",),),
    required=False,
    purpose_zh="可选：覆盖某天是否工作日或其权重。", purpose_en="Optional: override a day's status or weight.",
)

INPUT_SHEETS: tuple[SheetSchema, ...] = (
    SETTINGS_SHEET, BUDGET, FACTORS_SHEET, HISTORY, PRODUCTS, ROLE_MIX, REGIONS, REPS, OUTLETS, CALENDAR,
)
"""Input sheets in the planner's order of filling them."""

# ---- Step 5, expenses 销售费用 (salesxl/steps/expenses.py): the expense policy and the request log ----
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

INPUT_SHEETS += (EXPENSE_POLICY, EXPENSE_REQUESTS)
# ---- Tracking (step 6): the month as it happens — daily logs, actual sales, customers and their touches ----

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

INPUT_SHEETS += (DAILY_LOG, ACTUALS, CUSTOMERS, TOUCHES)

SETTINGS += (
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
)
# ---- Issue and agree (step 3): the feedback round (salesxl/steps/agree.py) ----
# 反馈 Feedback is written by ``salesxl issue-draft`` (one row per active rep with the draft) and filled in by
# the reps (proposal, reason) and the manager (decision, figure, comment). salesxl rewrites it on every issue
# but keeps what was typed. It is read like an issued sheet: its table sits under a title block.

DECISIONS = (
    Choice("accept", "接受提议", "Accept proposal"),
    Choice("keep", "维持草案", "Keep draft"),
    Choice("manager", "主管核定", "Manager figure"),
)

FEEDBACK = SheetSchema(
    key="feedback", zh="反馈", en="Feedback", required=False, issued=True,
    columns=(
        col("month", "月份", "Month", "month"),
        col("rep_id", "业务员编号", "Rep ID"),
        col("name", "姓名", "Name", required=False, not_blank=False),
        col("region", "区域", "Region", required=False, not_blank=False),
        col("draft", "草案目标", "Draft target", "decimal", required=False, not_blank=False,
            note_zh="salesxl 填写，勿改", note_en="written by salesxl, do not edit"),
        col("proposal", "提议目标", "Proposed target", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="业务员填写：希望的目标", note_en="the rep's proposed target"),
        col("reason", "理由", "Reason", required=False, not_blank=False),
        col("decision", "主管决定", "Manager decision", "choice", required=False, not_blank=False,
            choices=DECISIONS, note_zh="接受提议 / 维持草案 / 主管核定；留空 = 维持草案",
            note_en="accept proposal / keep draft / manager figure; blank = keep draft"),
        col("manager_figure", "主管核定数", "Manager figure", "decimal", required=False, not_blank=False,
            minimum=0, note_zh="决定为“主管核定”时必填", note_en="required when the decision is 'manager figure'"),
        col("comment", "主管意见", "Comment", required=False, not_blank=False),
        col("draft_seen", "反馈时草案", "Draft at feedback", "decimal", required=False, not_blank=False,
            note_zh="salesxl 记录：业务员反馈时看到的草案", note_en="kept by salesxl: the draft the rep answered"),
        col("draft_changed", "草案已变", "Draft changed", required=False, not_blank=False,
            note_zh="salesxl 标记：反馈后草案有变", note_en="flagged by salesxl: the draft changed after feedback"),
    ),
    unique=(("month", "rep_id"),),
    purpose_zh="下发草案后业务员的反馈与主管决定（第三步）。",
    purpose_en="The reps' answers to the draft and the manager's decisions (step 3).",
)

INPUT_SHEETS = INPUT_SHEETS + (FEEDBACK,)

# ---- Issued sheets: what the breakdown released, read back by expenses, tracking and close ----
# The breakdown writes these tables (first table of each sheet unless noted); later steps read them with
# read_inputs(book, schemas=ISSUED_SHEETS), so they work from the targets as released, not a recomputation.

ISSUED_REP_TARGETS = SheetSchema(
    key="rep_targets", zh="业务员目标", en="Rep Targets", issued=True,
    columns=(
        col("month", "月份", "Month", "month"),
        col("rep_id", "业务员编号", "Rep ID"),
        col("name", "姓名", "Name", required=False, not_blank=False),
        col("region", "区域", "Region"),
        col("target", "目标", "Target", "decimal", minimum=0),
        col("base", "基础目标", "Base", "decimal", minimum=0),
        col("challenge", "挑战目标", "Challenge", "decimal", minimum=0),
        col("sprint", "冲刺目标", "Sprint", "decimal", minimum=0),
    ),
    unique=(("rep_id",),),
    purpose_zh="各业务员的月目标与三档目标（第一张表）。", purpose_en="Each rep's month target and tiers (first table).",
)

ISSUED_REP_SKU_TARGETS = SheetSchema(
    key="rep_sku_targets", zh="业务员目标", en="Rep Targets", issued=True,
    columns=(
        col("rep_id", "业务员编号", "Rep ID"),
        col("sku", "产品编码", "SKU"),
        col("role", "产品角色", "Role", "choice", choices=ROLES),
        col("sku_target", "产品目标", "SKU target", "decimal", minimum=0),
    ),
    unique=(("rep_id", "sku"),),
    purpose_zh="业务员×产品目标（同一工作表的第二张表）。", purpose_en="Rep × SKU targets (second table on the sheet).",
)

ISSUED_OUTLET_TARGETS = SheetSchema(
    key="outlet_targets", zh="网点目标", en="Outlet Targets", issued=True,
    columns=(
        col("outlet_id", "网点编号", "Outlet ID"),
        col("rep_id", "业务员编号", "Rep ID"),
        col("region", "区域", "Region"),
        col("core", "核心店", "Core outlet", "bool"),
        col("outlet_target", "网点目标", "Outlet target", "decimal", minimum=0),
    ),
    unique=(("outlet_id",),),
    purpose_zh="各网点目标（第一张表）。", purpose_en="Each outlet's target (first table).",
)

ISSUED_CORE_OUTLET_SKU_TARGETS = SheetSchema(
    key="core_outlet_sku_targets", zh="网点目标", en="Outlet Targets", issued=True,
    columns=(
        col("outlet_id", "网点编号", "Outlet ID"),
        col("sku", "产品编码", "SKU"),
        col("outlet_sku_target", "网点产品目标", "Outlet SKU target", "decimal", minimum=0),
    ),
    unique=(("outlet_id", "sku"),),
    purpose_zh="核心店×产品目标（第二张表）。", purpose_en="Core outlet × SKU targets (second table).",
)

ISSUED_DAILY_TARGETS = SheetSchema(
    key="daily_targets", zh="日目标", en="Daily Targets", issued=True,
    columns=(
        col("date", "日期", "Date", "date"),
        col("rep_id", "业务员编号", "Rep ID"),
        col("daily_target", "日目标", "Daily target", "decimal", minimum=0),
        col("target_to_date", "累计目标", "Target to date", "decimal", minimum=0),
    ),
    unique=(("date", "rep_id"),),
    purpose_zh="业务员×工作日目标（第一张表）。", purpose_en="Rep × day targets (first table).",
)

ISSUED_SHEETS: tuple[SheetSchema, ...] = (
    ISSUED_REP_TARGETS, ISSUED_REP_SKU_TARGETS, ISSUED_OUTLET_TARGETS, ISSUED_CORE_OUTLET_SKU_TARGETS,
    ISSUED_DAILY_TARGETS,
)

# ---- Step 5, expenses: the budget as issued, read back by the request review (salesxl expenses-review) ----
# Written by the expenses step, not the breakdown, so it stays out of ISSUED_SHEETS.
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

# Not part of ISSUED_SHEETS: that tuple is the breakdown's release, which tracking and close read whole.
# ---- Issue and agree (step 3): the agreed targets, read back by the breakdown and by close (signed) ----

ISSUED_AGREED_TARGETS = SheetSchema(
    key="agreed_targets", zh="目标确认", en="Agreed Targets", issued=True, required=False,
    columns=(
        col("month", "月份", "Month", "month"),
        col("rep_id", "业务员编号", "Rep ID"),
        col("name", "姓名", "Name", required=False, not_blank=False),
        col("draft", "草案目标", "Draft target", "decimal", required=False, not_blank=False),
        col("agreed", "确认目标", "Agreed target", "decimal", minimum=0),
        col("signed", "签署", "Signed", "bool", required=False, default=False,
            note_zh="业务员签署军令状后填“是”", note_en="type yes once the rep has signed the commitment"),
        col("signed_date", "签署日期", "Signed date", "date", required=False, not_blank=False),
    ),
    unique=(("rep_id",),),
    purpose_zh="确认后的业务员目标与签署情况（第一张表）。",
    purpose_en="The agreed rep targets and who has signed (first table).",
)
"""Not one of ISSUED_SHEETS (the release's tables): read on its own by the breakdown, commitments and close."""

GUIDE = OutputSheetName("guide", "说明", "Guide")
MONTH_TARGET = OutputSheetName("month_target", "月度目标", "Month Target")
TARGET_STRUCTURE = OutputSheetName("target_structure", "任务结构", "Target Structure")
REP_TARGETS = OutputSheetName("rep_targets", "业务员目标", "Rep Targets")
OUTLET_TARGETS = OutputSheetName("outlet_targets", "网点目标", "Outlet Targets")
DAILY_TARGETS = OutputSheetName("daily_targets", "日目标", "Daily Targets")
VERSIONS = OutputSheetName("versions", "版本", "Versions")
PROBLEMS = OutputSheetName("problems", "问题", "Problems")
# Backtest (salesxl/steps/backtest.py)
BACKTEST = OutputSheetName("backtest", "回测", "Backtest")

OUTPUT_SHEETS: tuple[OutputSheetName, ...] = (
    MONTH_TARGET, TARGET_STRUCTURE, REP_TARGETS, OUTLET_TARGETS, DAILY_TARGETS, VERSIONS, PROBLEMS,
    BACKTEST,
)
"""Sheets salesxl writes. Later steps add theirs."""

# ---- Step 5, expenses: the budget issued with the targets, and the ledger of the request log ----
EXPENSE_BUDGET = OutputSheetName("expense_budget", "费用预算", "Expense Budget")
EXPENSE_LEDGER = OutputSheetName("expense_ledger", "费用台账", "Expense Ledger")

OUTPUT_SHEETS += (EXPENSE_BUDGET, EXPENSE_LEDGER)
# ---- Tracking (step 6) ----
PROGRESS = OutputSheetName("progress", "进度", "Progress")
WEEKLY_REVIEW = OutputSheetName("weekly_review", "周报", "Weekly Review")
FOLLOWUP_PLAN = OutputSheetName("followup_plan", "跟进计划", "Follow-up Plan")

OUTPUT_SHEETS += (PROGRESS, WEEKLY_REVIEW, FOLLOWUP_PLAN)
# ---- Issue and agree (step 3) ----
FEEDBACK_SHEET = OutputSheetName("feedback", "反馈", "Feedback")  # also an input sheet: the reps fill it in
AGREED_TARGETS = OutputSheetName("agreed_targets", "目标确认", "Agreed Targets")
AGREEMENT_HISTORY = OutputSheetName("agreement_history", "目标确认历史", "Agreement History")
COMMITMENTS = OutputSheetName("commitments", "军令状", "Commitments")
OUTPUT_SHEETS = OUTPUT_SHEETS + (FEEDBACK_SHEET, AGREED_TARGETS, AGREEMENT_HISTORY, COMMITMENTS)


def schema(key: str) -> SheetSchema:
    for s in INPUT_SHEETS:
        if s.key == key:
            return s
    raise KeyError(key)


def setting(key: str) -> Setting:
    for s in SETTINGS:
        if s.key == key:
            return s
    raise KeyError(key)


# ---- Step 7 月末考核 Close: the incentive rules, the performance sheet (actuals are tracking's, above) ----

RULE_KINDS = (
    Choice("bonus", "档位奖金", "Tier bonus"),
    Choice("commission", "提成", "Commission"),
    Choice("accelerator", "加速", "Accelerator"),
    Choice("cap", "封顶", "Cap"),
    Choice("floor", "处罚线", "Floor penalty"),
    Choice("mix", "结构条件", "Product-mix condition"),
    Choice("expense", "费用条件", "Expense condition"),
    Choice("signed", "须签署", "Must be signed"),
)

RULE_MODES = (
    Choice("flat", "整体", "Flat"),
    Choice("step", "分段", "Step"),
    Choice("linear", "曲线", "Linear"),
    Choice("fixed", "固定扣款", "Fixed deduction"),
    Choice("rate", "比例扣款", "Rate deduction"),
    Choice("forfeit", "取消奖励", "Forfeit reward"),
    Choice("withhold_bonus", "扣发档位奖金", "Withhold tier bonus"),
)

INCENTIVE_RULES = SheetSchema(
    key="incentive_rules", zh="激励规则", en="Incentive Rules",
    columns=(
        col("scope", "适用范围", "Applies to", required=False, not_blank=False,
            note_zh="留空=全体；或填区域、业务员编号。一名业务员只用最具体的一组规则（业务员 > 区域 > 全体）",
            note_en="blank = everyone; or a region or rep ID. A rep follows only the most specific set "
                    "(rep > region > everyone)"),
        col("rule", "规则", "Rule", "choice", choices=RULE_KINDS, width=18),
        col("tier", "档位", "Tier", "choice", required=False, not_blank=False, choices=TIERS,
            note_zh="档位奖金：达到的档位；提成：从该档位起", note_en="bonus: the tier reached; commission: band from this tier"),
        col("threshold", "门槛", "Threshold", "percent", required=False, not_blank=False, minimum=0,
            note_zh="提成段起点或曲线点的达成率；加速、封顶的达成率；处罚线=基础目标的百分比；"
                    "结构条件=该角色目标的最低达成率；费用条件=预算使用率（默认100%）",
            note_en="attainment where a band or curve point starts; accelerator or cap attainment; floor = % of base; "
                    "mix = minimum attainment of the role's target; expense = budget used (default 100%)"),
        col("amount", "金额", "Amount", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="档位奖金、固定扣款、封顶金额；曲线方式为目标奖金",
            note_en="tier bonus, fixed deduction, cap amount; for a linear curve the target incentive"),
        col("rate", "比例", "Rate", "percent", required=False, not_blank=False, minimum=0,
            note_zh="提成比例；曲线方式为目标奖金的发放比例；比例扣款（处罚线：差基础目标部分×比例；费用：超支×比例）",
            note_en="commission rate; for a linear curve the % of target incentive paid; rate deduction "
                    "(floor: rate × shortfall to base; expense: rate × overspend)"),
        col("factor", "倍数", "Factor", "decimal", required=False, not_blank=False, minimum=0,
            number_format="0.00", note_zh="加速：门槛以上所得提成乘以此倍数",
            note_en="accelerator: commission earned above the threshold is multiplied by this"),
        col("mode", "方式", "Mode", "choice", required=False, not_blank=False, choices=RULE_MODES,
            note_zh="提成：整体/分段/曲线（默认整体）；处罚线、费用条件：固定扣款/比例扣款/取消奖励；"
                    "结构条件：扣发档位奖金（默认）/取消奖励",
            note_en="commission: flat/step/linear (default flat); floor and expense: fixed/rate/forfeit; "
                    "mix: withhold_bonus (default)/forfeit"),
        col("role", "产品角色", "Role", "choice", required=False, not_blank=False, choices=ROLES,
            note_zh="结构条件考核的产品角色", note_en="the product role a mix condition checks"),
        col("note", "说明", "Note", required=False, not_blank=False),
    ),
    required=False,
    purpose_zh="月末考核的“游戏规则”：档位奖金、提成、加速、封顶、处罚线、结构、费用与签署条件。",
    purpose_en="The month-end 'game rules': tier bonus, commission, accelerators, cap, floor, mix, expense and "
               "signature conditions.",
)

INPUT_SHEETS += (INCENTIVE_RULES,)

SIGNATURE_RULES = (
    Choice("pay", "照发", "Pay"),
    Choice("withhold", "暂扣", "Withhold"),
)

SETTINGS += (
    Setting("signature_unknown", "签署状态未知时", "When signature is unknown", "choice", default="pay",
            choices=SIGNATURE_RULES,
            note_zh="有“须签署”规则但没有签署记录时：pay 照发（注明未核）或 withhold 暂扣",
            note_en="a must-be-signed rule with no signature record: pay (noted as unchecked) or withhold"),
    Setting("payout_unit", "奖金取整单位", "Payout rounding unit", "decimal", default=0.01, minimum=0.0001,
            note_zh="奖金、提成与扣款取整到此单位", note_en="bonus, commission and deductions are rounded to this unit",
            number_format="0.00"),
    Setting("summary_top_n", "前后名单人数", "Top and bottom list size", "integer", default=3, minimum=1,
            note_zh="月末小结列出的前几名与后几名", note_en="how many top and bottom performers the summary lists"),
)

AGREED_SIGNATURES = SheetSchema(
    key="agreed_signatures", zh="目标确认", en="Agreed Targets", issued=True, required=False,
    columns=(
        col("rep_id", "业务员编号", "Rep ID"),
        col("signed", "签署", "Signed", "bool", required=False, not_blank=False),
    ),
    unique=(("rep_id",),),
    purpose_zh="可选：确认步骤记录的军令状签署状态。", purpose_en="Optional: signed commitments recorded by the agreement step.",
)
"""Read by the close step when present; absent, a must-be-signed rule cannot be checked."""

EXPENSE_LEDGER_USE = SheetSchema(
    key="expense_ledger_use", zh="费用台账", en="Expense Ledger", issued=True, required=False,
    columns=(
        col("rep_id", "业务员编号", "Rep ID", not_blank=False),
        col("budget", "预算", "Budget", "decimal"),
        col("verified", "已核查支出", "Verified spend", "decimal"),
    ),
    purpose_zh="可选：费用台账“按业务员”表中各业务员持有的预算与已核查支出。",
    purpose_en="Optional: the budget and verified spend each rep holds, from the ledger's by-rep table.",
)
"""Read by the close step when present (the expense step writes it); absent, the expense condition is not checked."""

PERFORMANCE = OutputSheetName("performance", "月末绩效", "Performance")

OUTPUT_SHEETS += (PERFORMANCE,)

# ---- Tracking (step 6): expense ahead of sales against the issued expense budget (salesxl/core/tracking.py) ----

SETTINGS += (
    Setting("expense_budget_margin", "费用超前容差", "Expense-ahead margin", "percent", default=0.1, minimum=0,
            maximum=10, number_format=PERCENT,
            note_zh="已用费用预算的比例超过目标完成比例这么多则提示（没有费用预算表时改用费用率上限）",
            note_en="flag when the share of expense budget spent exceeds the share of target achieved by more "
                    "than this (without an Expense Budget sheet the expense-to-sales limit is used)"),
)

# ---- 总览 Dashboard: the month on one page, read back from the sheets the other steps wrote ----
# Each schema picks one table of an output sheet by its headers (the reader takes the table naming the most
# of these columns). None is required: a sheet that is missing means its step has not run, and the
# dashboard leaves that block out with a note naming the step.


def readback(key: str, sheet: OutputSheetName, columns: tuple[Column, ...], what_zh: str, what_en: str
             ) -> SheetSchema:
    return SheetSchema(key=key, zh=sheet.zh, en=sheet.en, issued=True, required=False, columns=columns,
                       purpose_zh=what_zh, purpose_en=what_en)


def optional(key, zh, en, type="text") -> Column:
    return col(key, zh, en, type, required=False, not_blank=False)


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

OUTPUT_SHEETS += (DASHBOARD,)
# ---- History from files (issue 12; salesxl/sources/history_files.py): history too large for a sheet ----
SETTINGS += (
    Setting("history_source", "历史数据文件", "History file", "text", default="",
            note_zh="留空：读取“历史销售 History”表；否则填CSV或Parquet文件或文件夹的路径（相对于工作簿所在文件夹），"
                    "列与History表相同，此时不读History表",
            note_en="blank: the History sheet; otherwise a CSV or Parquet file, or a folder of them, relative to the "
                    "workbook's folder, with the History sheet's columns (the sheet is then not read)"),
)
