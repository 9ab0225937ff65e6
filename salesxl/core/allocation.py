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
    if w.ndim != 1 or len(w) == 0:
        raise AllocationError("there is nothing to split the total over")
    if total < 0:
        raise AllocationError(f"cannot split a negative total ({total})")
    return allocate_groups([total], w, np.zeros(len(w), dtype="int64"), unit)


def allocate_groups(totals: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray,
                    groups: Sequence[int] | np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Many splits at once: part ``k`` takes its share of ``totals[groups[k]]`` by ``weights[k]``.

    The same rule as :func:`allocate`, applied within each group in one vectorised pass, so a
    rep's target goes to thousands of outlets, or a thousand reps' targets to their working
    days, without a Python loop per group: within a group the parts sum exactly to its total,
    leftover units go to the largest remainders, and ties to the part that comes first.
    ``groups`` holds integer codes ``0 .. len(totals) - 1``; a group with no parts must have
    nothing to split. Raises :class:`AllocationError` like :func:`allocate`.
    """
    t = np.asarray(totals, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    g = np.asarray(groups, dtype="int64")
    if unit <= 0:
        raise AllocationError(f"rounding unit must be positive, got {unit}")
    if w.ndim != 1 or g.shape != w.shape:
        raise AllocationError("every weight needs its group")
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise AllocationError(f"cannot split a negative total ({t[~(t >= 0)][0]})")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise AllocationError("weights must be numbers of zero or more")
    if len(g) and (g.min() < 0 or g.max() >= len(t)):
        raise AllocationError("a part names a group that has no total")
    units = np.floor(t / unit + 0.5 + 1e-9)
    weight_sum = np.bincount(g, weights=w, minlength=len(t))
    if np.any((units > 0) & (weight_sum <= 0)):
        empty = np.bincount(g, minlength=len(t)) == 0
        if np.any((units > 0) & empty):
            raise AllocationError("there is nothing to split the total over")
        raise AllocationError("all weights are zero, so the total cannot be split")
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = np.where(weight_sum[g] > 0, units[g] * w / weight_sum[g], 0.0)
    whole = np.floor(exact + 1e-9)
    left = (units - np.bincount(g, weights=whole, minlength=len(t))).astype("int64")
    remainder = np.round(exact - whole, 9)
    position = np.arange(len(w))
    if np.any(left > 0):
        # Largest remainders first, ties to the earlier part: each part's rank within its group.
        rank = within_group_rank(g, largest_remainders_first(g, remainder))
        whole += (rank < left[g])
    if np.any(left < 0):
        # Float noise can push a floor up; take back from the smallest remainders, latest first.
        rank = within_group_rank(g, np.lexsort((-position, remainder, g)))
        whole -= (rank < -left[g])
    return np.round(whole * unit, unit_decimals(unit))


def largest_remainders_first(groups: np.ndarray, remainder: np.ndarray) -> np.ndarray:
    """The parts in order of group, then largest remainder, then position (earlier first).

    The same order as ``np.lexsort((position, -remainder, groups))``, several times faster on
    millions of parts (the core outlet × SKU split): a remainder rounded to 9 decimals is a
    whole number of billionths, recovered exactly, and ordered as the remainders are, so group
    and billionths pack into one integer key, and one stable sort keeps ties in position order.
    """
    billionths = np.rint(remainder * 1e9).astype("int64")  # -1 .. 10**9
    return np.argsort(groups * 2 ** 31 + (10 ** 9 - billionths), kind="stable")


def within_group_rank(groups: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Each part's position within its group when the parts are taken in ``order`` (sorted by group)."""
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) if len(order) else order
    start_of = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order)) - start_of
    return rank
