"""跟进计划 Follow-ups: the customer follow-up plan, written to ``跟进计划 Follow-up Plan``."""

from __future__ import annotations

from typing import Any

from ..core.followup import Cadence, WorkDays, follow_up_plan
from ..problems import has_errors
from ..reports.followups import followup_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs
from . import Progress, StepResult, quiet, run_step
from .track import as_of_date

FOLLOWUP_INPUTS = ("settings", "calendar", "regions", "reps", "outlets", "daily_log", "customers", "touches")


def followups(book: WorkbookBackend, progress: Progress = quiet, as_of: Any = None) -> StepResult:
    """跟进计划 Follow-ups: what is overdue, due today and this week, as of the end of ``as_of``.

    ``as_of`` defaults to the last day with a touch or a log entry in the plan month (else today, kept
    within the month), the same day tracking defaults to.
    """
    def plan(inputs: Inputs):
        when, problems = as_of_date(as_of, inputs, inputs["touches"]["date"], inputs["daily_log"]["date"])
        workdays = WorkDays(inputs.settings.country, inputs["calendar"])
        problems += workdays.check(inputs.settings.plan_month)
        if has_errors(problems):
            return [], problems, ""
        result, found = follow_up_plan(inputs["customers"], inputs["touches"], inputs["reps"], workdays,
                                       inputs.settings, when)
        problems += found
        tasks = result.tasks["bucket"].value_counts()
        summary = (f"截至 as of {when:%Y-%m-%d}: 逾期 overdue {tasks.get('overdue', 0)}, 今天 today "
                   f"{tasks.get('today', 0)}, 本周 this week {tasks.get('this-week', 0)}, "
                   f"超期未跟进 not touched {len(result.silent)}")
        return [followup_sheet(result, Cadence.from_settings(inputs.settings))], problems, summary

    return run_step(book, FOLLOWUP_INPUTS, plan, progress)
