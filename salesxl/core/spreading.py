"""Spreading a whole over its parts, with holds — the way planners know it from TM1 or Jedox.

Any part may carry a manual target (a *hold*): it keeps exactly that figure,
and the whole minus the holds is spread over the other parts by their weights
(history share, equal, a reference period or potential: see
:mod:`salesxl.core.breakdown`). Holds that add up to more than the whole, or
holds that leave something over with no unheld part to take it, are the
planner's mistake and come back as problems located at the held cells.

Many wholes are spread at once (every region over its reps, every rep over
its outlets) in one vectorised pass through
:func:`salesxl.core.allocation.allocate_groups`, so the parts of each whole
sum to it exactly at the rounding unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..problems import Problem, problem
from .allocation import allocate_groups, unit_decimals


@dataclass(frozen=True)
class Where:
    """Where a level's parts and their holds live, to name them in problems.

    Attributes:
        sheet: the sheet key of the parts (``reps``).
        hold_column: the column key of the holds (``manual_target``).
        part_zh, part_en: what a part is called (``业务员``, ``rep``).
        whole_zh, whole_en: what the whole is called (``区域``, ``region``).
    """

    sheet: str
    hold_column: str
    part_zh: str
    part_en: str
    whole_zh: str
    whole_en: str


@dataclass
class Spread:
    """The result of spreading wholes over parts.

    Attributes:
        amount: each part's figure, in the order of the parts given.
        held: the part kept its manual target.
        equal_fallback: wholes whose unheld parts all had zero weight, so they were split equally.
        problems: holds that do not fit their whole, and wholes with nobody to take them.
    """

    amount: np.ndarray
    held: np.ndarray
    equal_fallback: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def as_units(amount, unit: float) -> np.ndarray:
    """Amounts rounded to whole rounding units (halves away from zero), vectorised."""
    a = np.asarray(amount, dtype="float64")
    return np.sign(a) * np.floor(np.abs(a) / unit + 0.5 + 1e-9)


def to_units(amount, unit: float) -> np.ndarray:
    """Amounts rounded to the rounding unit, as money."""
    return np.round(as_units(amount, unit) * unit, unit_decimals(unit))


def spread(wholes: pd.Series, group: pd.Series, weight: pd.Series, hold: pd.Series, unit: float,
           where: Where) -> Spread:
    """Spread each whole (``wholes``, indexed by group key) over the parts that name it in ``group``.

    ``group``, ``weight`` and ``hold`` are aligned on the parts' index, which is the
    Excel row of the sheet in ``where`` (so problems point at the held cell). A part
    whose group has no whole takes part in a whole of zero. ``hold`` is NaN where the
    part is not held.
    """
    keys = pd.Index(wholes.index)
    codes = keys.get_indexer(group.to_numpy())
    extra = codes < 0
    if extra.any():  # parts of a group without a whole: a whole of zero
        missing = pd.Index(pd.unique(group.to_numpy()[extra]))
        keys = keys.append(missing)
        wholes = pd.concat([wholes, pd.Series(0.0, index=missing)])
        codes = keys.get_indexer(group.to_numpy())
    total_units = as_units(wholes.to_numpy(), unit)
    held = hold.notna().to_numpy()
    hold_units = np.where(held, as_units(hold.fillna(0).to_numpy(), unit), 0.0)
    n_groups = len(keys)
    held_units = np.bincount(codes, weights=hold_units, minlength=n_groups)
    left_units = total_units - held_units
    unheld = ~held
    weights = np.where(unheld, np.nan_to_num(weight.to_numpy(dtype="float64")), 0.0)
    unheld_count = np.bincount(codes, weights=unheld, minlength=n_groups)
    weight_sum = np.bincount(codes, weights=weights, minlength=n_groups)

    problems = []
    over = left_units < 0
    stranded = (left_units > 0) & (unheld_count == 0) & (held_units > 0)
    for g in np.flatnonzero(over | stranded):
        whole, holds = total_units[g] * unit, held_units[g] * unit
        for row in group.index[(codes == g) & held]:
            if over[g]:
                problems.append(problem(
                    where.sheet, int(row), where.hold_column, "holds-exceed-whole",
                    f"{where.whole_zh}“{keys[g]}”的手工目标合计 {holds:,.2f} 超过其目标 {whole:,.2f}",
                    f"the manual targets in {where.whole_en} '{keys[g]}' add up to {holds:,.2f}, "
                    f"more than its target of {whole:,.2f}"))
            else:
                problems.append(problem(
                    where.sheet, int(row), where.hold_column, "holds-leave-remainder",
                    f"{where.whole_zh}“{keys[g]}”的{where.part_zh}都有手工目标，合计 {holds:,.2f}，"
                    f"剩余 {whole - holds:,.2f} 无人承担",
                    f"every {where.part_en} of {where.whole_en} '{keys[g]}' has a manual target; they add up to "
                    f"{holds:,.2f} and leave {whole - holds:,.2f} with nobody to take it"))
    # A whole whose unheld parts all weigh nothing is split equally among them.
    fallback = (left_units > 0) & (unheld_count > 0) & (weight_sum <= 0)
    weights = np.where(unheld & fallback[codes], 1.0, weights)
    left_units = np.where(over | stranded, 0.0, left_units)
    # Groups with no part at all (nobody to take the whole) are the caller's to report.
    has_parts = np.bincount(codes, minlength=n_groups) > 0
    left_units = np.where(has_parts, left_units, 0.0)
    amount = allocate_groups(left_units * unit, weights, codes, unit)
    amount = np.where(held, hold_units * unit, amount)
    return Spread(amount, held, [keys[g] for g in np.flatnonzero(fallback)], problems)

