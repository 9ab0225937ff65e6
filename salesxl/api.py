"""salesxl's public API: the planner's steps on a workbook, the file backend, and the problems they report.

Each step takes a workbook backend (and a progress callback) and returns a
:class:`~salesxl.steps.StepResult`; it writes only when nothing is wrong. The command line and the ribbon
are thin shells around these names::

    from salesxl.api import FileWorkbook, breakdown, render, target

    book = FileWorkbook("plan.xlsx")
    for step in (target, breakdown):
        result = step(book)
        print("\\n".join(render(p) for p in result.problems))
"""

from __future__ import annotations

from .problems import Problem, ProblemsFound, by_severity, render
from .steps import StepResult, check
from .steps.about import about
from .steps.agree import agree, issue_draft
from .steps.backtest import backtest
from .steps.breakdown import breakdown
from .steps.close import close
from .steps.collect import collect
from .steps.commitments import commitments
from .steps.dashboard import dashboard
from .steps.expenses import expenses, expenses_review
from .steps.followups import followups
from .steps.init import init
from .steps.issue_files import issue_files
from .steps.target import target
from .steps.track import track
from .steps.weekly import weekly
from .workbook.filebook import FileWorkbook

__all__ = [
    # the steps, in the planner's order
    "init", "check", "target", "backtest", "breakdown", "issue_draft", "agree", "commitments", "expenses",
    "expenses_review", "issue_files", "collect", "track", "weekly", "followups", "close", "dashboard", "about",
    # what they work on and report
    "FileWorkbook", "StepResult", "Problem", "ProblemsFound", "by_severity", "render",
]
