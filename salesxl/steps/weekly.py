"""周例会 Weekly: the weekly meeting's sheet, ``周报 Weekly Review``, one block per rep.

The reps' reports 述职 and the manager's comments 点评 typed on the sheet are read
back before it is rewritten, so rerunning a week (or running another) keeps them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..core.calendar import month_calendar
from ..core.tracking import default_as_of, month_weeks, weekly_review
from ..problems import has_errors
from ..reports.weekly import Notes, read_notes, weekly_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs
from ..workbook.contract.tracking import WEEKLY_REVIEW
from . import Progress, StepResult, quiet, run_step
from .track import TRACK_INPUTS, read_issued

WEEKLY_ISSUED = ("rep_targets", "daily_targets")
"""The issued tables a week's review is made of; the outlet and product targets (the longest sheet) are not."""


def weekly(book: WorkbookBackend, progress: Progress = quiet, week: int | None = None) -> StepResult:
    """周例会 Weekly: week ``week`` of the plan month (default: the week of the last day with data)."""
    def plan(inputs: Inputs):
        issued, problems = read_issued(book, inputs, only=WEEKLY_ISSUED)
        month = inputs.settings.plan_month
        calendar, found = month_calendar(month, inputs.settings.country, inputs["calendar"])
        problems += found
        if has_errors(problems):
            return [], problems, ""
        chosen = week if week is not None else week_of(month, default_as_of(
            month, pd.Timestamp(dt.date.today()), inputs["actuals"]["date"], inputs["daily_log"]["date"]))
        review, found = weekly_review(chosen, issued.tables, inputs["actuals"], inputs["daily_log"],
                                      inputs["products"], inputs["reps"], calendar, inputs.settings)
        problems += found
        if review is None:
            return [], problems, ""
        notes = existing_notes(book)
        summary = (f"第{review.week}周 Week {review.week} ({review.start:%m-%d} – {review.end:%m-%d}): "
                   f"{len(review.reps)} 位业务员 reps, 保留述职点评 notes kept {len(notes)}")
        return [weekly_sheet(review, month, notes)], problems, summary

    return run_step(book, TRACK_INPUTS, plan, progress)


def week_of(month: pd.Period, day: pd.Timestamp) -> int:
    weeks = month_weeks(month)
    return int(weeks.loc[(weeks["start"] <= day) & (weeks["end"] >= day), "week"].iloc[0])


def existing_notes(book: WorkbookBackend) -> Notes:
    """The reports and comments already on the Weekly Review sheet, if there is one."""
    if WEEKLY_REVIEW.name not in book.sheet_names():
        return {}
    return read_notes(book.read_sheet(WEEKLY_REVIEW.name))
