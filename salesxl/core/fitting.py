"""Filling a table whose row totals and column totals are both fixed.

A rep's SKU targets must add up to the rep's target, and every rep's targets
for one SKU must add up to that SKU's target. The history of who sold what
(the rep × SKU matrix) says how the cells should look; :func:`fit_margins`
scales it, alternately row by row and column by column, until both sets of
totals hold (biproportional fitting, also called RAS or iterative proportional
fitting). The pattern of history survives: a rep who sold twice as much of A
as of B still does, as far as the totals allow.

:func:`round_to_margins` then turns the fitted amounts into whole rounding
units: each row is split by largest remainder, so every row total is exact;
a repair pass then moves single units inside rows, from SKUs that came out
over their total to SKUs that came out under it, so column totals end exact
or, at worst, within one unit per row. No cell moves further than to the
other side of its exact value.

Tables are held long — one entry per cell with its row and column code —
so many independent blocks (each rep's core outlets × SKUs) are fitted in one
vectorised pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .allocation import allocate_groups, unit_decimals, within_group_rank

MAX_ITERATIONS = 5_000  # a near-empty seed with one dominant cell can need just over 1,000 rounds


@dataclass(frozen=True)
class FitReport:
    """How well a fit met its totals.

    Attributes:
        iterations: row-and-column scaling rounds used.
        max_error: the largest difference between a row or column total and its target,
            in money, after fitting (before rounding).
        converged: ``max_error`` fell below the tolerance within the allowed rounds.
        rounded_max_error: after rounding, the largest difference between a column total
            and its target, in money (row totals are exact).
    """

    iterations: int
    max_error: float
    converged: bool
    rounded_max_error: float = 0.0


def fit_margins(rows: np.ndarray, cols: np.ndarray, seed: np.ndarray, row_targets: np.ndarray,
                col_targets: np.ndarray, tolerance: float = 1e-6,
                max_iterations: int = MAX_ITERATIONS) -> tuple[np.ndarray, FitReport]:
    """Scale ``seed`` so that cells sum to ``row_targets`` by row and ``col_targets`` by column.

    ``rows[k]`` and ``cols[k]`` are the integer codes of cell ``k``. Targets must agree
    (each block's row targets and column targets have the same sum) and every row or
    column with a positive target needs a cell with a positive seed; the caller
    ensures both (a small prior in empty cells does). ``tolerance`` is in money.
    """
    rows, cols = np.asarray(rows), np.asarray(cols)
    x = np.asarray(seed, dtype="float64").copy()
    r_target = np.asarray(row_targets, dtype="float64")
    c_target = np.asarray(col_targets, dtype="float64")
    n_rows, n_cols = len(r_target), len(c_target)
    error, iterations = np.inf, 0
    if len(x) == 0:
        return x, FitReport(0, 0.0, True)
    per_row = row_spreader(rows, n_rows)
    row_sums = np.bincount(rows, weights=x, minlength=n_rows)
    for iterations in range(1, max_iterations + 1):
        x *= per_row(scale(row_sums, r_target))
        x *= scale(np.bincount(cols, weights=x, minlength=n_cols), c_target)[cols]
        # Columns were just met; the rows tell how far the fit still is, and their sums
        # are the ones the next round scales by.
        row_sums = np.bincount(rows, weights=x, minlength=n_rows)
        error = np.abs(row_sums - r_target).max(initial=0.0)
        if error <= tolerance:
            break
    error = margin_error(rows, cols, x, r_target, c_target)
    return x, FitReport(iterations, float(error), bool(error <= tolerance))


def row_spreader(rows: np.ndarray, n_rows: int):
    """A function giving every cell its row's value: ``values[rows]``.

    When the cells come row by row (as the breakdown builds them) this is ``np.repeat`` of
    each row's value over its run of cells, several times cheaper than gathering by index
    in a loop that runs for every round of the fit; the values are the same either way.
    """
    if np.any(rows[1:] < rows[:-1]):
        return lambda values: values[rows]
    counts = np.bincount(rows, minlength=n_rows)
    return lambda values: np.repeat(values, counts)


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
    if np.any(rows[1:] < rows[:-1]):
        # The repair reads each row as one run of cells. A stable sort keeps every row's cells in
        # their order, so row sums, largest-remainder ties and repair ties all come out as unsorted.
        order = np.argsort(rows, kind="stable")
        rounded, gap = round_to_margins(rows[order], cols[order], exact[order], row_targets, col_targets, unit)
        unsorted = np.empty_like(rounded)
        unsorted[order] = rounded
        return unsorted, gap
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
    when every gap is closed or no row can help. ``rows`` must be sorted (each row's
    cells one run), which lets :func:`best_per_row` pick without sorting.
    """
    n_rows = int(rows.max()) + 1
    give = np.flatnonzero((n > floor) & (gap[cols] > 0))
    take = np.flatnonzero((n == floor) & (fraction > 1e-9) & (gap[cols] < 0))
    while np.any(gap != 0):
        # Cells only ever leave these sets, so each round narrows the last round's by the same tests
        # (most of a large table settles in the first rounds): a column's gap shrinks towards 0 and
        # never changes sign, a cell that gave sits in an over column and cannot take, and one that
        # took sits in an under column and cannot give.
        give = give[(gap[cols[give]] > 0) & (n[give] > floor[give])]
        take = take[(gap[cols[take]] < 0) & (n[take] == floor[take])]
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
    """For each row, the candidate cell with the smallest (or largest) key, ties to the earlier cell; -1 where none.

    ``candidates`` are increasing cell numbers, ``rows`` is sorted and keys are finite (the rounding
    has raised on anything else before the repair starts), so each row's candidates
    form one run: the run's extreme key comes from a segmented min (or max), which is exact,
    and the winner is the run's first candidate holding it — the same pick as sorting by
    (row, key, cell) and taking each row's first, without the sort.
    """
    best = np.full(n_rows, -1, dtype="int64")
    if len(candidates) == 0:
        return best
    row = rows[candidates]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    extreme = (np.minimum if smallest else np.maximum).reduceat(key, starts)
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(row)]))
    holding = np.flatnonzero(key == extreme[run])
    best[row[starts]] = candidates[holding[np.searchsorted(holding, starts)]]
    return best


def capped(groups, key, tie, capacity) -> np.ndarray:
    """Which proposals to keep when each group accepts at most ``capacity`` of them, by ``key`` then ``tie``."""
    return within_group_rank(groups, np.lexsort((tie, key, groups))) < capacity
