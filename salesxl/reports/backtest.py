"""The ``回测 Backtest`` sheet: how the month target would have done, and weights that would have done better.

Top to bottom: the summary of the replay with the current weights, the weight
suggestions next to the current weights, which factors could be replayed, and
every replayed month with its four factor values, target, actual, errors and
the shares of reps who would have reached each tier, and beside it a native line
chart of the replayed target against actual sales by month. A manager reads the
suggestions, and copies one into the Factors sheet if they want it; salesxl
never changes the weights itself.
"""

from __future__ import annotations

from ..core.backtest import BASE_BAND, Backtest
from ..core.settings import Settings
from ..workbook.backend import OutChart, OutColumn, OutTable, SheetOutput
from ..workbook.contract.backtest import BACKTEST, BACKTEST_LOSSES
from ..workbook.contract.target import HISTORY_METHODS

SUMMARY_COLUMNS = (
    OutColumn("months", "回放月数", "Months replayed", "integer"),
    OutColumn("first", "起始月份", "First month", "month"),
    OutColumn("last", "结束月份", "Last month", "month"),
    OutColumn("mape", "平均绝对百分比误差", "Mean abs % error (MAPE)", "percent"),
    OutColumn("bias", "平均偏差", "Mean bias", "percent"),
    OutColumn("over", "目标高于实际月数", "Months target above actual", "integer"),
    OutColumn("under", "目标低于实际月数", "Months target below actual", "integer"),
    OutColumn("target_total", "回放目标合计", "Replayed targets, total", "amount"),
    OutColumn("actual_total", "实际销售合计", "Actual sales, total", "amount"),
    OutColumn("total_error", "合计偏差", "Total bias", "percent"),
    OutColumn("base_share", "达成基础目标业务员占比", "Reps reaching base", "percent", look="share"),
    OutColumn("challenge_share", "达成挑战目标业务员占比", "Reps reaching challenge", "percent", look="share"),
    OutColumn("sprint_share", "达成冲刺目标业务员占比", "Reps reaching sprint", "percent", look="share"),
    OutColumn("months_in_band", "基础达成面在70%–90%的月数", "Months with base share in 70%–90%", "integer"),
)

SUGGESTION_COLUMNS = (
    OutColumn("rank", "排名", "Rank"),
    OutColumn("budget", "年度预算权重", "Budget weight", "percent", look="share"),
    OutColumn("history", "历史同期权重", "History weight", "percent", look="share"),
    OutColumn("industry", "行业增长权重", "Industry weight", "percent", look="share"),
    OutColumn("benchmark", "标杆增长权重", "Benchmark weight", "percent", look="share"),
    OutColumn("mape", "平均绝对百分比误差", "MAPE", "percent"),
    OutColumn("bias", "平均偏差", "Mean bias", "percent"),
    OutColumn("base_share", "达成基础目标业务员占比", "Reps reaching base", "percent", look="share"),
    OutColumn("months_in_band", "基础达成面在70%–90%的月数", "Months with base share in 70%–90%", "integer"),
    OutColumn("score", "评分（越小越好）", "Score (lower is better)", "percent"),
)

FACTOR_COLUMNS = (
    OutColumn("label", "因素", "Factor"),
    OutColumn("weight_set", "设定权重", "Weight set", "percent", total=True, look="share"),
    OutColumn("weight_replayed", "回放权重", "Weight in the replay", "percent", total=True, look="share"),
    OutColumn("in_search", "参与权重搜索", "In the weight search", "bool"),
    OutColumn("missing", "缺少的数据", "What is missing"),
)

MONTH_COLUMNS = (
    OutColumn("month", "月份", "Month", "month"),
    OutColumn("budget", "年度预算因素", "Budget factor", "amount"),
    OutColumn("history", "历史同期因素", "History factor", "amount"),
    OutColumn("industry", "行业增长因素", "Industry factor", "amount"),
    OutColumn("benchmark", "标杆增长因素", "Benchmark factor", "amount"),
    OutColumn("target", "回放目标", "Replayed target", "amount", total=True),
    OutColumn("actual", "实际销售", "Actual sales", "amount", total=True),
    OutColumn("error", "误差（目标−实际）", "Error (target − actual)", "amount", total=True),
    OutColumn("abs_pct_error", "绝对百分比误差", "Abs % error", "percent"),
    OutColumn("bias", "偏差（+偏高 −偏低）", "Bias (+ over, − under)", "percent"),
    OutColumn("reps", "业务员数", "Reps", "integer"),
    OutColumn("base_share", "达成基础", "Reached base", "percent", look="share"),
    OutColumn("challenge_share", "达成挑战", "Reached challenge", "percent", look="share"),
    OutColumn("sprint_share", "达成冲刺", "Reached sprint", "percent", look="share"),
    OutColumn("note", "说明", "Note"),
)


def choice_label(choices, key: str) -> str:
    return next((f"{c.zh} {c.key}" for c in choices if c.key == key), key)


def backtest_sheet(result: Backtest, settings: Settings) -> SheetOutput:
    """回测 Backtest: summary, weight suggestions, factors replayed, and every replayed month."""
    low, high = BASE_BAND
    subtitle = (f"计划月份 Plan month {result.plan_month} · 回测月数 Months {result.window_months} · "
                f"评分标准 Loss: {choice_label(BACKTEST_LOSSES, result.loss)} · "
                f"历史同期算法 History method: {choice_label(HISTORY_METHODS, settings.history_method)}")
    loss_note = (
        "评分：平均绝对百分比误差，越小越好。 Score: the mean absolute % error; lower is better."
        if result.loss == "mape" else
        f"评分：各月达成基础目标的业务员占比偏离 {low:.0%}–{high:.0%} 的平均距离，越小越好；相同时按平均绝对百分比误差。"
        f" Score: how far the share of reps reaching base falls outside {low:.0%}–{high:.0%}, averaged over the "
        "months; lower is better; ties go to the smaller MAPE.")
    return SheetOutput(
        sheet=BACKTEST,
        subtitle=subtitle,
        notes=[*result.notes, loss_note],
        tables=[
            OutTable(result.summary, SUMMARY_COLUMNS, heading="汇总（当前权重） Summary (current weights)",
                     name="sx_backtest_summary"),
            OutTable(result.suggestions, SUGGESTION_COLUMNS,
                     heading="权重建议（第一行为当前权重） Weight suggestions (first row: the current weights)",
                     name="sx_backtest_suggestions"),
            OutTable(result.factors, FACTOR_COLUMNS, heading="参考因素 Factors in the replay",
                     name="sx_backtest_factors"),
            OutTable(result.months, MONTH_COLUMNS, heading="逐月回放 Month by month", name="sx_backtest_months"),
        ],
        charts=[OutChart("line", "回放目标与实际销售 Replayed target vs actual sales", "sx_backtest_months", "month",
                         ("target", "actual"), "金额 Amount")],
    )
