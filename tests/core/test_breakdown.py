"""The release, level by level, on a small company worked out by hand.

The company (plan month 2026-03, history window 2025-03 .. 2026-02, unit 1 yuan):

* Region N, target 10,000: A (100 a month for 12 months = 1,200), B (300 a month = 3,600),
  C (hired 2026-02-10, no history: new), G (held at a manual target of 1,000).
* Region S, target 5,000: D (50 a month), E (inactive, 1,000 a month), F (manual share 40 %).

N spreads 10,000 − 1,000 = 9,000 over A, B, C: C is new and starts at 50 % of the average
share (1/3), so 1/6; A and B share the other 5/6 by history, 1,200 : 3,600 = 1 : 3, so
A = 9,000 × 5/6 × 1/4 = 1,875, B = 9,000 × 5/6 × 3/4 = 5,625, C = 9,000 / 6 = 1,500.
S: F takes 40 % = 2,000; D the other 60 % = 3,000; E nothing.
"""

from __future__ import annotations

from dataclasses import replace
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from salesxl.core.breakdown import break_down, core_outlet_sku_level, outlet_level, region_level, rep_sku_level
from salesxl.core.settings import Settings
from salesxl.problems import errors

MONTH = pd.Period("2026-03", "M")
WINDOW = pd.period_range("2025-03", "2026-02", freq="M")


def sheet(**columns) -> pd.DataFrame:
    """A frame as the reader gives it: indexed by Excel row, data from row 2."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=pd.Index(range(2, n + 2), name="excel_row"))


def monthly(rep, region, per_month, months=WINDOW, sku="X", outlet=None):
    return [{"date": pd.NaT, "month": m, "region": region, "rep_id": rep, "outlet_id": outlet, "sku": sku,
             "qty": 1.0, "amount": float(per_month)} for m in months]


def history_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.set_axis(pd.Index(range(2, len(frame) + 2), name="excel_row"))


def company(**changes):
    reps = sheet(rep_id=list("ABCDEFG"), name=[f"rep {r}" for r in "ABCDEFG"], region=list("NNNSSSN"),
                 manager=[None] * 7, active=[True, True, True, True, False, True, True],
                 manual_share=[np.nan] * 5 + [0.4, np.nan],
                 hire_date=pd.to_datetime(["2020-01-01"] * 2 + ["2026-02-10"] + ["2020-01-01"] * 4),
                 manual_target=[np.nan] * 6 + [1000.0])
    outlets = sheet(outlet_id=["OA1", "OA2", "OB1", "OC1", "OD1", "OF1", "OG1"],
                    name=["a1", "a2", "b1", "c1", "d1", "f1", "g1"], rep_id=list("AABCDFG"),
                    region=list("NNNNSSN"), core=[True, False, True, False, False, False, False],
                    potential=[np.nan] * 7, developing=[False] * 7, manual_target=[np.nan] * 7)
    history = history_frame(monthly("A", "N", 60, outlet="OA1") + monthly("A", "N", 40, outlet="OA2")
                            + monthly("B", "N", 300, outlet="OB1") + monthly("D", "S", 50, outlet="OD1")
                            + monthly("E", "S", 1000) + monthly("F", "S", 100, outlet="OF1"))
    tables = {
        "reps": reps, "outlets": outlets, "history": history,
        "regions": sheet(region=["N", "S"], market_share=[np.nan] * 2, market_capacity=[np.nan] * 2,
                         manual_share=[np.nan] * 2, manual_target=[np.nan] * 2),
        "products": sheet(sku=["X", "Y"], name=["x", "y"], role=["flagship", "volume"], unit_price=[1.0, 1.0],
                          unit_cost=[np.nan] * 2, active=[True, True], manual_share=[np.nan] * 2,
                          manual_target=[np.nan] * 2),
        "calendar": sheet(date=pd.to_datetime([]), status=[], weight=[], note=[]),
    }
    for key, change in changes.items():
        change(tables[key])
    return tables


REGION_TARGETS = pd.DataFrame({"region": ["N", "S"], "target": [10_000.0, 5_000.0]})
SKU_TARGETS = pd.DataFrame({"sku": ["X", "Y"], "role": ["flagship", "volume"], "target": [9_000.0, 6_000.0]})
SETTINGS = Settings(plan_month=MONTH, rounding_unit=1.0)


def run(tables=None, settings=None, regions=REGION_TARGETS, skus=SKU_TARGETS, agreed=None):
    result, problems = break_down(15_000, regions, skus, tables or company(), replace(SETTINGS, **(settings or {})),
                                  agreed)
    return result, problems


def targets(result) -> dict[str, float]:
    return dict(zip(result.reps["rep_id"], result.reps["target"]))


def test_region_to_rep_by_history_with_new_rep_manual_share_hold_and_inactive():
    result, problems = run()
    assert errors(problems) == []
    assert targets(result) == {"A": 1875, "B": 5625, "C": 1500, "G": 1000, "D": 3000, "F": 2000}
    reps = result.reps.set_index("rep_id")
    assert list(reps.loc[["C", "G", "F"], ["new", "held"]].itertuples(index=False)) == [
        (True, False), (True, True), (False, False)]  # G has no history either, but is held
    # A's history is 1,200 of N's 4,800 in the window; last March A sold 100, so 1,875 is +1,775 %.
    assert reps.at["A", "history"] == 1200 and reps.at["A", "history_share"] == 0.25
    assert reps.at["A", "last_year"] == 100 and reps.at["A", "growth"] == pytest.approx(17.75)
    assert reps.at["A", "share"] == pytest.approx(0.1875)
    # Tiers 1.0 / 1.1 / 1.2: 1,875 -> 1,875 / 2,062.5 rounded half up to 2,063 / 2,250.
    assert tuple(reps.loc["A", ["base", "challenge", "sprint"]]) == (1875, 2063, 2250)
    assert "E" not in reps.index and any("E" in n for n in result.notes["reps"])


def test_every_level_sums_to_the_month_target():
    result, _ = run()
    assert result.total == 15_000
    assert result.reps["target"].sum() == 15_000
    assert result.rep_skus["sku_target"].sum() == 15_000
    assert result.outlets["outlet_target"].sum() == 15_000
    assert result.days["daily_target"].sum() == 15_000 and result.calendar["target"].sum() == 15_000
    assert (result.regions["reps_total"] == result.regions["target"]).all()
    assert (result.skus["reps_total"] == result.skus["target"]).all()
    by_rep = result.rep_skus.groupby("rep_id")["sku_target"].sum()
    assert (by_rep == result.reps.set_index("rep_id")["target"][by_rep.index]).all()
    last = result.days.groupby("rep_id")["target_to_date"].last()
    assert (last == result.reps.set_index("rep_id")["target"][last.index]).all()


def test_short_history_is_measured_per_month_present():
    """H joined 2025-09 and sold 200 a month for 6 months (1,200, the same as A's 12 × 100).

    Per month present H sells twice what A does, so of 9,000 A gets 3,000 and H 6,000.
    """
    def only_a_and_h(reps):
        reps.loc[reps.rep_id.isin(list("BCG")), "active"] = False
        reps.loc[9] = ["H", "rep H", "N", None, True, np.nan, pd.Timestamp("2025-09-01"), np.nan]
    tables = company(reps=only_a_and_h)
    tables["history"] = pd.concat([tables["history"], history_frame(
        monthly("H", "N", 200, pd.period_range("2025-09", "2026-02", freq="M"), outlet="OH1"))])
    tables["outlets"].loc[9] = ["OH1", "h1", "H", "N", False, np.nan, False, np.nan]
    result, problems = run(tables, regions=pd.DataFrame({"region": ["N", "S"], "target": [9_000.0, 6_000.0]}))
    assert errors(problems) == []
    assert {k: v for k, v in targets(result).items() if k in "AH"} == {"A": 3000, "H": 6000}


@pytest.mark.parametrize("method, expected", [
    # Equal: 10,000 − 1,000 held over A, B, C: 3,000 each.
    ("equal", {"A": 3000, "B": 3000, "C": 3000}),
    # Potential of the rep's outlets: A 100 + 300, B 400, C 200: 4 : 4 : 2 of 9,000.
    ("potential", {"A": 3600, "B": 3600, "C": 1800}),
    # Like March 2025 (12 months back): A sold 300, B 100 that month. C is new (1/6);
    # A = 9,000 × 5/6 × 3/4 = 5,625, B = 9,000 × 5/6 × 1/4 = 1,875.
    ("reference", {"A": 5625, "B": 1875, "C": 1500}),
])
def test_rep_methods(method, expected):
    def potentials(outlets):
        outlets["potential"] = [100.0, 300.0, 400.0, 200.0, np.nan, np.nan, np.nan]
    tables = company(outlets=potentials)
    march = tables["history"]["month"] == pd.Period("2025-03", "M")
    tables["history"].loc[march & (tables["history"].rep_id == "A"), "amount"] = [180.0, 120.0]
    tables["history"].loc[march & (tables["history"].rep_id == "B"), "amount"] = 100.0
    result, problems = run(tables, {"rep_method": method})
    assert errors(problems) == []
    assert {k: v for k, v in targets(result).items() if k in "ABC"} == expected


def test_hold_larger_than_its_region_names_the_held_cell():
    def greedy(reps):
        reps.loc[8, "manual_target"] = 20_000.0  # G, on Excel row 8
    result, problems = run(company(reps=greedy))
    assert result is None
    assert [(p.sheet, p.row, p.column, p.code) for p in errors(problems)] == [
        ("reps", 8, "manual_target", "holds-exceed-whole")]
    assert "20,000.00" in problems[0].message_en and "10,000.00" in problems[0].message_en


def test_holds_that_leave_a_remainder_with_nobody_to_take_it():
    def all_held(reps):
        reps.loc[5, "manual_target"] = 1_000.0  # D
        reps.loc[7, "manual_target"] = 1_000.0  # F
    _, problems = run(company(reps=all_held))
    assert [(p.row, p.code) for p in errors(problems)] == [(5, "holds-leave-remainder"), (7, "holds-leave-remainder")]


def test_manual_shares_above_100_percent_are_located():
    def shares(reps):
        reps.loc[5, "manual_share"] = 0.7  # D 70 % + F 40 %
    _, problems = run(company(reps=shares))
    assert [(p.row, p.column, p.code) for p in errors(problems)] == [
        (5, "manual_share", "shares-exceed-whole"), (7, "manual_share", "shares-exceed-whole")]


def test_region_with_a_target_and_no_active_rep():
    def nobody_in_s(reps):
        reps.loc[reps.region == "S", "active"] = False
    _, problems = run(company(reps=nobody_in_s))
    assert [(p.sheet, p.row, p.code) for p in errors(problems)] == [("regions", 3, "region-without-reps")]


def test_rep_with_a_target_and_no_outlet():
    def give_c_outlet_to_b(outlets):
        outlets.loc[5, "rep_id"] = "B"
    _, problems = run(company(outlets=give_c_outlet_to_b))
    assert [(p.sheet, p.row, p.column, p.code) for p in errors(problems)] == [
        ("reps", 4, "rep_id", "rep-without-outlets")]


def test_region_and_sku_holds_spread_the_rest_by_the_structure():
    """Regions N 5,000 / S 3,000 / W 2,000; N held at 6,000: S and W share 4,000 as 3 : 2."""
    regions = pd.DataFrame({"region": ["N", "S", "W"], "target": [5_000.0, 3_000.0, 2_000.0]})
    sheet_ = sheet(region=["N", "S", "W"], manual_target=[6_000.0, np.nan, np.nan])
    frame, problems = region_level(10_000, regions, sheet_, 1.0)
    assert problems == []
    assert list(frame["target"]) == [6_000, 2_400, 1_600] and list(frame["held"]) == [True, False, False]

    def hold_y(products):
        products.loc[3, "manual_target"] = 7_000.0
    result, problems = run(company(products=hold_y))
    assert errors(problems) == []
    assert dict(zip(result.skus["sku"], result.skus["target"])) == {"X": 8_000, "Y": 7_000}
    assert result.rep_skus.groupby("sku")["sku_target"].sum().to_dict() == {"X": 8_000, "Y": 7_000}


def test_rep_sku_fit_follows_history_odds():
    """Reps P (10) and Q (20); SKUs X (12) and Y (18); history P: X 100, Y 200; Q: X 200, Y 100.

    With no prior the fit keeps the cross-ratio 1/4 of history: [[2, 8], [10, 10]]
    (see tests/core/test_fitting.py for the arithmetic).
    """
    reps = pd.DataFrame({"rep_id": ["P", "Q"], "name": ["p", "q"], "region": ["N", "N"], "target": [10.0, 20.0]})
    skus = pd.DataFrame({"sku": ["X", "Y"], "role": ["flagship", "volume"], "target": [12.0, 18.0]})
    history = history_frame(monthly("P", "N", 100, WINDOW[-1:], "X") + monthly("P", "N", 200, WINDOW[-1:], "Y")
                            + monthly("Q", "N", 200, WINDOW[-1:], "X") + monthly("Q", "N", 100, WINDOW[-1:], "Y"))
    history["sales_month"] = history["month"]
    cells, fit = rep_sku_level(reps, skus, history, MONTH, replace(SETTINGS, fit_prior=0.0))
    assert list(cells[["rep_id", "sku", "sku_target"]].itertuples(index=False)) == [
        ("P", "X", 2), ("P", "Y", 8), ("Q", "X", 10), ("Q", "Y", 10)]
    assert fit.converged and fit.max_error < 1e-3 and fit.rounded_max_error == 0  # a thousandth of a yuan


def test_new_rep_and_new_sku_get_a_share_through_the_prior():
    """C has no history and Z has never been sold; the prior gives every cell a share."""
    skus = pd.DataFrame({"sku": ["X", "Y", "Z"], "role": ["flagship", "volume", "image"],
                         "target": [8_000.0, 5_000.0, 2_000.0]})

    def add_z(products):
        products.loc[4] = ["Z", "z", "image", 1.0, np.nan, True, np.nan, np.nan]
    result, problems = run(company(products=add_z), skus=skus)
    assert errors(problems) == []
    cells = result.rep_skus.set_index(["rep_id", "sku"])["sku_target"]
    assert cells.loc["C"].to_dict().keys() == {"X", "Y", "Z"} and (cells.loc["C"] > 0).all()
    assert cells.xs("Z", level="sku").sum() == 2_000
    assert cells.groupby("sku").sum().to_dict() == {"X": 8_000, "Y": 5_000, "Z": 2_000}
    assert cells.loc["C"].sum() == 1_500


def test_outlets_blend_history_with_potential():
    """Rep target 1,000, β = 50 %. History 300 / 100 / 0; potential 100 / none / 300.

    History shares 0.75, 0.25, 0; potential shares among outlets that have one: 0.25, –, 0.75.
    Weights 0.5·0.75 + 0.5·0.25 = 0.5; 0.25 (no potential: history only); 0.5·0 + 0.5·0.75 = 0.375.
    1,000 × (0.5, 0.25, 0.375) / 1.125 = 444.4, 222.2, 333.3 -> 444, 222, 333 and the last yuan
    to the largest remainder (.44): 445, 222, 333.
    """
    reps = sheet(rep_id=["A"], region=["N"], target=[1_000.0])
    outlets = sheet(outlet_id=["O1", "O2", "O3"], name=["1", "2", "3"], rep_id=["A"] * 3, region=["N"] * 3,
                    core=[False] * 3, potential=[100.0, np.nan, 300.0], manual_target=[np.nan] * 3)
    history = history_frame(monthly("A", "N", 300, WINDOW[-1:], outlet="O1")
                            + monthly("A", "N", 100, WINDOW[-1:], outlet="O2"))
    history["sales_month"] = history["month"]
    frame, problems = outlet_level(reps, outlets, history, MONTH, replace(SETTINGS, outlet_history_weight=0.5), [])
    assert problems == []
    assert list(frame["outlet_target"]) == [445, 222, 333]

    outlets.loc[3, "manual_target"] = 500.0  # hold O2: the other 500 goes 0.5 : 0.375
    frame, _ = outlet_level(reps, outlets, history, MONTH, replace(SETTINGS, outlet_history_weight=0.5), [])
    assert list(frame["outlet_target"]) == [286, 500, 214] and list(frame["held"]) == [False, True, False]

    outlets.loc[3, "manual_target"] = 1_500.0
    _, problems = outlet_level(reps, outlets, history, MONTH, SETTINGS, [])
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("outlets", 3, "manual_target", "holds-exceed-whole")]


def test_core_outlets_get_the_reps_sku_targets_by_their_history():
    """Rep A: X 40, Y 60; core O1 (10) and O2 (20), non-core O3 (70).

    The core outlets carry 30 of A's 100, so the SKU columns are 30 × (0.4, 0.6) = 12 and 18;
    their history (O1: X 100, Y 200; O2: X 200, Y 100) fits as [[2, 8], [10, 10]].
    """
    outlets = pd.DataFrame({"outlet_id": ["O1", "O2", "O3"], "rep_id": ["A"] * 3, "core": [True, True, False],
                            "outlet_target": [10.0, 20.0, 70.0]})
    rep_skus = pd.DataFrame({"rep_id": ["A", "A"], "sku": ["X", "Y"], "role": ["flagship", "volume"],
                             "sku_target": [40.0, 60.0]})
    history = history_frame(monthly("A", "N", 100, WINDOW[-1:], "X", "O1") + monthly("A", "N", 200, WINDOW[-1:], "Y", "O1")
                            + monthly("A", "N", 200, WINDOW[-1:], "X", "O2") + monthly("A", "N", 100, WINDOW[-1:], "Y", "O2"))
    history["sales_month"] = history["month"]
    cells, fit = core_outlet_sku_level(outlets, rep_skus, history, MONTH, replace(SETTINGS, fit_prior=0.0))
    assert list(cells[["outlet_id", "sku", "outlet_sku_target"]].itertuples(index=False)) == [
        ("O1", "X", 2), ("O1", "Y", 8), ("O2", "X", 10), ("O2", "Y", 10)]
    assert fit.converged


def test_core_outlet_skus_in_the_company_sum_to_their_outlets():
    result, _ = run()
    core = result.outlets[result.outlets["core"]].set_index("outlet_id")["outlet_target"]
    by_outlet = result.outlet_skus.groupby("outlet_id")["outlet_sku_target"].sum()
    assert by_outlet.to_dict() == core[core > 0].to_dict()


def test_a_rep_with_an_outlet_in_another_region():
    """A (region N) serves OA2, which lies in S: its target is part of A's, and so of N's."""
    def move(outlets):
        outlets.loc[3, "region"] = "S"
    result, problems = run(company(outlets=move))
    assert errors(problems) == []
    outlets = result.outlets.set_index("outlet_id")
    assert (outlets.at["OA2", "region"], outlets.at["OA2", "rep_region"]) == ("S", "N")
    assert outlets.loc[["OA1", "OA2"], "outlet_target"].sum() == 1875
    assert any("OA2" in n for n in result.notes["outlets"])
    assert targets(result) == {"A": 1875, "B": 5625, "C": 1500, "G": 1000, "D": 3000, "F": 2000}


def test_outlet_of_an_inactive_rep_is_a_warning():
    def serve_e(outlets):
        outlets.loc[9] = ["OE1", "e1", "E", "S", False, np.nan, False, np.nan]
    result, problems = run(company(outlets=serve_e))
    assert [(p.sheet, p.row, p.code, p.severity) for p in problems] == [
        ("outlets", 9, "outlet-rep-inactive", "warning")]
    assert "OE1" not in set(result.outlets["outlet_id"])


def test_agreed_targets_replace_the_draft_and_the_rest_follows():
    """A agreed 2,000 instead of 1,875: the month becomes 15,125, N 10,125, and the SKUs
    rescale 9,000 : 6,000 to 9,075 and 6,050."""
    agreed = pd.DataFrame({"rep_id": ["A"], "target": [2_000.0]}, index=pd.Index([2], name="excel_row"))
    result, problems = run(agreed=agreed)
    assert errors(problems) == []
    assert result.total == 15_125 and targets(result)["A"] == 2_000 and targets(result)["B"] == 5_625
    assert dict(zip(result.regions["region"], result.regions["target"])) == {"N": 10_125, "S": 5_000}
    assert dict(zip(result.skus["sku"], result.skus["target"])) == {"X": 9_075, "Y": 6_050}
    assert result.rep_skus["sku_target"].sum() == result.outlets["outlet_target"].sum() == 15_125
    assert result.days["daily_target"].sum() == 15_125
    assert result.reps.set_index("rep_id").at["A", "agreed"]


def test_agreed_target_for_an_unknown_rep_is_located():
    agreed = pd.DataFrame({"rep_id": ["Z9", "E"], "target": [1.0, 1.0]}, index=pd.Index([4, 5], name="excel_row"))
    _, problems = run(agreed=agreed)
    assert [(p.sheet, p.row, p.column, p.code) for p in errors(problems)] == [
        ("agreement", 4, "rep_id", "agreed-unknown-rep"), ("agreement", 5, "rep_id", "agreed-unknown-rep")]


def test_tiers_must_rise():
    _, problems = run(settings={"tier_challenge": 0.9})
    assert [(p.sheet, p.column, p.code) for p in errors(problems)] == [
        ("settings", "tier_challenge", "tiers-out-of-order")]


def test_same_inputs_give_the_same_release():
    first, _ = run()
    second, _ = run()
    for name in ("reps", "rep_skus", "outlets", "outlet_skus", "days", "calendar"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


@st.composite
def companies(draw):
    n_reps = draw(st.integers(1, 6))
    regions = [f"R{i}" for i in range(draw(st.integers(1, min(3, n_reps))))]
    rep_region = [regions[i % len(regions)] for i in range(n_reps)]
    reps = sheet(rep_id=[f"P{i}" for i in range(n_reps)], name=["n"] * n_reps, region=rep_region,
                 manager=[None] * n_reps, active=[True] * n_reps, manual_share=[np.nan] * n_reps,
                 hire_date=pd.to_datetime(["2020-01-01"] * n_reps), manual_target=[np.nan] * n_reps)
    outlet_rep = [f"P{i % n_reps}" for i in range(draw(st.integers(n_reps, 3 * n_reps)))]
    outlets = sheet(outlet_id=[f"O{i}" for i in range(len(outlet_rep))], name=["o"] * len(outlet_rep),
                    rep_id=outlet_rep, region=[rep_region[int(r[1:])] for r in outlet_rep],
                    core=draw(st.lists(st.booleans(), min_size=len(outlet_rep), max_size=len(outlet_rep))),
                    potential=[np.nan] * len(outlet_rep), developing=[False] * len(outlet_rep),
                    manual_target=[np.nan] * len(outlet_rep))
    skus = ["X", "Y", "Z"]
    rows = []
    for i, outlet in enumerate(outlets["outlet_id"]):
        for sku in skus:
            amount = draw(st.integers(0, 1000))
            if amount:
                rows += monthly(outlet_rep[i], rep_region[int(outlet_rep[i][1:])], amount, WINDOW[-2:], sku,
                                outlet)
    history = history_frame(rows) if rows else history_frame(monthly("P0", "R0", 0, WINDOW[-1:]))
    unit = draw(st.sampled_from([1.0, 0.01]))
    total = draw(st.integers(0, 10**6))
    region_t = [float(x) for x in np.diff(np.r_[0, np.sort(draw(st.lists(
        st.integers(0, total), min_size=len(regions) - 1, max_size=len(regions) - 1))), total])]
    sku_t = [float(x) for x in np.diff(np.r_[0, np.sort(draw(st.lists(
        st.integers(0, total), min_size=2, max_size=2))), total])]
    tables = {"reps": reps, "outlets": outlets, "history": history,
              "regions": sheet(region=regions, manual_target=[np.nan] * len(regions)),
              "products": sheet(sku=skus, active=[True] * 3, manual_target=[np.nan] * 3)}
    return (float(total), pd.DataFrame({"region": regions, "target": region_t}),
            pd.DataFrame({"sku": skus, "role": ["flagship", "volume", "image"], "target": sku_t}), tables, unit)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies())
def test_any_company_releases_exactly_its_month_without_negatives(case):
    total, regions, skus, tables, unit = case
    result, problems = break_down(total, regions, skus, tables, Settings(plan_month=MONTH, rounding_unit=unit))
    assert errors(problems) == []
    for frame, column in ((result.reps, "target"), (result.rep_skus, "sku_target"),
                          (result.outlets, "outlet_target"), (result.days, "daily_target"),
                          (result.calendar, "target")):
        assert round(frame[column].sum() / unit) == round(total / unit), column
        assert (frame[column] >= 0).all(), column
    by_rep = result.outlets.groupby("rep_id")["outlet_target"].sum()
    rep_target = result.reps.set_index("rep_id")["target"]
    assert np.allclose(by_rep.reindex(rep_target.index, fill_value=0), rep_target)
    sku_gap = (result.rep_skus.groupby("sku")["sku_target"].sum().reindex(skus["sku"], fill_value=0)
               - skus.set_index("sku")["target"]).abs()
    assert (sku_gap <= unit * len(result.reps) + 1e-6).all()


def test_a_hold_on_a_product_no_longer_sold_is_ignored_with_a_warning():
    def retire_y(products):
        products.loc[3, ["active", "manual_target"]] = [False, 7_000.0]
    result, problems = run(company(products=retire_y))
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("products", 3, "manual_target", "hold-on-inactive-product", "warning")]
    assert dict(zip(result.skus["sku"], result.skus["target"])) == {"X": 9_000, "Y": 6_000}


def test_a_fit_that_cannot_meet_both_totals_says_so_and_keeps_reps_exact():
    """No prior, P sold only X and Q only Y, but X needs 20 and P carries just 10: impossible."""
    reps = pd.DataFrame({"rep_id": ["P", "Q"], "name": ["p", "q"], "region": ["N", "N"], "target": [10.0, 20.0]})
    skus = pd.DataFrame({"sku": ["X", "Y"], "role": ["flagship", "volume"], "target": [20.0, 10.0]})
    history = history_frame(monthly("P", "N", 100, WINDOW[-1:], "X") + monthly("Q", "N", 100, WINDOW[-1:], "Y"))
    history["sales_month"] = history["month"]
    cells, fit = rep_sku_level(reps, skus, history, MONTH, replace(SETTINGS, fit_prior=0.0))
    assert not fit.converged
    assert cells.groupby("rep_id")["sku_target"].sum().to_dict() == {"P": 10, "Q": 20}


def test_weekday_pattern_without_daily_history_splits_days_equally_and_says_so():
    result, _ = run(settings={"weekday_pattern": True})
    assert result.pattern is None and len(result.notes["days"]) == 1
    # March 2026 in China: 22 working days; A's 1,875 is 85.23 a day -> 5 days of 86 and 17 of 85
    # (which days take the 86 is left to matching the company's days).
    a = result.days[result.days.rep_id == "A"]["daily_target"].tolist()
    assert len(a) == 22 and sorted(a) == [85] * 17 + [86] * 5
