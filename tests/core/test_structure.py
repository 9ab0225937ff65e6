"""Step 1: the target's structure by role, SKU and region, worked out by hand."""

from __future__ import annotations

from dataclasses import replace
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesxl.core.formulas import region_shares, sku_shares_in_role
from salesxl.core.plan import draft_plan
from salesxl.core.settings import Settings
from salesxl.core.structure import target_structure
from salesxl.core.targets import MonthTarget

from .test_targets import frame

MONTH = pd.Period("2026-12", freq="M")
SETTINGS = Settings(plan_month=MONTH, rounding_unit=1.0, region_history_weight=0.7, history_window_months=12,
                    new_product_reserve=0.05)


def month_target(total=100_000.0, regions=None) -> MonthTarget:
    level = "region" if regions is not None else "company"
    return MonthTarget(total, pd.DataFrame(), regions, [], MONTH, level)


def products(manual_v2=0.25):
    return frame([
        {"sku": "F1", "name": "Flag 1", "role": "flagship", "unit_price": 1_000.0, "unit_cost": 600.0, "active": True,
         "manual_share": np.nan},
        {"sku": "F2", "name": "Flag 2", "role": "flagship", "unit_price": 500.0, "unit_cost": 400.0, "active": True,
         "manual_share": np.nan},
        {"sku": "F3", "name": "Flag 3 (new)", "role": "flagship", "unit_price": 1_500.0, "unit_cost": 900.0,
         "active": True, "manual_share": np.nan},
        {"sku": "X9", "name": "Retired", "role": "flagship", "unit_price": 100.0, "unit_cost": 50.0, "active": False,
         "manual_share": np.nan},
        {"sku": "V1", "name": "Vol 1", "role": "volume", "unit_price": 50.0, "unit_cost": 30.0, "active": True,
         "manual_share": np.nan},
        {"sku": "V2", "name": "Vol 2 (new)", "role": "volume", "unit_price": 40.0, "unit_cost": 20.0, "active": True,
         "manual_share": manual_v2},
    ])


def role_mix(flagship=0.6, volume=0.4):
    return frame([{"role": "flagship", "share": flagship}, {"role": "volume", "share": volume}])


def regions(manual_west=np.nan):
    return frame([
        {"region": "North", "market_share": 0.2, "market_capacity": 200_000.0, "manual_share": np.nan},
        {"region": "South", "market_share": 0.1, "market_capacity": 100_000.0, "manual_share": np.nan},
        {"region": "West", "market_share": 0.05, "market_capacity": 50_000.0, "manual_share": manual_west},
    ])


def history():
    """The 12 months before 2026-12 (2025-12 .. 2026-11).

    SKUs: F1 30,000, F2 10,000, V1 5,000, and the inactive X9 25,000.
    Regions: North = F1 + V1 + X9 = 60,000; South = F2 + a 30,000 monthly row without a SKU = 40,000.
    A 2025-11 row lies outside the window and must not count.
    """
    rows = [
        ("2026-03", "North", "F1", 30_000.0), ("2026-05", "South", "F2", 10_000.0),
        ("2026-11", "North", "V1", 5_000.0), ("2025-12", "North", "X9", 25_000.0),
        ("2026-01", "South", None, 30_000.0),  # a monthly row with no SKU: counts for the region only
        ("2025-11", "North", "F2", 1_000_000.0),  # outside the window
    ]
    out = frame([{"date": pd.NaT, "month": pd.Period(m, "M"), "region": r, "sku": s, "amount": a}
                 for m, r, s, a in rows])
    out["month"] = pd.PeriodIndex(out["month"], freq="M")
    return out


def test_roles_and_skus_by_hand():
    """Total 100,000: flagship 60 % = 60,000, volume 40 % = 40,000.

    Flagship: F3 is new (no sales in the window) and takes the 5 % reserve = 3,000; F1 and F2 share the
    other 95 % by sales 30,000 : 10,000 -> 71.25 % = 42,750 and 23.75 % = 14,250. X9 is inactive.
    Volume: V2 has a manual 25 % = 10,000; V1 takes the other 75 % = 30,000.
    Quantities: 42,750 / 1,000 = 42.75 -> 43; 14,250 / 500 = 28.5 -> 28 (half to even); 3,000 / 1,500 = 2;
    30,000 / 50 = 600; 10,000 / 40 = 250.
    Margins: F1 42,750 × (1 − 600/1,000) = 17,100; F2 14,250 × 0.2 = 2,850; F3 3,000 × 0.4 = 1,200
    -> flagship 21,150 on 60,000 = 35.25 %; V1 30,000 × 0.4 = 12,000; V2 10,000 × 0.5 = 5,000 -> 17,000 = 42.5 %.
    """
    structure, problems = target_structure(month_target(), products(), role_mix(), regions(), history(), SETTINGS)
    assert problems == []
    roles = structure.roles.set_index("role")
    assert list(roles["target"]) == [60_000, 40_000]
    assert list(roles["gross_margin"]) == pytest.approx([21_150, 17_000])
    assert list(roles["margin_rate"]) == pytest.approx([0.3525, 0.425])
    skus = structure.skus.set_index("sku")
    assert list(skus.index) == ["F1", "F2", "F3", "V1", "V2"]
    assert list(skus["target"]) == [42_750, 14_250, 3_000, 30_000, 10_000]
    assert list(skus["share_in_role"]) == pytest.approx([0.7125, 0.2375, 0.05, 0.75, 0.25])
    assert list(skus["qty"]) == [43, 28, 2, 600, 250]
    assert list(skus["gross_margin"]) == pytest.approx([17_100, 2_850, 1_200, 12_000, 5_000])
    assert [b.split()[-1] for b in skus["basis"]] == ["sales", "sales", "reserve", "sales", "share"]
    assert structure.has_costs


def test_regions_by_hand():
    """Last 12 months: North 60,000, South 40,000, West 0; capacities 200,000 / 100,000 / 50,000.
    History shares 0.6 / 0.4 / 0; potential 140,000 / 60,000 / 50,000 of 250,000 = 0.56 / 0.24 / 0.20.
    Weights (α = 0.7): North 0.42 + 0.168 = 0.588; South 0.28 + 0.072 = 0.352; West 0 + 0.06 = 0.06.
    Targets of 100,000: 58,800 / 35,200 / 6,000.
    """
    structure, problems = target_structure(month_target(), products(), role_mix(), regions(), history(), SETTINGS)
    assert problems == []
    r = structure.regions.set_index("region")
    assert list(r["last_12m"]) == [60_000, 40_000, 0]
    assert list(r["history_share"]) == pytest.approx([0.6, 0.4, 0])
    assert list(r["potential_share"]) == pytest.approx([0.56, 0.24, 0.20])
    assert list(r["final_share"]) == pytest.approx([0.588, 0.352, 0.06])
    assert list(r["target"]) == [58_800, 35_200, 6_000]


def test_a_manual_region_share_overrides_and_the_rest_is_renormalised():
    """West fixed at 10 %; North and South share 90 % as 0.588 : 0.352:
    North 0.9 × 0.588 / 0.94 = 0.562979 -> 56,297.87; South 0.337021 -> 33,702.13; West 10,000.
    Largest remainder: floors 56,297 + 33,702 + 10,000 = 99,999; the unit left goes to North (.87).
    """
    structure, problems = target_structure(month_target(), products(), role_mix(), regions(manual_west=0.10),
                                           history(), SETTINGS)
    assert problems == []
    r = structure.regions.set_index("region")
    assert list(r["final_share"]) == pytest.approx([0.562979, 0.337021, 0.10], abs=1e-6)
    assert list(r["target"]) == [56_298, 33_702, 10_000]


def test_regional_budget_basis_follows_the_regions_own_targets():
    own = pd.DataFrame({"region": ["North", "South", "West"], "target": [50_000.0, 30_000.0, 20_000.0]})
    structure, problems = target_structure(month_target(regions=own), products(), role_mix(), regions(),
                                           history(), replace(SETTINGS, region_split="budget"))
    assert problems == [] and structure.region_basis == "budget"
    assert list(structure.regions["target"]) == [50_000, 30_000, 20_000]
    assert list(structure.regions["month_target"]) == [50_000, 30_000, 20_000]


def test_role_shares_not_summing_to_100_percent_are_located():
    _, problems = target_structure(month_target(), products(), role_mix(0.6, 0.3), regions(), history(), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("role_mix", 3, "share", "shares-not-100")]
    assert "90.00%" in problems[0].message_en


def test_a_role_with_share_but_no_active_product_is_an_error():
    mix = frame([{"role": "flagship", "share": 0.6}, {"role": "volume", "share": 0.3}, {"role": "image", "share": 0.1}])
    _, problems = target_structure(month_target(), products(), mix, regions(), history(), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("role_mix", 4, "role", "role-without-products")]


def test_manual_shares_above_100_percent_in_a_role():
    _, problems = target_structure(month_target(), products(manual_v2=1.0), role_mix(), regions(), history(),
                                   SETTINGS)
    assert problems == []  # exactly 100 % is allowed: V1 then gets nothing
    sheet = products(manual_v2=0.7)
    sheet.loc[6, "manual_share"] = 0.4
    _, problems = target_structure(month_target(), sheet, role_mix(), regions(), history(), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("products", 7, "manual_share", "manual-shares-over-100")]


def test_region_manual_shares_above_100_percent():
    sheet = regions(manual_west=0.5)
    sheet.loc[2, "manual_share"] = 0.6
    _, problems = target_structure(month_target(), products(), role_mix(), sheet, history(), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("regions", 4, "manual_share", "manual-shares-over-100")]


def test_a_role_of_only_new_products_splits_equally():
    """Volume with V1 and V2 both new and no manual share: 40,000 / 2 = 20,000 each."""
    sheet = products(manual_v2=np.nan)
    sold = history()
    sold = sold[sold["sku"] != "V1"]
    structure, problems = target_structure(month_target(), sheet, role_mix(), regions(), sold, SETTINGS)
    assert problems == []
    assert list(structure.skus.set_index("sku").loc[["V1", "V2"], "target"]) == [20_000, 20_000]
    assert any("share it equally" in n for n in structure.notes)


def test_draft_plan_runs_both_steps():
    """Company budget 300,000 with the running example's history lands in North; the structure
    splits the 285,795 exactly over roles, SKUs and regions."""
    from .test_targets import SETTINGS as TARGET_SETTINGS, budget, factors, history as same_month_history

    hist = same_month_history()
    hist["sku"] = "F1"
    tables = {"budget": budget(), "history": hist, "factors": factors(), "products": products(),
              "role_mix": role_mix(), "regions": regions()}
    target, structure, problems = draft_plan(tables, TARGET_SETTINGS)
    assert problems == []
    assert target.total == 285_795
    assert structure.skus["target"].sum() == 285_795
    assert structure.regions["target"].sum() == 285_795
    assert structure.roles["target"].sum() == 285_795


# Invariants, whatever the input.

amounts = st.lists(st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e7)), min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(sales=amounts, reserve=st.floats(min_value=0, max_value=1), data=st.data())
def test_sku_shares_fill_the_role_and_are_never_negative(sales, reserve, data):
    manual = data.draw(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1 / len(sales))),
                                min_size=len(sales), max_size=len(sales)))
    out = sku_shares_in_role(sales, manual, reserve)
    assert all(s >= 0 for s in out)
    if any(m is None for m in manual):
        assert sum(out) == pytest.approx(1.0, abs=1e-9)
    assert sku_shares_in_role(sales, manual, reserve) == out


@settings(max_examples=100, deadline=None)
@given(data=st.data(), alpha=st.floats(min_value=0, max_value=1))
def test_region_shares_sum_to_one(data, alpha):
    n = data.draw(st.integers(min_value=1, max_value=10))
    sales = data.draw(st.lists(st.floats(min_value=0, max_value=1e8), min_size=n, max_size=n))
    capacity = data.draw(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1e9)), min_size=n,
                                  max_size=n))
    out = region_shares(sales, capacity, alpha)
    assert all(s >= 0 for s in out)
    if sum(sales) > 0 or any(c and c > s for c, s in zip(capacity, sales)):
        assert sum(out) == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**9), flagship=st.integers(min_value=0, max_value=100),
       unit=st.sampled_from([0.01, 1.0, 100.0]))
def test_every_split_adds_up_exactly_and_repeats(total, flagship, unit):
    total = round(total / unit) * unit
    mix = role_mix(flagship / 100, (100 - flagship) / 100)
    run = lambda: target_structure(month_target(total), products(), mix, regions(), history(),  # noqa: E731
                                   replace(SETTINGS, rounding_unit=unit))
    structure, problems = run()
    assert problems == []
    units = round(total / unit)
    for table in (structure.roles, structure.skus, structure.regions):
        assert round((table["target"] / unit).round().sum()) == units
        assert (table["target"] >= 0).all()
    again, _ = run()
    pd.testing.assert_frame_equal(again.skus, structure.skus)
    pd.testing.assert_frame_equal(again.regions, structure.regions)
