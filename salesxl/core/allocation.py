"""Splitting a whole into parts that add up exactly.

Every split in salesxl — month to regions, region to reps, rep to outlets and
SKUs, month to working days — goes through :func:`allocate`. It works in whole
rounding units (cents, yuan, hundreds): each part first gets the whole units of
its exact share, and the units left over go one each to the parts with the
largest remainders (the largest-remainder or Hamilton method). Ties go to the
part that comes first in the input, so the same input always gives the same
split. The parts therefore sum to the whole exactly, none is negative, and no
part differs from its exact share by a whole unit or more.

``allocate(309000, [1] * 16, unit=1)`` gives eight days of 19,313 followed by
eight of 19,312.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Sequence

import numpy as np


class AllocationError(ValueError):
    """The whole cannot be split as asked (all weights zero, a negative weight...)."""


def unit_decimals(unit: float) -> int:
    """How many decimals a rounding unit has: 1 -> 0, 0.01 -> 2, 100 -> 0."""
    exponent = Decimal(str(unit)).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def to_unit(amount: float, unit: float) -> float:
    """Round an amount to the nearest rounding unit (halves away from zero)."""
    units = math.floor(abs(amount) / unit + 0.5 + 1e-9)
    return round(math.copysign(units * unit, amount), unit_decimals(unit))


def allocate(total: float, weights: Sequence[float] | np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` into multiples of ``unit`` that sum to it.

    ``total`` is first rounded to the unit. Raises :class:`AllocationError` when
    a weight is negative or not a number, when there are no weights, or when all
    weights are zero and there is something to split.
    """
    w = np.asarray(weights, dtype="float64")
    if unit <= 0:
        raise AllocationError(f"rounding unit must be positive, got {unit}")
    if total < 0:
        raise AllocationError(f"cannot split a negative total ({total})")
    if w.ndim != 1 or len(w) == 0:
        raise AllocationError("there is nothing to split the total over")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise AllocationError("weights must be numbers of zero or more")
    units = int(math.floor(total / unit + 0.5 + 1e-9))
    if units == 0:
        return np.zeros(len(w))
    weight_sum = w.sum()
    if weight_sum <= 0:
        raise AllocationError("all weights are zero, so the total cannot be split")
    exact = units * (w / weight_sum)
    whole = np.floor(exact + 1e-9)
    left = units - int(whole.sum())
    if left > 0:
        remainder = exact - whole
        order = np.lexsort((np.arange(len(w)), -np.round(remainder, 9)))
        whole[order[:left]] += 1
    elif left < 0:  # float noise pushed a floor up; take back from the smallest remainders
        remainder = exact - whole
        order = np.lexsort((-np.arange(len(w)), np.round(remainder, 9)))
        whole[order[:-left]] -= 1
    return np.round(whole * unit, unit_decimals(unit))
