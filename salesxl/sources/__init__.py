"""Inputs that live outside the workbook: files, databases and warehouses a planner points salesxl at.

Like :mod:`salesxl.workbook`, this is the edge: it reads files and tables and hands the core
clean DataFrames and located problems, never paths or connections.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..problems import Problem


@dataclass(frozen=True)
class SettingCell:
    """Where a setting was typed (``history_source``, a column map), so problems with what it says point
    at its value cell on the Settings sheet."""

    sheet: str
    row: int | None
    letter: str | None
    header: str | None

    def problem(self, code: str, zh: str, en: str, severity: str = "error") -> Problem:
        return Problem(self.sheet, self.row, "value", code, zh, en, severity, self.letter, self.header)
