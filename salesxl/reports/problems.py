"""The 问题 Problems sheet: every problem of a run, each a link to its cell.

Built as data, so both backends write it: in Excel the ribbon writes it after a
step that found problems (a planner clicks a row and lands on the faulty cell);
on a file the CLI may write it too. Errors come first, then warnings, then
notices, each group in the order found.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

import pandas as pd

from ..problems import SEVERITY_LABEL, Problem
from ..workbook.backend import Link, OutColumn, OutTable, SheetOutput
from ..workbook.contract.base import PROBLEMS

ORDER = ("error", "warning", "notice")

COLUMNS = (
    OutColumn("level", "级别", "Level"),
    OutColumn("where", "位置", "Where"),
    OutColumn("column", "列", "Column"),
    OutColumn("message_zh", "说明", "Message"),
    OutColumn("message_en", "英文说明", "Message in English"),
    OutColumn("code", "代码", "Code"),
)


def place(p: Problem, sheet_names: Sequence[str]) -> Link | str:
    """A link to the problem's cell when its sheet exists; else the place as text.

    A problem without a row points at the column's first row, one without a
    column at the row's first cell, one with neither at the sheet's ``A1``.
    """
    if p.sheet is None:
        return ""
    if p.sheet not in sheet_names:
        return p.cell
    return Link(p.cell, p.sheet, f"{p.letter or 'A'}{p.row or 1}")


def problems_sheet(problems: Iterable[Problem], sheet_names: Sequence[str],
                   step: str = "", when: dt.datetime | None = None) -> SheetOutput:
    """The Problems sheet for ``problems`` found by ``step`` in a workbook with tabs ``sheet_names``."""
    ordered = sorted(problems, key=lambda p: ORDER.index(p.severity))
    counts = {s: sum(p.severity == s for p in ordered) for s in ORDER}
    frame = pd.DataFrame(
        [{"level": SEVERITY_LABEL[p.severity], "where": place(p, sheet_names),
          "column": p.header or p.column or "", "message_zh": p.message_zh, "message_en": p.message_en,
          "code": p.code} for p in ordered],
        columns=[c.key for c in COLUMNS])
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    subtitle = (f"{step + ' · ' if step else ''}{counts['error']} 个错误 errors · {counts['warning']} 个警告 warnings"
                f" · {counts['notice']} 条提示 notices · {stamp}")
    notes = ["点击“位置”跳到出错的单元格 Click a place to jump to its cell."] if ordered else \
        ["没有问题 No problems found."]
    return SheetOutput(PROBLEMS, subtitle, notes, [OutTable(frame, COLUMNS, name="sx_problems")])
