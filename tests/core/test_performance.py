"""Month-end close: a whole (tiny) month closed from inline frames, settled, ranked and totalled by hand."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from salesxl.core.performance import MonthEnd, close_month
from salesxl.core.settings import Settings

from .rules_sheet import rules


def framed(rows: list[tuple], columns: str, first_row: int = 2) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns.split())
    frame.index = pd.Index(range(first_row, first_row + len(rows)), name="excel_row")
    return frame


def tiny_month(actual_rows=None):
    dec = pd.Period("2026-12", "M")
    day = pd.Timestamp("2026-12-10")
    actual_rows = actual_rows or [
        (day, "R1", "O1", "A", 30_000.0), (day, "R1", "O1", "B", 40_000.0), (day, "R1", "O2", "B", 40_000.0),
        (day, "R2", "O3", "A", 10_000.0), (day, "R2", "O3", "B", 29_000.0),
        (day, "R3", "O4", "A", 40_000.0), (day, "R3", "O4", "B", 48_000.0),
        (pd.Timestamp("2026-11-30"), "R1", "O1", "A", 5_000.0),   # last month: not counted
        (day, "R9", None, "A", 1_000.0),                          # a rep with no target: not counted
    ]
    return MonthEnd(
        rep_targets=framed([(dec, "R1", "甲", "华东", 100_000.0, 100_000.0, 110_000.0, 120_000.0),
                            (dec, "R2", "乙", "华东", 50_000.0, 50_000.0, 55_000.0, 60_000.0),
                            (dec, "R3", "丙", "华南", 80_000.0, 80_000.0, 88_000.0, 96_000.0)],
                           "month rep_id name region target base challenge sprint", 6),
        rep_sku_targets=framed([("R1", "A", "flagship", 40_000.0), ("R1", "B", "profit", 60_000.0),
                                ("R2", "A", "flagship", 20_000.0), ("R2", "B", "profit", 30_000.0),
                                ("R3", "A", "flagship", 30_000.0), ("R3", "B", "profit", 50_000.0)],
                               "rep_id sku role sku_target", 13),
        outlet_targets=framed([("O1", "R1", "华东", True, 60_000.0), ("O2", "R1", "华东", False, 40_000.0),
                               ("O3", "R2", "华东", True, 50_000.0), ("O4", "R3", "华南", True, 80_000.0)],
                              "outlet_id rep_id region core outlet_target", 6),
        core_outlet_sku_targets=framed([("O1", "A", 24_000.0), ("O1", "B", 36_000.0), ("O3", "A", 20_000.0),
                                        ("O3", "B", 30_000.0), ("O4", "A", 30_000.0), ("O4", "B", 50_000.0)],
                                       "outlet_id sku outlet_sku_target", 12),
        actuals=framed(actual_rows, "date rep_id outlet_id sku amount"),
        products=framed([("A", "flagship"), ("B", "profit")], "sku role"),
        rules=rules({"rule": "bonus", "tier": "base", "amount": 500},
                    {"rule": "bonus", "tier": "challenge", "amount": 1000},
                    {"rule": "commission", "tier": "base", "rate": 0.01},
                    {"rule": "commission", "tier": "challenge", "rate": 0.02},
                    {"rule": "floor", "threshold": 0.8, "mode": "fixed", "amount": 300},
                    {"rule": "mix", "role": "profit", "threshold": 0.9}),
        outlets=framed([("O1", "一店"), ("O2", "二店"), ("O3", "三店"), ("O4", "四店")], "outlet_id name"),
    )


def test_close_month_settles_ranks_and_totals_by_hand():
    result, problems = close_month(tiny_month(), Settings(summary_top_n=1), pd.Period("2026-12", "M"))
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("actuals", None, "date", "outside-month", "notice"),
        ("actuals", 10, "rep_id", "rep-without-target", "warning"),
        ("actuals", None, "date", "month-not-over", "warning")]
    # Sales run to Thursday 10 December: the 11th, 14–18, 21–25 and 28–31 are 15 working days still to come.
    assert "15 working days of the month follow" in problems[-1].message_en
    assert any("result so far" in note for note in result.notes)
    reps = result.reps.set_index("rep_id")
    # R1: 110,000 = challenge exactly: 1,000 + 110,000 × 2 % = 3,200. R3: 88,000/80,000 = 110 %: 1,000 + 1,760.
    # R2: 39,000/50,000 = 78 % < 80 % of base: −300.
    assert reps["tier"].to_dict() == {"R1": "challenge", "R3": "challenge", "R2": "none"}
    assert reps["net"].to_dict() == {"R1": 3200, "R3": 2760, "R2": -300}
    assert reps["rank_company"].tolist() == [1, 1, 3] and list(reps.index) == ["R1", "R3", "R2"]
    assert reps["rank_region"].to_dict() == {"R1": 1, "R3": 1, "R2": 2}
    assert reps.loc["R1", "att_profit"] == pytest.approx(80_000 / 60_000)
    assert reps.loc["R2", "below_floor"] and not reps.loc["R1", "below_floor"]
    regions = result.regions.set_index("region")
    assert regions.loc["华东", ["reps", "target", "actual", "reps_at_base", "reward", "penalty", "net"]].tolist() == \
        [2, 150_000, 149_000, 1, 3200, 300, 2900]
    assert regions.loc["全公司 Company", "attainment"] == pytest.approx(237_000 / 230_000)
    assert result.roles.set_index("role")[["target", "actual"]].to_dict("index") == {
        "flagship": {"target": 90_000, "actual": 80_000}, "profit": {"target": 140_000, "actual": 157_000},
        "total": {"target": 230_000, "actual": 237_000}}
    outlets = result.core_outlets.set_index("outlet_id")
    # O1: A 30,000 ≥ 24,000 and B 40,000 ≥ 36,000; O3: neither; O4: A only.
    assert outlets[["actual", "skus_targeted", "skus_met"]].to_dict("index") == {
        "O1": {"actual": 70_000, "skus_targeted": 2, "skus_met": 2},
        "O3": {"actual": 39_000, "skus_targeted": 2, "skus_met": 0},
        "O4": {"actual": 88_000, "skus_targeted": 2, "skus_met": 1}}
    summary = result.summary.set_index("item")
    assert summary.loc["top:1", "who"] == "甲 R1" and summary.loc["bottom:1", "who"] == "乙 R2"
    assert summary.loc["under_floor", "who"] == "乙 R2" and summary.loc["net", "amount"] == 5660
    assert result.chart["rep"].tolist() == ["甲 R1", "丙 R3", "乙 R2"]
    assert result.chart["challenge"].tolist() == pytest.approx([1.1, 1.1, 1.1])


def test_closing_a_month_without_actuals_is_an_error():
    november = [(pd.Timestamp("2026-11-30"), "R1", "O1", "A", 5_000.0)]
    result, problems = close_month(tiny_month(november), Settings(), pd.Period("2026-12", "M"))
    assert result is None
    assert [(p.sheet, p.code, p.severity) for p in problems] == [("actuals", "no-actuals", "error")]


def test_closing_a_month_the_targets_are_not_for_is_an_error():
    _, problems = close_month(tiny_month(), Settings(), pd.Period("2027-01", "M"))
    assert [(p.sheet, p.row, p.column, p.code) for p in problems if p.severity == "error"] == [
        ("rep_targets", 6, "month", "targets-other-month"), ("actuals", None, None, "no-actuals")]


def test_close_month_is_deterministic():
    first, _ = close_month(tiny_month(), Settings(), pd.Period("2026-12", "M"))
    again, _ = close_month(tiny_month(), Settings(), pd.Period("2026-12", "M"))
    for name in ("reps", "regions", "roles", "core_outlets", "summary", "chart", "rules"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))


# ---- what the close decides beyond the rules ----

def test_a_rep_hired_during_the_month_keeps_the_issued_target_and_the_sheet_says_when():
    """R2 hired on the 15th: nothing is pro-rated at the close (the new-rep share shaped the target when it was
    issued). 39,000 of 50,000 is still 78 % < 80 % of base: −300, as for anyone."""
    books = tiny_month()
    books = replace(books, reps=pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "hire_date": [
        pd.Timestamp("2023-05-01"), pd.Timestamp("2026-12-15"), pd.Timestamp("2026-12-01")]}))
    result, _ = close_month(books, Settings(), pd.Period("2026-12", "M"))
    reps = result.reps.set_index("rep_id")
    assert reps.loc["R2", ["target", "net"]].tolist() == [50_000, -300]
    assert reps.loc["R2", "reason_en"].endswith("hired 2026-12-15: the issued target stands, not pro-rated")
    lines = result.lines[result.lines["rep_id"] == "R2"]
    assert lines[["part", "rule", "amount"]].values.tolist()[-1] == ["", "hire", 0.0]
    assert lines["amount"].sum() == -300
    # Hired on the month's first day (R3) or before (R1): nothing to say.
    assert not result.lines.loc[result.lines["rep_id"] != "R2", "rule"].eq("hire").any()


def test_a_rep_without_a_target_is_warned_at_the_rep_targets_row():
    books = tiny_month()
    targets = books.rep_targets.copy()
    targets.loc[7, ["target", "base", "challenge", "sprint"]] = 0.0  # R2, on the sheet's row 7
    result, problems = close_month(replace(books, rep_targets=targets), Settings(), pd.Period("2026-12", "M"))
    found = [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems if p.code == "no-target"]
    assert found == [("rep_targets", 7, "target", "no-target", "warning")]
    r2 = result.reps.set_index("rep_id").loc["R2"]
    assert (r2["tier"], r2["net"], r2["reason_en"]) == ("none", 0, "no target: not settled")
    assert pd.isna(r2["attainment"]) and pd.isna(r2["rank_company"])


def test_a_tier_paid_with_a_lower_tiers_bonus_is_a_notice_at_the_rule_row():
    """The tiny month's rules have base and challenge bonuses only; R3 sells 96,000 = sprint (96,000), 56,000 of
    it profit products (target 50,000): the challenge bonus (row 3) is paid, 1,000, and the close says so once."""
    day = pd.Timestamp("2026-12-10")
    result, problems = close_month(tiny_month([(day, "R1", "O1", "A", 110_000.0), (day, "R3", "O4", "A", 40_000.0),
                                               (day, "R3", "O4", "B", 56_000.0), (day, "R2", "O3", "A", 50_000.0)]),
                                   Settings(), pd.Period("2026-12", "M"))
    notices = [(p.sheet, p.row, p.column, p.code, p.message_en) for p in problems if p.code == "tier-without-bonus"]
    assert notices == [("incentive_rules", 3, "tier", "tier-without-bonus",
                        "the rules for everyone have no sprint bonus row: R3 reached sprint and is paid the "
                        "challenge bonus")]
    # 1,000 + 96,000 × 2 % (challenge band, the highest) = 2,920.
    assert result.reps.set_index("rep_id").loc["R3", ["tier", "bonus", "net"]].tolist() == ["sprint", 1000, 2920]
