"""添加输入表 Add input sheets: salesxl brought into the workbook a planner already has.

``salesxl init BOOK.xlsx`` and the ribbon's 添加输入表 add every input sheet the workbook lacks,
as the template has them (an Excel Table with its header on row 1, a note on each header, number
formats, drop-downs, a frozen header row) and nothing else: the sheets already there are left
alone, and every part of the file stays as it was (the file backend adds parts, it rewrites none
of the planner's). The sheets added carry no ownership marker: they are the planner's from then on.
The plan month is set to the month after today's, as a real month, for the planner to check.

A sheet the planner already has under an input sheet's name is theirs: it is read, and when it
lacks required columns those are reported and nothing is added (salesxl never overwrites it).
"""

from __future__ import annotations

import pandas as pd

from ..core.plan import PLAN_SHEETS
from ..problems import Problem, has_errors
from ..workbook import style
from ..workbook.backend import InputSheet, WorkbookBackend
from ..workbook.inputsheet import region_list
from ..workbook.reader import find_sheet, find_table
from ..workbook.contract import INPUT_SHEETS, OUTPUT_SHEETS
from ..workbook.contract.target import REGIONS
from . import READING, WRITING, Progress, StepResult, quiet

ADDED_BY_INIT = tuple(s for s in INPUT_SHEETS if s.key not in {o.key for o in OUTPUT_SHEETS})
"""The input sheets init adds, in the template's order (a sheet a step writes first, such as Feedback, is left
to that step)."""
NOTHING_TO_ADD = ("工作簿已有全部输入表，未做修改 The workbook has every input sheet already; "
                  "nothing was changed.")


def init(book: WorkbookBackend, progress: Progress = quiet, settings: dict | None = None,
         tables: dict[str, pd.DataFrame] | None = None) -> StepResult:
    """添加输入表 Add the missing input sheets; ``settings`` and ``tables`` fill them (the demo's, in tests)."""
    progress(READING)
    names = book.sheet_names()
    missing, problems = [], []
    for schema in ADDED_BY_INIT:
        found = find_sheet(schema, names)
        if found is None:
            missing.append(schema)
            continue
        _, _, issues = find_table(schema, book.read_sheet(found))
        lacking = [p for p in issues if p.code in ("missing-column", "duplicate-column")]
        if lacking:
            problems += lacking + [own_sheet(found, schema.name)]
    if has_errors(problems):
        return StepResult(problems)
    if not missing:
        return StepResult(problems, [], NOTHING_TO_ADD)
    progress(WRITING)
    month = pd.Period(style.run_time(), freq="M") + 1
    values = {"plan_month": month, **(settings or {})}
    sheets = [InputSheet(schema, (tables or {}).get(schema.key), values) for schema in missing]
    book.add_sheets(sheets, regions_name(book, names, missing))
    return StepResult(problems, [s.name for s in sheets], summary(missing, values["plan_month"]))


def own_sheet(found: str, expected: str) -> Problem:
    return Problem(found, 1, None, "own-sheet-kept",
                   f"工作表“{found}”是您自己的，缺少上面列出的列；salesxl不会覆盖它：请补上这些列，或将它改名后再运行 init",
                   f"the sheet '{found}' is your own and lacks the columns listed above; salesxl will not "
                   f"overwrite it: add those columns, or rename it and run init again (salesxl expects "
                   f"'{expected}')")


def regions_name(book: WorkbookBackend, names: list[str], missing: list) -> dict[str, str]:
    """``salesxl_regions`` for the region drop-downs: the Regions sheet added, or the planner's own."""
    if any(schema.key == REGIONS.key for schema in missing):
        return region_list(REGIONS.name)
    found = find_sheet(REGIONS, names)
    layout, _, _ = find_table(REGIONS, book.read_sheet(found))
    letter = layout.columns.get("region", ("A", None))[0]
    return region_list(found, letter, layout.header_row)


def summary(added: list, month: pd.Period) -> str:
    first = [s.name for s in added if s.key in PLAN_SHEETS]
    lines = [f"已添加 {len(added)} 张输入表 Added {len(added)} input sheets: " + ", ".join(s.name for s in added)]
    if first:
        lines.append(f"先填写 Fill in first: {', '.join(first)}")
    if any(s.key == "settings" for s in added):
        lines.append(f"计划月份已设为 {month}，请核对 The plan month is set to {month}; check it")
    lines.append("然后运行 检查 Then run Check (salesxl check)")
    return "\n".join(lines)
