"""The one split every step uses: exact, never negative, deterministic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesxl.core.allocation import AllocationError, allocate, allocate_groups, to_unit


def test_february_2026_over_16_working_days_in_cents():
    # 309,000 / 16 = 19,312.50 exactly, so every day gets the same.
    assert list(allocate(309_000, [1] * 16, unit=0.01)) == [19_312.50] * 16


def test_february_2026_over_16_working_days_in_yuan():
    # 19,312.5 per day: 8 half-yuan remainders are rounded up, earliest days first.
    assert list(allocate(309_000, [1] * 16, unit=1)) == [19_313] * 8 + [19_312] * 8


def test_largest_remainder_goes_first():
    # exact shares of 100 by 1:1:1 are 33.33 each; the leftover unit goes to the first.
    assert list(allocate(100, [1, 1, 1])) == [34, 33, 33]
    # 10 by 0.15/0.25/0.6 -> 1.5, 2.5, 6.0: two halves tie, one unit left, the earlier wins.
    assert list(allocate(10, [0.15, 0.25, 0.6])) == [2, 2, 6]
    # 7 by 1:2:4 -> 1, 2, 4 exactly.
    assert list(allocate(7, [1, 2, 4])) == [1, 2, 4]


def test_zero_weights_get_nothing_and_hundreds_unit():
    assert list(allocate(1_000, [0, 3, 1], unit=100)) == [0, 800, 200]


def test_total_is_rounded_to_the_unit_first():
    assert allocate(100.4, [1, 1]).sum() == 100
    assert to_unit(19_312.5, 1) == 19_313
    assert to_unit(0.125, 0.01) == 0.13


@pytest.mark.parametrize("weights", [[0, 0], [], [1, -1], [1, float("nan")]])
def test_impossible_splits_say_why(weights):
    with pytest.raises(AllocationError):
        allocate(100, weights)


def test_nothing_to_split_is_all_zero_even_with_zero_weights():
    assert list(allocate(0, [0, 0])) == [0, 0]


units = st.sampled_from([0.01, 1, 100])
weights = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**9), weights=weights, unit=units)
def test_parts_sum_exactly_and_stay_close_to_their_share(total, weights, unit):
    if sum(weights) == 0 and total > 0:
        return
    total = to_unit(total, unit)
    parts = allocate(total, weights, unit)
    in_units = np.round(parts / unit).astype(np.int64)
    assert in_units.sum() == round(total / unit)
    assert (parts >= 0).all()
    if sum(weights):
        exact = total * np.array(weights) / sum(weights)
        assert (np.abs(parts - exact) < unit + 1e-6 * max(1, total)).all()
    assert list(allocate(total, weights, unit)) == list(parts)


def test_many_splits_at_once_follow_the_same_rule():
    # Group 0: 100 by 1:1:1 -> 34, 33, 33; group 1: 10 by 0.15/0.25/0.6 -> 2, 2, 6 (as allocate does).
    parts = allocate_groups([100, 10], [1, 0.15, 1, 0.25, 1, 0.6], [0, 1, 0, 1, 0, 1])
    assert list(parts) == [34, 2, 33, 2, 33, 6]


def test_a_group_with_nothing_to_split_may_have_no_parts_or_zero_weights():
    assert list(allocate_groups([0, 50, 0], [0, 1, 1], [0, 1, 1])) == [0, 25, 25]
    with pytest.raises(AllocationError):
        allocate_groups([10, 5], [1], [0])  # group 1 has 5 to split and no part


@settings(max_examples=200, deadline=None)
@given(data=st.data(), unit=units)
def test_grouped_split_equals_one_split_per_group(data, unit):
    n_groups = data.draw(st.integers(1, 5))
    groups = data.draw(st.lists(st.integers(0, n_groups - 1), min_size=n_groups, max_size=30))
    groups = list(range(n_groups)) + groups  # every group has a part
    w = data.draw(st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=len(groups), max_size=len(groups)))
    totals = [to_unit(t, unit) for t in data.draw(st.lists(st.integers(0, 10**8), min_size=n_groups,
                                                            max_size=n_groups))]
    parts = allocate_groups(totals, w, groups, unit)
    for g in range(n_groups):
        mine = [i for i, gi in enumerate(groups) if gi == g]
        assert list(parts[mine]) == list(allocate(totals[g], [w[i] for i in mine], unit))
