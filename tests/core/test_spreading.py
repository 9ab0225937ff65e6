"""Spreading wholes over parts with holds (manual targets)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from salesxl.core.spreading import Where, spread

WHERE = Where("reps", "manual_target", "业务员", "rep", "区域", "region")


def parts(groups, weights, holds):
    index = pd.Index(range(2, len(groups) + 2), name="excel_row")
    return (pd.Series(groups, index=index), pd.Series(weights, index=index, dtype=float),
            pd.Series(holds, index=index, dtype=float))


def test_the_whole_minus_the_holds_is_spread_over_the_rest():
    # 100 with the middle part held at 30: 70 over weights 1 : 2 = 23.33, 46.67 -> 23, 47.
    result = spread(pd.Series({"N": 100.0}), *parts(["N"] * 3, [1, 5, 2], [np.nan, 30, np.nan]), 1.0, WHERE)
    assert list(result.amount) == [23, 30, 47] and list(result.held) == [False, True, False]
    assert result.problems == []


def test_wholes_are_spread_independently():
    result = spread(pd.Series({"N": 100.0, "S": 10.0}), *parts(["N", "S", "N", "S"], [1, 1, 1, 3],
                                                               [np.nan] * 4), 1.0, WHERE)
    assert list(result.amount) == [50, 3, 50, 7]  # S: 2.5 / 7.5 -> the tie's unit goes to the first


def test_unheld_parts_without_weight_share_equally():
    result = spread(pd.Series({"N": 90.0}), *parts(["N"] * 3, [0, 0, 0], [np.nan] * 3), 1.0, WHERE)
    assert list(result.amount) == [30, 30, 30] and result.equal_fallback == ["N"]


def test_holds_above_the_whole_and_holds_that_strand_a_remainder():
    over = spread(pd.Series({"N": 100.0}), *parts(["N", "N"], [1, 1], [80, 30]), 1.0, WHERE)
    assert [(p.row, p.column, p.code) for p in over.problems] == [
        (2, "manual_target", "holds-exceed-whole"), (3, "manual_target", "holds-exceed-whole")]
    stranded = spread(pd.Series({"N": 100.0}), *parts(["N", "N"], [1, 1], [20, 30]), 1.0, WHERE)
    assert [p.code for p in stranded.problems] == ["holds-leave-remainder"] * 2
    assert "50.00" in stranded.problems[0].message_en  # what is left over


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_spread_is_exact_keeps_holds_and_never_goes_negative(data):
    n_groups = data.draw(st.integers(1, 4))
    groups = list(range(n_groups)) + data.draw(st.lists(st.integers(0, n_groups - 1), max_size=20))
    weights = data.draw(st.lists(st.floats(0, 1e4), min_size=len(groups), max_size=len(groups)))
    holds = [h if data.draw(st.booleans()) and i >= n_groups else np.nan
             for i, h in enumerate(data.draw(st.lists(st.integers(0, 1000), min_size=len(groups),
                                                      max_size=len(groups))))]
    wholes = pd.Series({g: float(data.draw(st.integers(0, 10**6))) for g in range(n_groups)})
    g, w, h = parts(groups, weights, holds)
    result = spread(wholes, g, w, h, 1.0, WHERE)
    held_sum = h.fillna(0).groupby(g).sum().reindex(wholes.index, fill_value=0)
    ok = wholes >= held_sum  # every group keeps an unheld part (the first n_groups parts are never held)
    if not ok.all():
        assert {p.code for p in result.problems} == {"holds-exceed-whole"}
        return
    assert result.problems == []
    sums = pd.Series(result.amount, index=g.index).groupby(g).sum()
    assert (sums.reindex(wholes.index) == wholes).all()
    assert (result.amount >= 0).all()
    assert (result.amount[result.held] == h[h.notna()].to_numpy()).all()
