"""The ``总览 Dashboard`` sheet: the month on one printed A4 landscape page.

Top to bottom: the key figures in one line, the flags that need a word, then a
grid of six native charts (build-up of the month target, structure by role and
by region against last year, progress by working day, reps ranked by attainment
with their tier lines, expense burn against time). The printed page ends there.
Below it, off the page but on screen, are the small tables the charts are drawn
from, so every chart stays live and editable in Excel.

A block whose step has not run yet has no chart; its place in the grid stays
empty and a note under the title names the step to run.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..core.dashboard import Dashboard
from ..workbook.backend import OutChart, OutColumn, OutTable, PageSetup, SheetOutput
from ..workbook.contract.dashboard import DASHBOARD

GRID_COLUMNS, GRID_ROWS = 3, 2
CHART_ROWS = 15
"""A chart is 15 rows tall (about 8 cm) and 54 characters wide (about 10 cm)."""
COLUMN_WIDTHS = {"A": 36.0, **{letter: 18.0 for letter in "BCDEFGH"}}
CHART_COLUMNS = ((1, 2), (3, 5), (6, 8))
"""The columns each chart of a grid row covers: A–B, C–E, F–H, each 54 characters wide."""
CHART_SPACE_ROWS = GRID_ROWS * (CHART_ROWS + 1) + 1
"""Rows left blank for the chart grid: a blank row above each row of charts and one below."""

KEY_COLUMNS = [
    OutColumn("month", "计划月份", "Month", "month"),
    OutColumn("target", "月度目标", "Target", "amount"),
    OutColumn("last_year", "去年同期", "Last year", "amount"),
    OutColumn("growth", "增长", "Growth", "percent"),
    OutColumn("actual", "累计实际", "Actual", "amount"),
    OutColumn("attainment", "完成率", "Attainment", "percent", look="tier"),
    OutColumn("pace", "进度比", "Pace", "percent", look="tier"),
    OutColumn("as_of", "截至", "As of", "date"),
]
FLAG_COLUMNS = [
    OutColumn("flag", "预警", "Flag"),
    OutColumn("count", "数量", "Count", "integer"),
    OutColumn("where", "查看", "Where to look"),
]
BUILD_UP_COLUMNS = [
    OutColumn("step", "构成", "Step"),
    OutColumn("start", "起点", "Start", "amount"),
    OutColumn("contribution", "加权贡献", "Weighted contribution", "amount"),
    OutColumn("total", "月度目标", "Month target", "amount"),
]
VERSUS_COLUMNS = [
    OutColumn("label", "名称", "Name"),
    OutColumn("target", "本月目标", "Target", "amount"),
    OutColumn("last_year", "去年同期", "Last year", "amount"),
    OutColumn("growth", "增长", "Growth", "percent"),
]
PROGRESS_COLUMNS = [
    OutColumn("date", "工作日", "Working day", "date"),
    OutColumn("cumulative_target", "累计目标", "Cumulative target", "amount"),
    OutColumn("cumulative_actual", "累计实际", "Cumulative actual", "amount"),
]
REP_COLUMNS = [
    OutColumn("rep", "业务员", "Rep"),
    OutColumn("attainment", "达成率", "Attainment", "percent", look="tier"),
    OutColumn("base", "基础线", "Base line", "percent"),
    OutColumn("challenge", "挑战线", "Challenge line", "percent"),
    OutColumn("sprint", "冲刺线", "Sprint line", "percent"),
]
EXPENSE_COLUMNS = [
    OutColumn("date", "日期", "Date", "date"),
    OutColumn("budget_to_date", "按时间应用预算", "Budget by time", "amount"),
    OutColumn("approved", "累计认可批复", "Approved to date", "amount"),
    OutColumn("verified", "累计核查支出", "Verified to date", "amount"),
    OutColumn("budget", "月度预算", "Month budget", "amount"),
]


def dashboard_sheet(board: Dashboard, currency: str = "") -> SheetOutput:
    """Build the Dashboard sheet from the gathered figures."""
    month = f"{board.month}" if board.month is not None else "—"
    as_of = board.key_figures["as_of"].iloc[0]
    subtitle = (f"计划月份 Plan month {month}"
                + (f" · 截至 as of {as_of:%Y-%m-%d}" if as_of is not None and pd.notna(as_of) else "")
                + (f" · 币种 Currency {currency}" if currency else "")
                + " · 汇总自各输出表 gathered from the output sheets")
    tables = [
        OutTable(board.key_figures, KEY_COLUMNS, heading="要点 Key figures", name="sx_dash_key"),
        OutTable(board.flags, FLAG_COLUMNS, heading="预警 Flags", name="sx_dash_flags",
                 tone="alert" if board.flags["count"].fillna(0).sum() else "normal"),
    ]
    charts: list[OutChart] = []
    blocks = [
        (board.build_up, BUILD_UP_COLUMNS, "月度目标构成 Month target build-up", "sx_dash_build_up",
         OutChart("column", "目标构成 Target build-up", "sx_dash_build_up", "step",
                  ("start", "contribution", "total"), y_kind="integer", stacked=True, hidden=("start",))),
        (board.roles, VERSUS_COLUMNS, "产品角色：目标与去年同期 By product role: target vs last year",
         "sx_dash_roles",
         OutChart("column", "产品角色 By role", "sx_dash_roles", "label", ("target", "last_year"), y_kind="integer")),
        (board.regions, VERSUS_COLUMNS, "区域：目标与去年同期 By region: target vs last year", "sx_dash_regions",
         OutChart("column", "区域 By region", "sx_dash_regions", "label", ("target", "last_year"), y_kind="integer")),
        (board.progress, PROGRESS_COLUMNS, "进度：按工作日累计 Progress by working day", "sx_dash_progress",
         OutChart("line", "累计进度 Burn-up", "sx_dash_progress", "date",
                  ("cumulative_target", "cumulative_actual"), y_kind="integer")),
        (board.reps, REP_COLUMNS, "业务员达成率排行 Reps by attainment", "sx_dash_reps",
         OutChart("column", "达成率 Attainment", "sx_dash_reps", "rep", ("attainment",),
                  lines=("base", "challenge", "sprint"), y_kind="percent")),
        (board.expenses, EXPENSE_COLUMNS, "费用进度 Expense burn", "sx_dash_expenses",
         OutChart("line", "费用进度 Expense burn", "sx_dash_expenses", "date",
                  ("budget_to_date", "approved", "verified"), y_kind="integer")),
    ]
    first_data = True
    for slot, (frame, columns, heading, name, chart) in enumerate(blocks):
        if frame is None:
            continue
        tables.append(OutTable(frame, columns, heading=heading, name=name,
                               space_above=CHART_SPACE_ROWS if first_data else 0))
        first_data = False
        charts.append(placed(chart, slot))
    if first_data:  # no chart at all: still print the key figures and flags on one page
        tables.append(OutTable(pd.DataFrame({"note": []}), [OutColumn("note", "说明", "Note")],
                               heading="图表数据 Chart data", space_above=1))
    return SheetOutput(DASHBOARD, subtitle, list(board.notes), tables, charts,
                       page=PageSetup(orientation="landscape", title_rows=0, one_page=True, freeze=False),
                       column_widths=COLUMN_WIDTHS)


def placed(chart: OutChart, slot: int) -> OutChart:
    """The chart in its slot of the grid: three across, two down, left to right."""
    row, column = divmod(slot, GRID_COLUMNS)
    top = 2 + row * (CHART_ROWS + 1)
    first, last = CHART_COLUMNS[column]
    return replace(chart, cells=(top, first, top + CHART_ROWS - 1, last))
