"""The biproportional fit and its rounding as they were before they were made faster (issue #12).

Kept verbatim (only imports changed) as the oracle that ``test_fitting_equivalence.py`` compares
the current :mod:`salesxl.core.fitting` with: the same rounded cells, exactly, on random tables.
``allocate_groups`` is copied too, because the rounding starts from it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from salesxl.core.allocation import AllocationError, unit_decimals
from salesxl.core.fitting import FitReport

MAX_ITERATIONS = 5_000


def fitted_cells(rows: np.ndarray, cols: np.ndarray, block: np.ndarray, seed: np.ndarray,
                 row_targets: np.ndarray, col_targets: np.ndarray, prior: float,
                 unit: float) -> tuple[np.ndarray, FitReport]:
    """Fit and round one or many blocks of cells (a block: one rep's core outlets × SKUs).

    Within a block the seed is taken as shares of its history, plus ``prior`` times the
    share independence would give the cell (row share × column share); a row or column
    with a target but no seed at all gets the independent share even when the prior is 0.
    """
    block_rows = np.bincount(rows, minlength=len(row_targets)) > 0
    block_of_row = np.zeros(len(row_targets), dtype="int64")
    block_of_row[rows] = block
    n_blocks = int(block.max(initial=-1)) + 1
    block_total = np.bincount(block_of_row[block_rows], weights=row_targets[block_rows], minlength=n_blocks)
    seed_total = np.bincount(block, weights=seed, minlength=n_blocks)
    with np.errstate(divide="ignore", invalid="ignore"):
        pattern = np.where(seed_total[block] > 0, seed / seed_total[block], 0.0)
        independent = np.where(block_total[block] > 0,
                               row_targets[rows] * col_targets[cols] / block_total[block] ** 2, 0.0)
    cells = pattern + prior * independent
    empty_row = np.bincount(rows, weights=cells, minlength=len(row_targets)) <= 0
    empty_col = np.bincount(cols, weights=cells, minlength=len(col_targets)) <= 0
    cells = np.where(empty_row[rows] | empty_col[cols], cells + independent, cells)
    tolerance = unit * 1e-3
    fitted, report = fit_margins(rows, cols, cells, row_targets, col_targets, tolerance)
    rounded, gap = round_to_margins(rows, cols, fitted, row_targets, col_targets, unit)
    return rounded, FitReport(report.iterations, report.max_error, report.converged, gap)


def fit_margins(rows: np.ndarray, cols: np.ndarray, seed: np.ndarray, row_targets: np.ndarray,
                col_targets: np.ndarray, tolerance: float = 1e-6,
                max_iterations: int = MAX_ITERATIONS) -> tuple[np.ndarray, FitReport]:
    """Scale ``seed`` so that cells sum to ``row_targets`` by row and ``col_targets`` by column.

    ``rows[k]`` and ``cols[k]`` are the integer codes of cell ``k``. Targets must agree
    (each block's row targets and column targets have the same sum) and every row or
    column with a positive target needs a cell with a positive seed; the caller
    ensures both (a small prior in empty cells does). ``tolerance`` is in money.
    """
    x = np.asarray(seed, dtype="float64").copy()
    r_target = np.asarray(row_targets, dtype="float64")
    c_target = np.asarray(col_targets, dtype="float64")
    n_rows, n_cols = len(r_target), len(c_target)
    error, iterations = np.inf, 0
    if len(x) == 0:
        return x, FitReport(0, 0.0, True)
    for iterations in range(1, max_iterations + 1):
        x *= scale(np.bincount(rows, weights=x, minlength=n_rows), r_target)[rows]
        x *= scale(np.bincount(cols, weights=x, minlength=n_cols), c_target)[cols]
        # Columns were just met; the rows tell how far the fit still is.
        error = np.abs(np.bincount(rows, weights=x, minlength=n_rows) - r_target).max(initial=0.0)
        if error <= tolerance:
            break
    error = margin_error(rows, cols, x, r_target, c_target)
    return x, FitReport(iterations, float(error), bool(error <= tolerance))


def scale(current: np.ndarray, target: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(current > 0, target / current, 0.0)


def margin_error(rows, cols, x, row_targets, col_targets) -> float:
    by_row = np.abs(np.bincount(rows, weights=x, minlength=len(row_targets)) - row_targets)
    by_col = np.abs(np.bincount(cols, weights=x, minlength=len(col_targets)) - col_targets)
    return float(max(by_row.max(initial=0.0), by_col.max(initial=0.0)))


def round_to_margins(rows: np.ndarray, cols: np.ndarray, exact: np.ndarray, row_targets: np.ndarray,
                     col_targets: np.ndarray, unit: float = 1.0) -> tuple[np.ndarray, float]:
    """Whole rounding units for every cell: row totals exact, column totals as close as units allow.

    ``row_targets`` and ``col_targets`` are multiples of ``unit``. Returns the rounded cells
    and the largest remaining column difference in money (0 when the repair closed every gap;
    never more than one unit per row of the column).
    """
    rows, cols = np.asarray(rows, dtype="int64"), np.asarray(cols, dtype="int64")
    exact = np.asarray(exact, dtype="float64")
    if len(exact) == 0:
        return exact.copy(), 0.0
    rounded = allocate_groups(row_targets, exact, rows, unit)
    # Work in whole units; each cell may sit at the floor or the ceiling of its exact share.
    n = np.round(rounded / unit).astype("int64")
    row_units = np.round(np.asarray(row_targets, dtype="float64") / unit)
    row_sum = np.bincount(rows, weights=exact, minlength=len(row_units))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(row_sum[rows] > 0, row_units[rows] * exact / row_sum[rows], 0.0)
    floor = np.floor(share + 1e-9).astype("int64")
    fraction = share - floor
    col_units = np.round(np.asarray(col_targets, dtype="float64") / unit).astype("int64")
    gap = np.bincount(cols, weights=n, minlength=len(col_units)).round().astype("int64") - col_units
    repair_columns(rows, cols, n, floor, fraction, gap)
    return np.round(n * unit, unit_decimals(unit)), float(np.abs(gap).max(initial=0) * unit)


def repair_columns(rows, cols, n, floor, fraction, gap) -> None:
    """Move single units inside rows from over-target columns to under-target ones (in place).

    Each round, every row proposes one move: give up the unit it rounded up in an
    over column where that unit was the smallest remainder, and take one in an
    under column where the largest remainder was rounded down. Columns accept as
    many moves as their gap, best moves first; ties go to the earlier row. Stops
    when every gap is closed or no row can help.
    """
    cells = np.arange(len(n))
    n_rows = int(rows.max()) + 1
    while np.any(gap != 0):
        # Only cells of columns still off target can move, and a column on target stays there: each
        # round looks at those cells alone (most of a large table settles in the first rounds).
        cells = cells[gap[cols[cells]] != 0]
        give = cells[(n[cells] > floor[cells]) & (gap[cols[cells]] > 0)]
        take = cells[(n[cells] == floor[cells]) & (fraction[cells] > 1e-9) & (gap[cols[cells]] < 0)]
        give_cell = best_per_row(rows, give, fraction[give], n_rows, smallest=True)
        take_cell = best_per_row(rows, take, fraction[take], n_rows, smallest=False)
        movers = np.flatnonzero((give_cell >= 0) & (take_cell >= 0))
        if len(movers) == 0:
            return
        g, t = give_cell[movers], take_cell[movers]
        benefit = fraction[t] - fraction[g]
        keep = capped(cols[g], -benefit, movers, gap[cols[g]])
        g, t, benefit, movers = g[keep], t[keep], benefit[keep], movers[keep]
        keep = capped(cols[t], -benefit, movers, -gap[cols[t]])
        g, t = g[keep], t[keep]
        if len(g) == 0:
            return
        n[g] -= 1
        n[t] += 1
        np.subtract.at(gap, cols[g], 1)
        np.add.at(gap, cols[t], 1)


def best_per_row(rows, candidates, key, n_rows, smallest: bool) -> np.ndarray:
    """For each row, the candidate cell with the smallest (or largest) key; -1 where none."""
    best = np.full(n_rows, -1, dtype="int64")
    if len(candidates) == 0:
        return best
    order = np.lexsort((candidates, key if smallest else -key, rows[candidates]))
    picked = candidates[order]
    first = np.r_[True, rows[picked][1:] != rows[picked][:-1]]
    best[rows[picked[first]]] = picked[first]
    return best


def capped(groups, key, tie, capacity) -> np.ndarray:
    """Which proposals to keep when each group accepts at most ``capacity`` of them, by ``key`` then ``tie``."""
    return within_group_rank(groups, np.lexsort((tie, key, groups))) < capacity


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
        rank = within_group_rank(g, np.lexsort((position, -remainder, g)))
        whole += (rank < left[g])
    if np.any(left < 0):
        # Float noise can push a floor up; take back from the smallest remainders, latest first.
        rank = within_group_rank(g, np.lexsort((-position, remainder, g)))
        whole -= (rank < -left[g])
    return np.round(whole * unit, unit_decimals(unit))


def within_group_rank(groups: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Each part's position within its group when the parts are taken in ``order`` (sorted by group)."""
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) if len(order) else order
    start_of = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order)) - start_of
    return rank
