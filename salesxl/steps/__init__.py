"""The planner's steps, each as: read the workbook, call the core, write.

The CLI, the ribbon and tests all call these functions with a workbook backend,
so a step behaves the same in Excel and on a file. A step never writes when its
input has errors: it returns the located problems instead, and the workbook is
left exactly as it was.

This module holds what every step shares and the ``check`` step; each other
step lives in its own module here (``steps/target.py``, ``steps/breakdown.py``...)
as one function ``step(book, progress=quiet, **options) -> StepResult`` that reads
with :func:`run_step`, calls the core and builds its sheets with ``salesxl.reports``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..problems import Problem, has_errors
from ..workbook import style
from ..workbook.backend import AppendedRows, RunInfo, SheetOutput, WorkbookBackend
from ..workbook.reader import Inputs, locate, read_inputs, setting_cells


@dataclass
class StepResult:
    """What a step did: the problems found and the sheets it wrote."""

    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


Progress = Callable[[str], None]

READING, COMPUTING, WRITING = "读取输入表 Reading input sheets", "计算 Computing", "写入工作簿 Writing the workbook"
"""The phases every step reports through ``progress`` (a step may report more of its own while computing)."""


def quiet(message: str) -> None:
    """The default progress reporter: says nothing."""


def check(book: WorkbookBackend, progress: Progress = quiet) -> StepResult:
    """检查 Check inputs: read every input sheet and report what is wrong."""
    progress(READING)
    inputs, problems = read_inputs(book)
    n_rows = sum(len(t) for t in inputs.tables.values())
    return StepResult(problems, [], f"{len(inputs.tables)} sheets, {n_rows:,} rows read")


def run_step(book: WorkbookBackend, sheets: Iterable[str] | None,
             plan: Callable[[Inputs], tuple[list[SheetOutput | AppendedRows], list[Problem], str]],
             progress: Progress = quiet, now: dt.datetime | None = None) -> StepResult:
    """Read ``sheets``, plan the outputs, and write them only if nothing is wrong.

    Every sheet written carries the run's :class:`~salesxl.workbook.backend.RunInfo` (month, run time
    ``now``, the sheets read, currency, where the tier thresholds are), which the house style shows.
    Rows a step adds to the planner's own input sheets (:class:`AppendedRows`, a collect's) go in the
    same write.
    """
    progress(READING)
    inputs, problems = read_inputs(book, only=sheets)
    if has_errors(problems):
        return StepResult(problems)
    progress(computing(inputs))
    outputs, found, summary = plan(inputs)
    problems += locate(found, inputs)
    if has_errors(problems):
        return StepResult(problems)
    progress(WRITING)
    run = run_info(inputs, book.sheet_names(), now)
    sheets = [o if o.run is not None else dataclasses.replace(o, run=run)
              for o in outputs if isinstance(o, SheetOutput)]
    rows = [o for o in outputs if isinstance(o, AppendedRows)]
    if rows:
        book.write_sheets(sheets, rows)
    else:
        book.write_sheets(sheets)
    return StepResult(problems, [o.sheet.name for o in sheets] + [f"{b.sheet} (+{b.count} 行 rows)" for b in rows],
                      summary)


def computing(inputs: Inputs) -> str:
    """The computing phase as the status bar shows it: what the step computes from, counted."""
    rows = sum(len(t) for t in inputs.tables.values())
    return f"{COMPUTING}: {len(inputs.tables)} 张表 sheets, {rows:,} 行 rows"


def run_info(inputs: Inputs, sheet_names: list[str], now: dt.datetime | None = None) -> RunInfo:
    """What the house style shows about this run: month, time, the input sheets read, currency, tier cells.

    History read from files (Settings' ``history_source``) is named by its file or folder.
    """
    month = inputs.settings.plan_month
    read = [layout.sheet_name if layout.sheet_name in sheet_names else f"{layout.sheet_name} (历史 history)"
            for key, layout in inputs.layouts.items()
            if layout.sheet_name in sheet_names or (key == "history" and inputs.settings.history_source)]
    return RunInfo(month="" if month is None else str(month), run_time=style.run_time(now),
                   source=", ".join(dict.fromkeys(read)),
                   currency=str(inputs.settings.currency),
                   tier_cells=setting_cells(inputs, style.TIER_SETTINGS))
