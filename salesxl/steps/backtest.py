"""回测 Backtest: replay the month target over past months and suggest weights.

Reads the Settings, Budget, Factors, History and Regions sheets, replays the
four-factor target for each past month from what was known at the end of the
month before (:func:`salesxl.core.backtest.backtest`), and writes
``回测 Backtest`` — only that sheet, and only when the input has no errors. The
Factors sheet's weights are never changed.
"""

from __future__ import annotations

from ..core.backtest import backtest as replay_and_search
from ..reports.backtest import backtest_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs
from . import Progress, StepResult, quiet, run_step

BACKTEST_SHEETS = ("settings", "budget", "factors", "history", "regions")
"""The input sheets the backtest reads."""


def backtest(book: WorkbookBackend, progress: Progress = quiet, months: int | None = None,
             loss: str | None = None) -> StepResult:
    """回测 Backtest: replay past months with the current weights, score them, suggest better weights.

    ``months`` and ``loss`` override the Settings sheet's ``backtest_months`` and ``backtest_loss``.
    """
    def plan(inputs: Inputs):
        settings = inputs.settings
        result, problems = replay_and_search(
            inputs["budget"], inputs["history"], inputs["factors"], settings, inputs["regions"],
            months=int(months or settings.backtest_months),
            loss=loss or settings.backtest_loss)
        if any(p.severity == "error" for p in problems):
            return [], problems, ""
        summary, best = result.summary.iloc[0], result.suggestions.iloc[1]
        weights = " / ".join(f"{best[k]:.0%}" for k in ("budget", "history", "industry", "benchmark"))
        text = (f"回测 backtest {summary['first']}–{summary['last']} ({summary['months']} 月 months): "
                f"MAPE {summary['mape']:.1%}, 偏差 bias {summary['bias']:+.1%}; "
                f"最佳权重 best weights (budget/history/industry/benchmark) {weights}, "
                f"MAPE {best['mape']:.1%}")
        return [backtest_sheet(result, settings)], problems, text

    return run_step(book, BACKTEST_SHEETS, plan, progress)
