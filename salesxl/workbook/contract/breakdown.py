"""Step 4, the official release (salesxl/steps/breakdown.py): reps, outlets, the calendar, how each level is
spread, the tiers, and the release's tables as later steps read them back.

The breakdown writes the issued tables (the first table of each sheet unless noted); expenses, tracking and the
close read them with ``read_inputs(book, schemas=ISSUED_SHEETS)``, so they work from the targets as released,
not a recomputation.
"""

from __future__ import annotations

from ...terms import ROLES, Choice
from ..schema import OutputSheetName, SheetSchema, Setting
from .base import PERCENT, col, hold_column

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


SETTINGS = (
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


INPUTS = (REPS, OUTLETS, CALENDAR)


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
"""The release's tables, which tracking and the close read whole."""


REP_TARGETS = OutputSheetName("rep_targets", "业务员目标", "Rep Targets")
OUTLET_TARGETS = OutputSheetName("outlet_targets", "网点目标", "Outlet Targets")
DAILY_TARGETS = OutputSheetName("daily_targets", "日目标", "Daily Targets")


OUTPUTS = (REP_TARGETS, OUTLET_TARGETS, DAILY_TARGETS)
