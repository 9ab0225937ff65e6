"""The draft plan: the month target (step 2) and its structure (step 1) in one call.

Later steps (the breakdown to reps, outlets and days) start from this draft, so
they call :func:`draft_plan` with the tables read from the workbook rather than
repeating the two steps' wiring.
"""

from __future__ import annotations

import pandas as pd

from ..problems import Problem, has_errors
from .settings import Settings
from .structure import Structure, empty_structure, target_structure
from .targets import MonthTarget, monthly_target

PLAN_SHEETS = ("settings", "budget", "factors", "history", "products", "role_mix", "regions")
"""The input sheets the draft plan reads."""


def draft_plan(tables: dict[str, pd.DataFrame], settings: Settings
               ) -> tuple[MonthTarget, Structure, list[Problem]]:
    """The month's target and its structure by role, SKU and region.

    ``tables`` holds the input sheets by key (``budget``, ``factors``,
    ``history``, ``products``, ``role_mix``, ``regions``); ``settings`` the
    typed settings (``plan_month`` at least). The structure is only computed
    when the target has no errors.
    """
    target, problems = monthly_target(tables["budget"], tables["history"], tables["factors"], settings,
                                      regions=tables.get("regions"))
    if has_errors(problems):
        return target, empty_structure(), problems
    structure, found = target_structure(target, tables["products"], tables["role_mix"], tables["regions"],
                                        tables["history"], settings)
    return target, structure, problems + found
