"""The workbook contract: every input sheet, setting and output sheet salesxl reads or writes, by step.

Each step's module declares what it reads and writes: ``INPUTS`` (input sheets), ``SETTINGS`` (rows of the
Settings sheet) and ``OUTPUTS`` (sheets salesxl owns), plus the tables it reads back from other steps' sheets.
This module assembles them once. The template, the Guide sheet, the reader and the docs are generated from
these declarations.

The order is the template's: input sheets as a new workbook lays them out (the draft plan's sheets, the
breakdown's, then expenses, tracking, the feedback round and the incentive rules), settings in the
Settings sheet's row order, which :class:`salesxl.core.settings.Settings` fixes. Changing either changes every
new workbook.
"""

from __future__ import annotations

from dataclasses import fields

from ...core.settings import Settings
from ..schema import OutputSheetName, SheetSchema, Setting
from . import agree, backtest, base, breakdown, close, dashboard, expenses, reps, target, tracking

STEPS = (target, backtest, agree, breakdown, expenses, reps, tracking, close, dashboard)
"""Each step's contract, in the planner's order."""

INPUT_SHEETS: tuple[SheetSchema, ...] = (
    *target.INPUTS, *breakdown.INPUTS, *expenses.INPUTS, *tracking.INPUTS, *agree.INPUTS, *close.INPUTS,
)
"""Input sheets in the planner's order of filling them (the template's sheet order)."""

OUTPUT_SHEETS: tuple[OutputSheetName, ...] = (
    *target.OUTPUTS, *breakdown.OUTPUTS, base.VERSIONS, base.PROBLEMS, *backtest.OUTPUTS, *expenses.OUTPUTS,
    *tracking.OUTPUTS, *agree.OUTPUTS, *close.OUTPUTS, *dashboard.OUTPUTS, *reps.OUTPUTS,
)
"""Sheets salesxl writes (and therefore owns)."""

SETTINGS_ORDER = [f.name for f in fields(Settings)]
SETTINGS: tuple[Setting, ...] = tuple(sorted((s for step in STEPS for s in step.SETTINGS),
                                             key=lambda s: SETTINGS_ORDER.index(s.key)))
"""Every setting, in the Settings sheet's row order."""


def schema(key: str) -> SheetSchema:
    for s in INPUT_SHEETS:
        if s.key == key:
            return s
    raise KeyError(key)


def setting(key: str) -> Setting:
    for s in SETTINGS:
        if s.key == key:
            return s
    raise KeyError(key)
