"""Output sheets as a planner step writes them, for tests of the file backend."""

from __future__ import annotations

import pandas as pd

from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.schema import OutputSheetName

MONTH_TARGET = OutputSheetName("month_target", "月度目标", "Month Target")
PROBLEMS = OutputSheetName("problems", "问题", "Problems")

NAMES = ["王伟", "=1+1", "@SUM(A1)", "-5", "+86 138"]
"""Rep names as typed; four look like formulas and must be written as text (formula injection)."""

TARGETS = [1200.5, 300.0, 99.5, 400.0, 0.0]
TOTAL = 2000.0
"""1200.5 + 300 + 99.5 + 400 + 0: the SUBTOTAL under the target column."""


def planner_outputs(total: bool = True) -> list[SheetOutput]:
    """The month-target sheet (a table, a totals formula, dates) and a problems sheet (plain table)."""
    by_rep = pd.DataFrame({
        "rep_id": ["R001", "R002", "R003", "R004", "R005"],
        "name": NAMES,
        "target": TARGETS,
        "start": pd.to_datetime(["2026-12-01"] * 5),
    })
    columns = [OutColumn("rep_id", "业务员编号", "Rep ID"), OutColumn("name", "姓名", "Name"),
               OutColumn("target", "月度目标", "Month target", "amount", total=total),
               OutColumn("start", "开始日期", "Start", "date")]
    problems = pd.DataFrame({"where": ["业务员 Reps!B3"], "message": ["姓名为空 Name is empty"]})
    return [
        SheetOutput(MONTH_TARGET, "2026-12 · 来源 Source: 年度预算 Budget", ["历史不足3年 Less than 3 years of history"],
                    [OutTable(by_rep, columns, "按业务员 By rep")]),
        SheetOutput(PROBLEMS, "", [], [OutTable(problems, [OutColumn("where", "位置", "Where"),
                                                           OutColumn("message", "说明", "Message")])]),
    ]


def month_target_rows() -> list[list]:
    """The month-target sheet as the reader sees it: title block, header on row 6, data, total on row 12."""
    data = [[f"R00{i + 1}", name, target, pd.Timestamp("2026-12-01").to_pydatetime()]
            for i, (name, target) in enumerate(zip(NAMES, TARGETS))]
    return [["月度目标 Month Target", None, None, None],
            ["2026-12 · 来源 Source: 年度预算 Budget", None, None, None],
            ["历史不足3年 Less than 3 years of history", None, None, None],
            [None, None, None, None],
            ["按业务员 By rep", None, None, None],
            ["业务员编号 Rep ID", "姓名 Name", "月度目标 Month target", "开始日期 Start"],
            *data,
            ["合计 Total", None, None, None]]
