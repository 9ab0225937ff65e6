"""The backtest core: replayed months worked by hand, a history whose best weights are known, no peeking."""

from __future__ import annotations

from dataclasses import replace
from math import comb

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hyp_settings
from hypothesis import strategies as st

from salesxl.core.backtest import (backtest, condensed_notes, hit_shares, score, targets_on_grid, to_units,
                                   weight_grid)
from salesxl.core.settings import Settings
from salesxl.terms import FACTOR_KEYS
from salesxl.core.plan import draft_plan
from salesxl.demo import DemoSize, demo_workbook_data

M = lambda text: pd.Period(text, "M")  # noqa: E731


def history_frame(rows: dict[str, dict[str, float]], region: str = "East") -> pd.DataFrame:
    """Monthly History rows from ``{"2025-01": {"A": 700, "B": 400}}``, indexed from Excel row 2."""
    records = [{"date": pd.NaT, "month": M(month), "region": region, "rep_id": rep, "amount": float(amount)}
               for month, reps in rows.items() for rep, amount in reps.items()]
    return pd.DataFrame(records, index=pd.RangeIndex(2, 2 + len(records), name="excel_row"))


def budget_frame(amounts: dict[str, float]) -> pd.DataFrame:
    records = [{"year": M(m).year, "month": M(m).month, "region": None, "amount": float(a)}
               for m, a in amounts.items()]
    return pd.DataFrame(records, index=pd.RangeIndex(2, 2 + len(records), name="excel_row"))


def factors_frame(weights=(0.4, 0.3, 0.2, 0.1), industry=0.10, benchmark=0.20, past=()) -> pd.DataFrame:
    """The four current rows (blank year), then ``past`` rows ``(factor, year, rate)``."""
    records = [{"factor": k, "weight": w, "growth_rate": r, "source": None, "year": None}
               for k, w, r in zip(FACTOR_KEYS, weights, (np.nan, np.nan, industry, benchmark))]
    records += [{"factor": k, "weight": dict(zip(FACTOR_KEYS, weights))[k], "growth_rate": r, "source": None,
                 "year": y} for k, y, r in past]
    frame = pd.DataFrame(records, index=pd.RangeIndex(2, 2 + len(records), name="excel_row"))
    frame["year"] = frame["year"].astype("Int64")
    return frame


SETTINGS = Settings(rounding_unit=1.0, history_window_months=3, tier_base=1.0, tier_challenge=1.1, tier_sprint=1.2,
                    history_method="trend")

SMALL_HISTORY = {
    "2024-01": {"A": 600, "B": 400}, "2024-02": {"A": 500, "B": 300}, "2024-03": {"A": 700, "B": 500},
    "2024-10": {"A": 300, "B": 100}, "2024-11": {"A": 300, "B": 300}, "2024-12": {"A": 400, "B": 600},
    "2025-01": {"A": 700, "B": 400}, "2025-02": {"A": 450, "B": 450}, "2025-03": {"A": 800, "B": 500},
}


def small_backtest(**changes):
    settings = replace(SETTINGS, plan_month=M("2025-04"))
    return backtest(budget_frame({"2025-01": 1200, "2025-02": 1000, "2025-03": 1250}), history_frame(SMALL_HISTORY),
                    factors_frame(), settings, months=3, **changes)


def test_three_months_replayed_by_hand():
    """Weights B 40 %, H 30 %, I 20 %, C 10 %; industry +10 %, benchmark +20 %; one year of history (H = y-1).

    2025-01: y-1 = 1,000 → B 1,200, H 1,000, I 1,100, C 1,200 → 480 + 300 + 220 + 120 = 1,120; actual 1,100,
             error +20, |%| = 20/1,100 = 1.818 %.
    2025-02: y-1 = 800 → B 1,000, H 800, I 880, C 960 → 400 + 240 + 176 + 96 = 912; actual 900, +12, 1.333 %.
    2025-03: y-1 = 1,200 → B 1,250, H 1,200, I 1,320, C 1,440 → 500 + 360 + 264 + 144 = 1,268; actual 1,300,
             −32, 2.462 %.
    MAPE = (1.818 + 1.333 + 2.462) / 3 = 1.871 %; mean bias = (1.818 + 1.333 − 2.462) / 3 = +0.230 %.

    Reps (window: the 3 months before): 2025-01: A 1,000 : B 1,000 → parts 560 / 560; A sold 700 ≥ 1.2 × 560
    = 672 (sprint), B 400 < 560 → ½ base, ½ challenge, ½ sprint. 2025-02: A 1,400 : B 1,300 → A 912 × 14/27
    = 472.9, B 439.1; A 450 misses, B 450 ≥ 439.1 but < 483.0 → ½, 0, 0. 2025-03: A 1,550 : B 1,450 → A
    655.1, B 612.9; A 800 ≥ 786.2 (sprint), B 500 misses → ½, ½, ½.
    """
    result, problems = small_backtest()
    assert problems == []
    months = result.months
    assert list(months["month"]) == [M("2025-01"), M("2025-02"), M("2025-03")]
    np.testing.assert_allclose(months[list(FACTOR_KEYS)].to_numpy(dtype=float),
                               [[1200, 1000, 1100, 1200], [1000, 800, 880, 960], [1250, 1200, 1320, 1440]])
    assert list(months["target"]) == [1120, 912, 1268]
    assert list(months["actual"]) == [1100, 900, 1300]
    assert list(months["error"]) == [20, 12, -32]
    assert list(months["abs_pct_error"]) == pytest.approx([20 / 1100, 12 / 900, 32 / 1300])
    assert list(months["bias"]) == pytest.approx([20 / 1100, 12 / 900, -32 / 1300])
    assert list(months["reps"]) == [2, 2, 2]
    assert list(months["base_share"]) == [0.5, 0.5, 0.5]
    assert list(months["challenge_share"]) == [0.5, 0.0, 0.5]
    assert list(months["sprint_share"]) == [0.5, 0.0, 0.5]

    summary = result.summary.iloc[0]
    assert summary["mape"] == pytest.approx((20 / 1100 + 12 / 900 + 32 / 1300) / 3)  # 1.871 %
    assert summary["bias"] == pytest.approx((20 / 1100 + 12 / 900 - 32 / 1300) / 3)
    assert (summary["over"], summary["under"], summary["months"]) == (2, 1, 3)
    assert summary["target_total"] == 3300 and summary["actual_total"] == 3300
    assert summary["challenge_share"] == pytest.approx(1 / 3)

    current = result.suggestions.iloc[0]
    assert current["current"] and [current[k] for k in FACTOR_KEYS] == [0.4, 0.3, 0.2, 0.1]
    assert current["mape"] == pytest.approx(summary["mape"])
    assert list(result.factors["in_search"]) == [True] * 4


def test_one_weight_set_scored_on_the_grid_by_hand():
    """All weight on industry: targets 1,100, 880, 1,320 against 1,100, 900, 1,300.

    |%| = 0, 20/900 = 2.222 %, 20/1,300 = 1.538 % → MAPE 1.254 %; bias (0 − 2.222 + 1.538) / 3 = −0.228 %.
    """
    values = [np.array([[1200.0, 1000, 1100, 1200]]), np.array([[1000.0, 800, 880, 960]]),
              np.array([[1250.0, 1200, 1320, 1440]])]
    targets = targets_on_grid(np.array([[0.0, 0, 1, 0], [0.4, 0.3, 0.2, 0.1]]), values, 1.0)
    assert targets.tolist() == [[1100, 880, 1320], [1120, 912, 1268]]
    scores = score(targets, np.array([1100.0, 900, 1300]), [np.array([])] * 3, (1.0, 1.1, 1.2))
    assert scores["mape"][0] == pytest.approx((0 + 20 / 900 + 20 / 1300) / 3)
    assert scores["bias"][0] == pytest.approx((0 - 20 / 900 + 20 / 1300) / 3)
    assert np.isnan(scores["base_share"][0])


def test_base_hit_loss_by_hand():
    """Ten reps whose sales ÷ share are 100, 200, …, 1,000 (one month); base multiplier 1.

    Target 250: reps with ratio ≥ 250 → 8 of 10 = 80 %, inside 70–90 %: loss 0.
    Target 550: 5 of 10 = 50 % → 20 points below 70 %: loss 0.20.
    Target 50: 10 of 10 = 100 % → 10 points above 90 %: loss 0.10.
    """
    ratios = [np.arange(100.0, 1001, 100)]
    targets = np.array([[250.0], [550.0], [50.0]])
    assert hit_shares(targets, ratios, 1.0)[:, 0].tolist() == [0.8, 0.5, 1.0]
    scores = score(targets, np.array([5000.0]), ratios, (1.0, 1.1, 1.2))
    assert scores["band_loss"].tolist() == pytest.approx([0.0, 0.2, 0.1])
    assert scores["in_band"].tolist() == [1, 0, 0]
    # A rep exactly on target reaches it: 8 reps have a ratio of at least 300.
    assert hit_shares(np.array([[300.0]]), ratios, 1.0)[0, 0] == 0.8


def growing_history(industry: dict[int, float], months=range(1, 13), start=2022):
    """Each month's sales: a seasonal 2022 level grown each year exactly by that year's industry growth."""
    season = [0.9, 0.6, 1.0, 1.0, 1.05, 1.1, 0.95, 0.95, 1.05, 1.0, 1.15, 1.3]
    rows, level = {}, {m: 100_000 * season[m - 1] for m in months}
    for year in range(start, max(industry) + 1):
        for m in months:
            if year > start:
                level[m] *= 1 + industry[year]
            rows[f"{year}-{m:02d}"] = {"R1": level[m] * 0.6, "R2": level[m] * 0.4}
    return rows


def known_answer_inputs():
    """Actuals are exactly last year × (1 + that year's industry growth); other factors miss.

    Industry: 2023 +20 %, 2024 +5 %, 2025 +15 %; benchmark +10 % both years; budget last year × 1.25.
    History (trend): 2024 months grow y-1 by 20 %, 2025 months by (0.5 × 5 % + 0.3 × 20 %) / 0.8 = 10.625 %.
    In 2024 every factor but industry is above actual (×1.25, ×1.20, ×1.10 vs ×1.05), so only all weight on
    industry is exact.
    """
    industry = {2023: 0.20, 2024: 0.05, 2025: 0.15}
    rows = growing_history(industry)
    history = history_frame(rows)
    budget = budget_frame({f"{y}-{m:02d}": sum(rows[f"{y - 1}-{m:02d}"].values()) * 1.25
                           for y in (2024, 2025) for m in range(1, 13)})
    factors = factors_frame(industry=0.08, benchmark=0.12,
                            past=[("industry", 2024, 0.05), ("industry", 2025, 0.15),
                                  ("benchmark", 2024, 0.10), ("benchmark", 2025, 0.10)])
    settings = replace(SETTINGS, plan_month=M("2026-01"), rounding_unit=0.01, history_window_months=12)
    return budget, history, factors, settings


def test_known_answer_puts_all_weight_on_industry():
    budget, history, factors, settings = known_answer_inputs()
    result, problems = backtest(budget, history, factors, settings, months=24)
    assert problems == []
    assert len(result.months) == 24
    best, second = result.suggestions.iloc[1], result.suggestions.iloc[2]
    assert [best[k] for k in FACTOR_KEYS] == [0.0, 0.0, 1.0, 0.0]
    assert best["mape"] < 1e-6  # only cent rounding is left
    assert second["mape"] > 0.002
    # The current weights (40/30/20/10) score worse than the suggestion.
    assert result.suggestions.iloc[0]["mape"] > 0.05


def test_known_answer_current_weights_score_the_same_on_the_grid_as_in_the_replay():
    """40/30/20/10 is a grid point: its grid targets, rounded per scope like the core, equal the replay's."""
    budget, history, factors, settings = known_answer_inputs()
    result, _ = backtest(budget, history, factors, settings, months=24)
    grid = targets_on_grid(np.array([[0.4, 0.3, 0.2, 0.1]]),
                           [np.array([[row[k] for k in FACTOR_KEYS]]) for _, row in result.months.iterrows()],
                           0.01)
    assert grid[0].tolist() == list(result.months["target"])


def test_no_peeking_later_data_does_not_change_a_replayed_month():
    """Replaying 2025-03 uses sales before March, March's budget and 2025's rates — nothing later.

    Tripling every sale from March 2025 on, doubling later budgets and changing the current (2026) rates
    leaves the targets of January–March 2025 as they were; March's actual changes, as it should.
    """
    budget, history, factors, settings = known_answer_inputs()
    before, _ = backtest(budget, history, factors, settings, months=24)

    later = history["month"] >= M("2025-03")
    history2 = history.assign(amount=history["amount"].where(~later, history["amount"] * 3))
    late_budget = (budget["year"] == 2025) & (budget["month"] > 3)
    budget2 = budget.assign(amount=budget["amount"].where(~late_budget, budget["amount"] * 2))
    factors2 = factors.copy()
    factors2.loc[factors2["year"].isna() & factors2["factor"].isin(["industry", "benchmark"]), "growth_rate"] = 0.5
    after, _ = backtest(budget2, history2, factors2, settings, months=24)

    up_to_march = before.months["month"] <= M("2025-03")
    assert list(after.months.loc[up_to_march, "target"]) == list(before.months.loc[up_to_march, "target"])
    march = before.months["month"] == M("2025-03")
    assert float(after.months.loc[march, "actual"].iloc[0]) == pytest.approx(
        3 * float(before.months.loc[march, "actual"].iloc[0]))
    # ...and the months after March did see the new data.
    assert list(after.months.loc[~up_to_march, "target"]) != list(before.months.loc[~up_to_march, "target"])


def test_too_little_history_is_a_located_error():
    """Plan month 2025-04 replaying 3 months needs 3 replayable months; without 2024-03 only two are left."""
    rows = {k: v for k, v in SMALL_HISTORY.items() if k != "2024-03"}
    result, problems = backtest(budget_frame({"2025-01": 1200}), history_frame(rows), factors_frame(),
                                replace(SETTINGS, plan_month=M("2025-04")), months=3)
    assert [(p.sheet, p.row, p.code, p.severity) for p in problems] == [
        ("history", None, "too-little-history", "error")]
    assert "2025-01" in problems[0].message_zh and "2025-03" in problems[0].message_en
    assert "only 2" in problems[0].message_en
    assert result.months.empty


def test_factors_without_past_rates_or_budgets_are_dropped_visibly():
    """No rows per year for 2024: industry and benchmark cannot be replayed in 2024 months, nor the budget
    without 2024 budgets — all three leave the search, and the replay keeps the history factor alone."""
    budget, history, factors, settings = known_answer_inputs()
    factors = factors[factors["year"].isna() | (factors["year"] != 2024)]
    budget = budget[budget["year"] == 2025]
    result, problems = backtest(budget, history, factors, settings, months=24)
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("budget", None, "amount", "factor-not-replayed", "warning"),
        ("factors", 4, "growth_rate", "factor-not-replayed", "warning"),
        ("factors", 5, "growth_rate", "factor-not-replayed", "warning"),
    ]
    assert "2024-01" in problems[0].message_en and "2024" in problems[1].message_en
    assert list(result.factors["in_search"]) == [False, True, False, False]
    assert list(result.factors["weight_replayed"]) == [0.0, 1.0, 0.0, 0.0]
    assert result.factors["missing"].iloc[2] == "缺少增长率年份 no growth rate for 2024"
    suggestions = result.suggestions
    assert (suggestions[["budget", "industry", "benchmark"]] == 0).all().all()
    assert result.summary.iloc[0]["grid_size"] == 1
    assert result.months["industry"].isna().all()
    assert any("cannot be replayed" in n for n in result.notes)


def test_unknown_loss_is_an_error_on_settings():
    result, problems = small_backtest(loss="median")
    assert [(p.sheet, p.code) for p in problems] == [("settings", "unknown-loss")]


def test_bad_weights_stop_the_backtest_where_the_target_step_would():
    settings = replace(SETTINGS, plan_month=M("2025-04"))
    result, problems = backtest(budget_frame({"2025-01": 1200}), history_frame(SMALL_HISTORY),
                                factors_frame(weights=(0.4, 0.3, 0.2, 0.2)), settings, months=3)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("factors", 5, "weight", "weights-not-100")]


def test_base_hit_loss_ranks_by_the_band_then_mape():
    budget, history, factors, settings = known_answer_inputs()
    by_mape, _ = backtest(budget, history, factors, settings, months=24, loss="mape")
    by_band, _ = backtest(budget, history, factors, settings, months=24, loss="base_hit")
    scores = list(by_band.suggestions["score"].iloc[1:])
    assert scores == sorted(scores)
    assert scores[0] <= by_band.suggestions["score"].iloc[0]
    assert list(by_mape.suggestions["score"].iloc[1:]) == list(by_mape.suggestions["mape"].iloc[1:])


def test_months_the_core_cannot_plan_are_skipped_and_named():
    """A region on the Regions sheet with no sales and a zero budget: the core refuses every month (as the
    target step would), so nothing can be replayed — the error says so and points at the budget row."""
    budget = pd.DataFrame([{"year": 2025, "month": m, "region": r, "amount": a}
                           for m in (1, 2, 3) for r, a in (("East", 1000.0), ("West", 0.0))],
                          index=pd.RangeIndex(2, 8, name="excel_row"))
    regions = pd.DataFrame({"region": ["East", "West"]}, index=pd.RangeIndex(2, 4, name="excel_row"))
    result, problems = backtest(budget, history_frame(SMALL_HISTORY), factors_frame(),
                                replace(SETTINGS, plan_month=M("2025-04")), regions, months=3)
    assert [(p.sheet, p.row, p.code, p.severity) for p in problems] == [
        ("budget", None, "factor-not-replayed", "warning"),  # West's budget is 0: the budget is dropped...
        ("history", None, "too-little-history", "error"),
        ("budget", 3, "zero-budget", "error")]  # ...so history decides West, and West has none
    assert "only 0" in problems[1].message_en


def test_regional_demo_replays_with_the_target_core():
    """On a demo company (regional budget) the last replayed month is the target step's own computation."""
    settings, tables = demo_workbook_data(seed=7, size=DemoSize(reps=10, outlets=40, skus=12, years=3))
    settings = replace(SETTINGS, **settings, history_window_months=12)
    result, problems = backtest(tables["budget"], tables["history"], tables["factors"], settings,
                                tables["regions"], months=24)
    assert not [p for p in problems if p.severity == "error"]
    assert list(result.factors["in_search"]) == [True] * 4
    last = result.months.iloc[-1]
    month = last["month"]
    history = tables["history"]
    when = history["month"].where(history["month"].notna(), history["date"].dt.to_period("M"))
    target, _, _ = draft_plan({**tables, "history": history[when < month]}, replace(settings, plan_month=month))
    assert last["target"] == target.total
    assert last["actual"] == pytest.approx(history.loc[when == month, "amount"].sum())


def test_weight_grid_on_the_simplex():
    grid = weight_grid(dict.fromkeys(FACTOR_KEYS, True))
    assert grid.shape == (comb(23, 3), 4) == (1771, 4)
    assert np.allclose(grid.sum(axis=1), 1) and (grid >= 0).all()
    assert len({tuple(r) for r in grid}) == len(grid)
    assert [0.4, 0.3, 0.2, 0.1] in grid.tolist()


@hyp_settings(max_examples=30, deadline=None)
@given(available=st.lists(st.booleans(), min_size=4, max_size=4).filter(any),
       step=st.sampled_from([0.05, 0.1, 0.25, 0.5]))
def test_weight_grid_property(available, step):
    flags = dict(zip(FACTOR_KEYS, available))
    grid = weight_grid(flags, step)
    k, parts = sum(available), round(1 / step)
    assert len(grid) == comb(parts + k - 1, k - 1)
    assert np.allclose(grid.sum(axis=1), 1) and (grid >= 0).all()
    assert (grid[:, [not a for a in available]] == 0).all()


@hyp_settings(max_examples=50, deadline=None)
@given(values=st.lists(st.floats(0, 1e7), min_size=4, max_size=4),
       unit=st.sampled_from([1.0, 0.01, 100.0]))
def test_grid_rounding_matches_the_core_rounding(values, unit):
    from salesxl.core.allocation import to_unit
    grid = weight_grid(dict.fromkeys(FACTOR_KEYS, True), 0.25)
    got = targets_on_grid(grid, [np.array([values])], unit)[:, 0]
    expected = [to_unit(sum(w * v for w, v in zip(row, values)), unit) for row in grid]
    assert got.tolist() == pytest.approx(expected, abs=unit * 1e-6)
    assert to_units(np.array([2.5, 3.5]), 1.0).tolist() == [3.0, 4.0]


def test_months_not_replayed_are_listed_as_spans():
    """Plan month 2025-04 over 12 months: 2024-04…2024-09 have no sales, 2024-10…2024-12 no same month before
    (the history starts in 2024), 2025-01…2025-03 are replayed."""
    result, _ = backtest(budget_frame({"2025-01": 1200, "2025-02": 1000, "2025-03": 1250}),
                         history_frame(SMALL_HISTORY), factors_frame(), replace(SETTINGS, plan_month=M("2025-04")),
                         months=12)
    assert len(result.months) == 3
    note = next(n for n in result.notes if n.startswith("未回放的月份"))
    assert note == ("未回放的月份：2024-04–2024-09：当月没有销售记录；2024-10–2024-12：前三年没有同期销售。"
                    " Months not replayed: 2024-04–2024-09: no sales in the month; 2024-10–2024-12: no sales in "
                    "the same month of the three years before.")


def test_region_notes_are_said_once():
    notes = ["华东: 只有一年。 华东: Only one year.", "华南: 只有一年。 华南: Only one year.",
             "华南: 去年缺。 华南: Last year missing."]
    assert condensed_notes(notes, ["华东", "华南"]) == ("只有一年。 Only one year.",
                                                       "华南: 去年缺。 Last year missing.")
    assert condensed_notes(notes[:1], ["华东", "华南"]) == ("华东: 只有一年。 Only one year.",)
    assert condensed_notes(["Company-wide note."], ["公司 Company"]) == ("Company-wide note.",)
