"""The workbook contract: every input sheet and setting salesxl reads.

Later steps add their sheets here, the same way. The template, the Guide sheet,
the reader and the docs are generated from these declarations.
"""

from __future__ import annotations

from .schema import Choice, Column, OutputSheetName, SheetSchema, Setting

AMOUNT = "#,##0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
MONTH = "yyyy-mm"
INTEGER = "0"

ROLES = (
    Choice("flagship", "战斗机型", "Flagship"),
    Choice("volume", "规模型", "Volume"),
    Choice("profit", "利润型", "Profit"),
    Choice("image", "形象型", "Image"),
)

FACTORS = (
    Choice("budget", "年度预算", "Annual budget"),
    Choice("history", "历史同期", "Same month history"),
    Choice("industry", "行业增长", "Industry growth"),
    Choice("benchmark", "标杆增长", "Benchmark growth"),
)

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
    ),
    unique=(("factor",),),
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

OUTPUT_SHEETS: tuple[OutputSheetName, ...] = (
    MONTH_TARGET, TARGET_STRUCTURE, REP_TARGETS, OUTLET_TARGETS, DAILY_TARGETS, VERSIONS, PROBLEMS,
)
"""Sheets salesxl writes. Later steps add theirs."""

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
