"""Steps 1–2, the month target and its structure (salesxl/steps/target.py): what the draft plan reads.

The plan month and the calendar country lead the Settings sheet; the history comes from its sheet or, when
``history_source`` names them, from CSV/Parquet files (:mod:`salesxl.sources.history_files`).
"""

from __future__ import annotations

from ...terms import FACTORS, ROLES, Choice
from ..schema import OutputSheetName, SheetSchema, Setting
from .base import MONTH, PERCENT, SETTINGS_SHEET, col, hold_column

REGION_SPLITS = (
    Choice("formula", "权重公式", "Weight formula"),
    Choice("budget", "区域预算", "Regional budget"),
)

HISTORY_METHODS = (
    Choice("trend", "趋势", "Trend"),
    Choice("average", "加权平均", "Weighted average"),
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
    Setting("region_split", "区域拆分依据", "Region split", "choice", default="formula", choices=REGION_SPLITS,
            note_zh="formula 公式：α×历史份额+(1−α)×潜力份额；budget 预算：按区域预算算出的各区域月度目标",
            note_en="formula: α × history share + (1 − α) × potential share; budget: each region's own "
                    "month target from a regional budget"),
    Setting("history_source", "历史数据文件", "History file", "text", default="",
            note_zh="留空：读取“历史销售 History”表；否则填CSV或Parquet文件或文件夹的路径（相对于工作簿所在文件夹），"
                    "列与History表相同，此时不读History表",
            note_en="blank: the History sheet; otherwise a CSV or Parquet file, or a folder of them, relative to the "
                    "workbook's folder, with the History sheet's columns (the sheet is then not read)"),
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


INPUTS = (SETTINGS_SHEET, BUDGET, FACTORS_SHEET, HISTORY, PRODUCTS, ROLE_MIX, REGIONS)


MONTH_TARGET = OutputSheetName("month_target", "月度目标", "Month Target")
TARGET_STRUCTURE = OutputSheetName("target_structure", "任务结构", "Target Structure")


OUTPUTS = (MONTH_TARGET, TARGET_STRUCTURE)
