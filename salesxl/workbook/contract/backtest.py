"""The backtest (salesxl/steps/backtest.py): how many months to replay and how to score them."""

from __future__ import annotations

from ...terms import Choice
from ..schema import OutputSheetName, Setting

BACKTEST_LOSSES = (
    Choice("mape", "平均绝对百分比误差", "Mean absolute % error"),
    Choice("base_hit", "基础目标达成面", "Base hit rate 70–90%"),
)


SETTINGS = (
    Setting("backtest_months", "回测月数", "Backtest months", "integer", default=24, minimum=3,
            note_zh="回放计划月份之前的多少个月", note_en="how many months before the plan month to replay"),
    Setting("backtest_loss", "回测评分标准", "Backtest loss", "choice", default="mape", choices=BACKTEST_LOSSES,
            note_zh="mape 平均绝对百分比误差最小；base_hit 达成基础目标的业务员占比最接近70%–90%",
            note_en="mape: smallest mean absolute % error; base_hit: share of reps reaching base closest "
                    "to 70%–90%"),
)


INPUTS = ()


BACKTEST = OutputSheetName("backtest", "回测", "Backtest")


OUTPUTS = (BACKTEST,)
