"""Problems: what is wrong with a planner's input, and where.

A problem is data, not an exception (the beancount way): every stage of salesxl
returns its results together with a list of problems, and the entry points
decide what to do with them. A user's mistake never raises.

Every problem points at a place in the workbook. The core knows sheets and
columns only by their keys (``"factors"``, ``"weight"``) and rows by the Excel
row number the reader kept; the workbook edge turns those into what a planner
sees (``因素 Factors!B3``) with :func:`salesxl.workbook.reader.locate`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Literal

Severity = Literal["error", "warning", "notice"]

SEVERITY_LABEL = {
    "error": "错误 Error",
    "warning": "警告 Warning",
    "notice": "提示 Notice",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with (or worth saying about) the input.

    Attributes:
        sheet: sheet key (``"reps"``) in the core, display name (``业务员 Reps``)
            once located.
        row: the row number as Excel shows it, or None for a whole sheet/column.
        column: the column key (``"rep_id"``), or None.
        code: a short stable slug, e.g. ``"not-a-number"``; tests assert on it.
        message_zh: the explanation in Chinese.
        message_en: the explanation in English.
        severity: ``error`` stops the step; ``warning`` and ``notice`` do not.
        letter: the Excel column letter, filled in by the workbook edge.
        header: the header text as the planner wrote it, filled in by the edge.
    """

    sheet: str | None
    row: int | None
    column: str | None
    code: str
    message_zh: str
    message_en: str
    severity: Severity = "error"
    letter: str | None = None
    header: str | None = None

    @property
    def cell(self) -> str:
        """The place as a planner would type it: ``Sheet!C7``, ``Sheet!C``, ``Sheet``."""
        if self.sheet is None:
            return ""
        place = (self.letter or "") + (str(self.row) if self.row is not None else "")
        return f"{self.sheet}!{place}" if place else self.sheet

    @property
    def message(self) -> str:
        return f"{self.message_zh} {self.message_en}"

    def at(self, **changes) -> "Problem":
        return replace(self, **changes)


def problem(sheet, row, column, code, zh, en, severity: Severity = "error") -> Problem:
    """Shorthand used throughout the reader and the core."""
    return Problem(sheet, row, column, code, zh, en, severity)


SEVERITY_ORDER = ("error", "warning", "notice")


def by_severity(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, then warnings, then notices; each kind in the order found."""
    return sorted(problems, key=lambda p: SEVERITY_ORDER.index(p.severity))


def render(p: Problem) -> str:
    """One line: ``业务员 Reps!C7 (region): 错误 Error — ...``."""
    where = p.cell or "salesxl"
    if p.header:
        where += f" ({p.header})"
    elif p.column and not p.letter:
        where += f" ({p.column})"
    return f"{where}: {SEVERITY_LABEL[p.severity]} — {p.message_zh} / {p.message_en}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


class ProblemsFound(Exception):
    """Raised only at the edges, to carry located problems out of a step."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(render(p) for p in problems))
