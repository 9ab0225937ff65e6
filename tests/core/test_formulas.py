"""The plain-signature formulas later exposed as worksheet functions."""

from __future__ import annotations

import pytest

from salesxl.core.formulas import (allocate, history_average, history_growth, history_trend, region_shares,
                                   renormalise, sku_shares_in_role, with_manual_shares)


def test_history_methods_on_the_running_example():
    """250,000 / 230,000 / 200,000: average 234,000; g_h = (0.5 × 2/23 + 0.3 × 0.15) / 0.8; trend 250,000 × (1 + g_h)."""
    assert history_average(250_000, 230_000, 200_000) == pytest.approx(234_000)
    g = (0.5 * 2 / 23 + 0.3 * 0.15) / 0.8
    assert history_growth(250_000, 230_000, 200_000) == pytest.approx(g)
    assert history_trend(250_000, 230_000, 200_000) == pytest.approx(250_000 * (1 + g))


def test_blank_years_are_none_or_nan():
    assert history_average(None, 230_000, float("nan")) == 230_000
    assert history_average(None, None, None) is None
    assert history_trend(None, None, None) is None


def test_a_growth_rate_needs_a_positive_earlier_year():
    """2024 sold 0, so 2025 over 2024 has no rate; only 2024 over 2023 = −100 % is left."""
    assert history_growth(250_000, 0, 200_000) == pytest.approx(-1.0)


def test_renormalise():
    assert renormalise([0.5, 0.3, 0.2], [True, True, False]) == pytest.approx([0.625, 0.375, 0])
    assert renormalise([0.5, 0.3], [False, False]) == [0, 0]


def test_region_shares_with_a_manual_override():
    """Sales 60/40/0, capacity 200/100/50 (thousands), α 0.7 -> 0.588 / 0.352 / 0.06; West fixed at 10 %
    -> North and South share 90 % as 0.588 : 0.352."""
    assert region_shares([60, 40, 0], [200, 100, 50], 0.7) == pytest.approx([0.588, 0.352, 0.06])
    assert region_shares([60, 40, 0], [200, 100, 50], 0.7, [None, None, 0.1]) == pytest.approx(
        [0.9 * 0.588 / 0.94, 0.9 * 0.352 / 0.94, 0.1])


def test_region_shares_without_capacity_follow_history_alone():
    assert region_shares([30, 10], [None, None], 0.7) == pytest.approx([0.75, 0.25])


def test_sku_shares_new_products_take_the_reserve():
    """Two selling SKUs 3:1, one new: new gets 5 %, the others 95 % × 3/4 and 95 % × 1/4."""
    assert sku_shares_in_role([300, 100, 0], [None, None, None], 0.05) == pytest.approx([0.7125, 0.2375, 0.05])
    assert sku_shares_in_role([0, 0], [None, None], 0.05) == pytest.approx([0.5, 0.5])


def test_manual_shares_fill_exactly_what_they_say():
    assert with_manual_shares([0.5, 0.5], [0.2, None]) == pytest.approx([0.2, 0.8])


def test_allocate_returns_a_plain_list():
    assert allocate(100, [1, 1, 1], 1) == [34.0, 33.0, 33.0]
    assert allocate(10, [None, 1], 1) == [0.0, 10.0]
