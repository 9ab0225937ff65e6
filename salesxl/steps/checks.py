"""检查 Check inputs: read every input sheet, then run the input checks of every step that could run.

A planner who is told "inputs usable" must not then be refused by a step. So ``check`` reads every input
sheet (the reader's problems), and runs each step's ``validate(book, inputs)`` — the same checks the step
makes before it computes, without computing the rest or writing — for every step whose input sheets are
filled (:data:`STEP_CHECKS`). Everything found is reported at once, located, without repeats.

A step whose own sheets already have reading errors is not validated further (it would refuse with those);
a step whose input is not there yet (no Feedback, no Actuals, the breakdown not run) is named as not checked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from ..problems import Problem
from ..workbook.backend import WorkbookBackend
from ..workbook.contract import schema as input_schema
from ..workbook.contract.breakdown import ISSUED_REP_TARGETS
from ..workbook.contract.expenses import ISSUED_EXPENSE_BUDGET
from ..workbook.reader import Inputs, find_sheet, locate, read_inputs
from ..workbook.schema import SheetSchema
from .agree import AGREE_SHEETS, validate as validate_agree, validate_issue
from .backtest import BACKTEST_SHEETS, validate as validate_backtest
from .breakdown import BREAKDOWN_SHEETS, validate as validate_breakdown
from .close import INPUTS as CLOSE_SHEETS, validate as validate_close
from .commitments import COMMITMENT_SHEETS, validate as validate_commitments
from .expenses import BUDGET_SHEETS, REVIEW_SHEETS, validate as validate_expenses, validate_review
from .followups import FOLLOWUP_INPUTS, validate as validate_followups
from .target import PLAN_SHEETS, validate as validate_target
from .track import TRACK_INPUTS, validate as validate_track, validate_weekly
from .run import READING, Progress, StepResult, quiet

Readiness = Callable[[WorkbookBackend, Inputs], str | None]
"""Why a step cannot be checked yet (``"…为空 … is empty"``), or None when it can."""


@dataclass(frozen=True)
class StepCheck:
    """One step as ``check`` runs it.

    Attributes:
        name: the step as the planner knows it (``正式下达 breakdown``).
        sheets: the input sheets the step reads; a reading error on one of them is its refusal already.
        validate: the step's own input checks (``validate(book, inputs) -> problems``).
        ready: every condition must hold (return None) for the step to be checked.
    """

    name: str
    sheets: tuple[str, ...]
    validate: Callable[[WorkbookBackend, Inputs], list[Problem]]
    ready: tuple[Readiness, ...] = ()


def filled(*keys: str) -> Readiness:
    """One of the sheets ``keys`` has a row."""
    def ready(book: WorkbookBackend, inputs: Inputs) -> str | None:
        if any(len(inputs.tables.get(key, ())) for key in keys):
            return None
        names = "、".join(input_schema(key).name for key in keys)
        return f"{names} 为空，未检查 empty, not checked"
    return ready


def issued(sheet: SheetSchema, step: str) -> Readiness:
    """The sheet salesxl writes at ``step`` is in the workbook."""
    def ready(book: WorkbookBackend, inputs: Inputs) -> str | None:
        if find_sheet(sheet, book.sheet_names()) is not None:
            return None
        return f"{step} 之后 once {step} has run"
    return ready


ISSUED = issued(ISSUED_REP_TARGETS, "breakdown")

STEP_CHECKS: tuple[StepCheck, ...] = (
    StepCheck("月度目标 target", PLAN_SHEETS, validate_target),
    StepCheck("回测 backtest", BACKTEST_SHEETS, validate_backtest),
    StepCheck("正式下达 breakdown", BREAKDOWN_SHEETS, validate_breakdown),
    StepCheck("下发草案 issue-draft", AGREE_SHEETS, validate_issue, (filled("feedback"),)),
    StepCheck("确认目标 agree", AGREE_SHEETS, validate_agree, (filled("feedback"),)),
    StepCheck("军令状 commitments", COMMITMENT_SHEETS, validate_commitments, (ISSUED,)),
    StepCheck("费用预算 expenses", tuple(BUDGET_SHEETS), validate_expenses, (filled("expense_policy"), ISSUED)),
    StepCheck("费用审核 expenses-review", tuple(REVIEW_SHEETS), validate_review,
              (filled("expense_requests"), issued(ISSUED_EXPENSE_BUDGET, "expenses"))),
    StepCheck("进度跟踪 track", TRACK_INPUTS, validate_track, (filled("actuals", "daily_log"), ISSUED)),
    StepCheck("周例会 weekly", TRACK_INPUTS, validate_weekly, (filled("actuals", "daily_log"), ISSUED)),
    StepCheck("跟进计划 followups", FOLLOWUP_INPUTS, validate_followups, (filled("customers"),)),
    StepCheck("月末考核 close", CLOSE_SHEETS, validate_close, (filled("actuals"), filled("incentive_rules"), ISSUED)),
)
"""Every step with input it can refuse, in the planner's order. The dashboard refuses nothing."""


def check(book: WorkbookBackend, progress: Progress = quiet) -> StepResult:
    """检查 Check inputs: every input sheet read, every step's input checks run; all problems at once.

    A history or actuals source (a database, a warehouse) is summed as the target would sum it: the
    summary names the source, the rows aggregated and the months covered.
    """
    progress(READING)
    inputs, problems = read_inputs(book, progress=progress)
    n_rows = sum(len(t) for t in inputs.tables.values())
    verdicts = []
    for step in STEP_CHECKS:
        waiting = next((why for why in (ready(book, inputs) for ready in step.ready) if why), None)
        if waiting:
            verdicts.append(f"{step.name} — {waiting}")
            continue
        blocked = [p for p in problems if p.severity == "error" and on_sheets(p, step.sheets, inputs)]
        if blocked:
            verdicts.append(f"{step.name} ✗ {len(blocked)}")
            continue
        progress(f"检查 Checking {step.name}")
        own = dataclasses.replace(inputs, tables=dict(inputs.tables), layouts=dict(inputs.layouts))
        found = locate(step.validate(book, own), own)
        problems += found
        errors = sum(p.severity == "error" for p in found)
        verdicts.append(f"{step.name} {'✗ ' + str(errors) if errors else '✓'}")
    problems = list(dict.fromkeys(problems))  # steps share checks: each problem once
    summary = "\n".join([f"{len(inputs.tables)} 张表 sheets, {n_rows:,} 行 rows read",
                         *(source.line() for source in inputs.sources), "各步骤 the steps:"]
                        + [f"  {line}" for line in verdicts])
    return StepResult(problems, [], summary)


def on_sheets(p: Problem, keys: tuple[str, ...], inputs: Inputs) -> bool:
    """The problem is on one of the sheets ``keys``; one on a file (the history files) counts for the steps
    that read the history, one with no place for every step."""
    names = {layout.sheet_name: key for key, layout in inputs.layouts.items()}
    if p.sheet in names:
        return names[p.sheet] in keys
    return p.sheet is None or "history" in keys
