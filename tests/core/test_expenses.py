"""Expense budgets and the review of the request log, worked by hand on small inline frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from salesxl.core.expenses import expense_budget, review_requests, scale_down

DEC = pd.Period("2026-12", "M")


def frame(rows: list[dict], first_row: int = 2, columns=None) -> pd.DataFrame:
    """Rows as the reader gives them: indexed by their Excel row."""
    out = pd.DataFrame(rows, columns=columns)
    out.index = pd.Index(range(first_row, first_row + len(out)), name="excel_row")
    return out


def policy(*rules) -> pd.DataFrame:
    """``(category, method, amount, rate, cap, held_by)`` per rule."""
    return frame([dict(category=c, method=m, amount=a, rate=r, cap=cap, held_by=h, note=None)
                  for c, m, a, r, cap, h in rules],
                 columns=["category", "method", "amount", "rate", "cap", "held_by", "note"])


NAN = np.nan
TARGETS = frame([
    dict(month=DEC, rep_id="R1", name="甲", region="东", target=100_000.0),
    dict(month=DEC, rep_id="R2", name="乙", region="东", target=150_000.0),
    dict(month=DEC, rep_id="R3", name="丙", region="西", target=80_000.0),
])
OUTLETS = frame([
    dict(outlet_id="O1", rep_id="R1", region="东", developing=True),
    dict(outlet_id="O2", rep_id="R1", region="东", developing=True),
    dict(outlet_id="O3", rep_id="R3", region="西", developing=False),
    dict(outlet_id="O4", rep_id="R9", region="西", developing=True),  # R9 has no target this month
])
NO_CEILING = dict(plan_month=DEC, rounding_unit=1.0, expense_ceiling=0.0, expense_ceiling_rate=0.0,
                  expense_over_ceiling="error")


def budget_of(*rules, **settings):
    budget, problems = expense_budget(policy(*rules), TARGETS, OUTLETS, {**NO_CEILING, **settings})
    return budget, problems


def lines(budget) -> list[tuple]:
    return [(l.level, l.region, l.rep_id if isinstance(l.rep_id, str) else None, l.budget)
            for l in budget.lines.itertuples()]


# ---- one method at a time -------------------------------------------------------------------------------------

def test_fixed_per_rep_goes_to_every_rep_with_a_target():
    budget, problems = budget_of(("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, None))
    assert problems == []
    assert lines(budget) == [("rep", "东", "R1", 1_500), ("rep", "东", "R2", 1_500), ("rep", "西", "R3", 1_500)]
    assert budget.total == 4_500
    assert list(budget.lines.basis) == ["每人 1,500 per rep"] * 3


def test_fixed_per_rep_held_by_the_region_sums_its_reps():
    """东 has two reps: 2 × 1,500 = 3,000; 西 has one: 1,500."""
    budget, _ = budget_of(("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, "region"))
    assert lines(budget) == [("region", "东", None, 3_000), ("region", "西", None, 1_500)]
    assert list(budget.lines.basis) == ["2 人 reps × 1,500", "1 人 reps × 1,500"]
    assert list(budget.by_rep.total) == [0, 0, 0]


def test_fixed_per_region_is_held_by_each_region():
    budget, _ = budget_of(("陈列费 Display", "per_region", 5_000.0, NAN, NAN, None))
    assert lines(budget) == [("region", "东", None, 5_000), ("region", "西", None, 5_000)]
    by_region = budget.by_region.set_index("region")
    assert by_region.loc["东", "held_by_region"] == 5_000 and by_region.loc["东", "held_by_reps"] == 0


def test_per_developing_outlet_goes_to_the_serving_rep_or_else_the_region():
    """R1 serves two developing outlets: 2 × 800 = 1,600. O3 is not developing. O4's rep R9 has no target,
    so its 800 stays with the region 西, with a warning at the outlet's row (O4 is Excel row 5)."""
    budget, problems = budget_of(("开发费 Development", "per_developing_outlet", 800.0, NAN, NAN, None))
    assert lines(budget) == [("rep", "东", "R1", 1_600), ("region", "西", None, 800)]
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("outlets", 5, "rep_id", "developing-outlet-without-rep-target", "warning")]
    assert budget.lines.basis.iloc[0] == "2 个培育网点 developing outlets × 800"


def test_per_developing_outlet_held_by_the_region_counts_all_its_developing_outlets():
    """东: R1's two developing outlets, 1,600; 西: O4 (its rep has no target), 800. No rep holds any."""
    budget, _ = budget_of(("开发费 Development", "per_developing_outlet", 800.0, NAN, NAN, "region"))
    assert lines(budget) == [("region", "东", None, 1_600), ("region", "西", None, 800)]
    assert budget.rep_categories == []


def test_rate_on_target_with_a_cap_per_rep():
    """2 % of 100,000 = 2,000; 2 % of 150,000 = 3,000, capped at 2,500; 2 % of 80,000 = 1,600."""
    budget, _ = budget_of(("招待费 Entertainment", "rate_on_target", NAN, 0.02, 2_500.0, None))
    assert lines(budget) == [("rep", "东", "R1", 2_000), ("rep", "东", "R2", 2_500), ("rep", "西", "R3", 1_600)]
    assert budget.lines.basis.iloc[1] == "目标 target 150,000 × 2.00% → 上限 cap 2,500"
    assert budget.lines.policy_amount.iloc[1] == 2_500


def test_rate_on_target_held_by_the_region_uses_the_region_target_and_the_rounding_unit():
    """东: 1.5 % of (100,000 + 150,000) = 3,750; 西: 1.5 % of 80,000 = 1,200. At a unit of 1,000 they
    round to 4,000 and 1,000 (halves away from zero)."""
    rule = ("促销 Promotion", "rate_on_target", NAN, 0.015, NAN, "region")
    budget, _ = budget_of(rule)
    assert lines(budget) == [("region", "东", None, 3_750), ("region", "西", None, 1_200)]
    budget, _ = budget_of(rule, rounding_unit=1_000.0)
    assert lines(budget) == [("region", "东", None, 4_000), ("region", "西", None, 1_000)]


def test_ratios_rep_region_and_company():
    """R1: 1,500 travel + 2,000 entertainment = 3,500 on 100,000 → 3.5 %.
    东: reps 2 × 1,500 + 2,000 + 2,500 = 7,500 plus display 5,000 = 12,500 on 250,000 → 5 %.
    Company: 3 × 1,500 + 6,100 + 2 × 5,000 = 20,600 on 330,000."""
    budget, _ = budget_of(("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, None),
                          ("招待费 Entertainment", "rate_on_target", NAN, 0.02, 2_500.0, None),
                          ("陈列费 Display", "per_region", 5_000.0, NAN, NAN, None))
    by_rep = budget.by_rep.set_index("rep_id")
    assert by_rep.loc["R1", "total"] == 3_500 and by_rep.loc["R1", "ratio"] == pytest.approx(0.035)
    assert by_rep.loc["R1", "category:差旅费 Travel"] == 1_500
    assert budget.rep_categories == ["差旅费 Travel", "招待费 Entertainment"]  # display is held by regions
    assert "category:陈列费 Display" not in by_rep
    by_region = budget.by_region.set_index("region")
    assert by_region.loc["东", "total"] == 12_500 and by_region.loc["东", "ratio"] == pytest.approx(0.05)
    assert by_region.loc["东", "held_by_reps"] == 7_500
    assert budget.total == 20_600 and budget.total_target == 330_000
    by_category = budget.by_category.set_index("category")
    assert by_category.loc["陈列费 Display", "budget"] == 10_000
    assert by_category.loc["陈列费 Display", "ratio"] == pytest.approx(10_000 / 330_000)
    assert by_category["share"].sum() == pytest.approx(1)


# ---- the ceiling -----------------------------------------------------------------------------------------------

TRAVEL_AND_DISPLAY = (("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, None),
                      ("陈列费 Display", "per_region", 5_000.0, NAN, NAN, None))
"""3 × 1,500 + 2 × 5,000 = 14,500."""


def test_over_the_ceiling_is_an_error_with_the_amounts():
    budget, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_000.0)
    assert budget is None
    assert [(p.sheet, p.column, p.code, p.severity) for p in problems] == [
        ("settings", "expense_ceiling", "over-expense-ceiling", "error")]
    assert "14,500" in problems[0].message_en and "14,000" in problems[0].message_en
    assert "by 500" in problems[0].message_en and "超出 500" in problems[0].message_zh


def test_within_the_ceiling_is_fine():
    budget, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_500.0)
    assert problems == [] and budget.total == 14_500 and budget.ceiling == 14_500 and not budget.scaled


def test_the_lower_of_the_amount_and_rate_ceilings_applies():
    """5 % of the 330,000 target is 16,500; 4 % is 13,200, below the amount ceiling of 14,000."""
    budget, _ = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_000.0, expense_ceiling_rate=0.05,
                          expense_over_ceiling="scale_down")
    assert (budget.ceiling, budget.ceiling_source) == (14_000, "expense_ceiling")
    _, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_000.0, expense_ceiling_rate=0.04)
    assert [(p.column, p.code) for p in problems] == [("expense_ceiling_rate", "over-expense-ceiling")]
    assert "13,200" in problems[0].message_en


def test_scale_down_to_the_ceiling_sums_exactly():
    """10,000 / 14,500 of each line: 1,500 → 1,034.48 and 5,000 → 3,448.28. Whole yuan: 3 × 1,034 + 2 × 3,448
    = 9,998; the 2 yuan left go to the largest remainders (.48 beats .28), first come first: R1 and R2."""
    budget, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=10_000.0, expense_over_ceiling="scale_down")
    assert lines(budget) == [("rep", "东", "R1", 1_035), ("rep", "东", "R2", 1_035), ("rep", "西", "R3", 1_034),
                             ("region", "东", None, 3_448), ("region", "西", None, 3_448)]
    assert budget.total == 10_000 and budget.policy_total == 14_500 and budget.scaled
    assert list(budget.lines.policy_amount) == [1_500, 1_500, 1_500, 5_000, 5_000]
    assert [(p.code, p.severity) for p in problems] == [("expense-scaled-down", "notice")]


@hyp_settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=30),
       st.floats(min_value=0.01, max_value=0.999), st.sampled_from([1.0, 10.0, 0.01]))
def test_scale_down_sums_to_the_ceiling_and_never_raises_a_line(units, share, unit):
    amounts = pd.Series([u * unit for u in units], dtype="float64")
    if amounts.sum() == 0:
        return
    ceiling = float(amounts.sum()) * share
    scaled = scale_down(amounts, ceiling, unit)
    whole = np.floor(ceiling / unit + 1e-9) * unit
    assert round(scaled.sum(), 6) == round(whole, 6)
    assert np.all(scaled >= 0) and np.all(scaled <= amounts.to_numpy() + 1e-9)
    assert np.array_equal(scaled, scale_down(amounts, ceiling, unit))


# ---- policy and target problems ---------------------------------------------------------------------------------

def test_policy_mistakes_point_at_their_cells():
    rules = policy(("差旅费 Travel", "per_rep", NAN, NAN, NAN, None),                 # row 2: no amount
                   ("招待费", "rate_on_target", 300.0, NAN, NAN, None),               # row 3: no rate, amount unused
                   ("陈列费", "per_region", 5_000.0, NAN, NAN, "rep"),                # row 4: region amount held by reps
                   ("样品费", "per_rep", 600.0, 0.01, NAN, None),                     # row 5: rate unused
                   ("差旅费 travel", "per_rep", 100.0, NAN, NAN, None))               # row 6: same as row 2
    budget, problems = expense_budget(rules, TARGETS, OUTLETS, NO_CEILING)
    assert budget is None
    assert [(p.row, p.column, p.code, p.severity) for p in problems] == [
        (2, "amount", "needs-amount", "error"),
        (3, "rate", "needs-rate", "error"),
        (3, "amount", "amount-ignored", "warning"),
        (4, "held_by", "per-region-held-by-rep", "error"),
        (5, "rate", "rate-ignored", "warning"),
        (6, "category", "duplicate-category", "error"),
    ]
    assert all(p.sheet == "expense_policy" for p in problems)


def test_an_empty_policy_is_an_error():
    _, problems = expense_budget(policy(), TARGETS, OUTLETS, NO_CEILING)
    assert [(p.sheet, p.code) for p in problems] == [("expense_policy", "no-expense-policy")]


def test_without_rep_targets_run_the_breakdown_first():
    _, problems = expense_budget(policy(*TRAVEL_AND_DISPLAY), TARGETS.iloc[0:0], OUTLETS, NO_CEILING)
    assert [(p.sheet, p.code) for p in problems] == [("rep_targets", "run-breakdown-first")]
    assert "run the breakdown first" in problems[0].message_en


def test_rep_targets_of_another_month_are_refused():
    stale = TARGETS.assign(month=pd.Period("2026-11", "M"))
    _, problems = expense_budget(policy(*TRAVEL_AND_DISPLAY), stale, OUTLETS, NO_CEILING)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("rep_targets", 2, "month", "targets-of-another-month")]


# ---- the review -------------------------------------------------------------------------------------------------

REPS = frame([
    dict(rep_id="R1", name="甲", region="东", manager="东经理"),
    dict(rep_id="R2", name="乙", region="东", manager="东经理"),
    dict(rep_id="R3", name="丙", region="西", manager="西经理"),
])
REGIONS = frame([dict(region="东"), dict(region="西")])
BUDGET = pd.DataFrame([
    dict(level="rep", region="东", rep_id="R1", category="差旅费", budget=1_000.0),
    dict(level="rep", region="东", rep_id="R2", category="差旅费", budget=1_000.0),
    dict(level="rep", region="西", rep_id="R3", category="差旅费", budget=1_000.0),
    dict(level="region", region="东", rep_id=None, category="陈列费", budget=5_000.0),
    dict(level="region", region="西", rep_id=None, category="陈列费", budget=5_000.0),
])
REVIEW_SETTINGS = dict(plan_month=DEC, country="CN", hq_approvers="周总, 王总监")


def request(day, requester, amount, status="approved", approver="东经理", approved=NAN, decided=None,
            verified=NAN, level="rep", category="差旅费", request_id=None):
    date = pd.Timestamp(f"2026-12-{day:02d}")
    decided = (date if decided is None else pd.Timestamp(f"2026-12-{decided:02d}")) if status != "pending" else pd.NaT
    return dict(request_id=request_id, date=date, level=level, requester=requester, category=category,
                amount=float(amount), purpose=None, outlet_id=None, status=status,
                approver=approver if status != "pending" else None, approved_amount=approved,
                decision_date=decided, verified_amount=verified, verification_note=None)


def review(rows, **kw):
    requests = frame([dict(r, request_id=r["request_id"] or f"Q{i + 2}") for i, r in enumerate(rows)])
    requests["date"] = pd.to_datetime(requests["date"])
    requests["decision_date"] = pd.to_datetime(requests["decision_date"])
    return review_requests(requests, kw.pop("budget", BUDGET), REPS, REGIONS, {**REVIEW_SETTINGS, **kw.pop(
        "settings", {})}, **kw)


def found(problems) -> list[tuple]:
    return [(p.row, p.column, p.code) for p in problems if p.severity != "notice"]


def test_running_balance_in_request_date_order():
    """R1's travel budget is 1,000. By date: Dec 2 asks 500 (500 left), Dec 5 asks 400 (100 left), Dec 8's 200
    is more than the 100 left, so that approval is refused and the balance stays 100; Dec 9's request of 300 was
    approved at 100, which fits (0 left). Rows on the sheet are not in date order."""
    ledger, problems = review([
        request(5, "R1", 400),                       # row 2
        request(2, "R1", 500),                       # row 3
        request(8, "R1", 200),                       # row 4
        request(9, "R1", 300, approved=100.0),       # row 5
    ])
    assert found(problems) == [(4, "approved_amount", "over-budget")]
    assert "approved 200 is more than the 100 left of rep R1's '差旅费' budget" in problems[0].message_en
    log = ledger.log
    assert list(log.excel_row) == [3, 2, 4, 5]
    assert list(log.counted) == [500, 400, 0, 100]
    assert list(log.refused) == [0, 0, 200, 0]
    assert list(log.remaining_after) == [500, 100, 100, 0]
    r1 = ledger.by_holder.set_index(["rep_id", "category"]).loc[("R1", "差旅费")]
    assert (r1.budget, r1.requested, r1.approved, r1.refused, r1.remaining) == (1_000, 1_400, 1_000, 200, 0)
    by_rep = ledger.by_rep.set_index("rep_id")
    assert list(by_rep.index) == ["R1", "R2", "R3"] and by_rep.loc["R1", "name"] == "甲"
    assert (by_rep.loc["R2", "budget"], by_rep.loc["R2", "requested"]) == (1_000, 0)


def test_same_day_requests_keep_their_sheet_order():
    ledger, problems = review([request(3, "R1", 600), request(3, "R1", 600)])
    assert found(problems) == [(3, "approved_amount", "over-budget")]
    assert list(ledger.log.counted) == [600, 0]


def test_wrong_level_wrong_region_self_approval_and_unlogged_decisions():
    ledger, problems = review([
        request(1, "R1", 100, approver="东经理"),                               # row 2: right
        request(1, "R1", 100, approver="周总"),                                 # row 3: HQ skips the region
        request(1, "R1", 100, approver="甲"),                                   # row 4: R1 is 甲
        request(1, "R3", 100, approver="东经理"),                               # row 5: 西's rep, 东's manager
        request(1, "R2", 100, approver="R1"),                                   # row 6: a rep approves
        request(1, "东经理", 1_000, level="region", category="陈列费", approver="东经理"),  # row 7: own region
        request(1, "西", 1_000, level="region", category="陈列费", approver="东经理"),      # row 8: not HQ
        request(1, "西经理", 1_000, level="region", category="陈列费", approver="王总监"),  # row 9: right
        request(1, "R2", 100, approver="张三"),                                 # row 10: unknown
        request(1, "R2", 100, approver=None),                                   # row 11: who?
        request(1, "R2", 100, approver="东经理", decided=None),                 # row 12: right
    ])
    assert found(problems) == [
        (3, "approver", "wrong-level-approver"),
        (4, "approver", "self-approval"),
        (5, "approver", "wrong-region-approver"),
        (6, "approver", "wrong-level-approver"),
        (7, "approver", "self-approval"),
        (8, "approver", "wrong-level-approver"),
        (10, "approver", "unknown-approver"),
        (11, "approver", "decision-not-logged"),
    ]
    assert all(p.severity == "warning" and p.sheet == "expense_requests" for p in problems)
    counted = dict(zip(ledger.log.excel_row, ledger.log.counted))
    assert counted == {2: 100, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 1_000, 10: 0, 11: 0, 12: 100}


def test_a_decision_without_a_date_is_not_counted_and_a_rejection_needs_who_and_when_too():
    undated = request(2, "R1", 100)
    undated["decision_date"] = pd.NaT
    ledger, problems = review([undated, request(3, "R1", 100, status="rejected", approver=None)])
    assert found(problems) == [(2, "decision_date", "decision-not-logged"), (3, "approver", "decision-not-logged")]
    assert list(ledger.log.counted) == [0, 0]


def test_odd_decisions_are_listed_but_do_not_void_the_approval():
    """Decided the day before the request, and approved above the amount asked: both counted (700 of 1,000).
    A rejection with an approved amount counts nothing."""
    ledger, problems = review([
        request(5, "R1", 300, decided=4),
        request(6, "R1", 300, approved=400.0),
        request(7, "R1", 300, status="rejected", approved=300.0),
    ])
    assert found(problems) == [(2, "decision_date", "decided-before-request"),
                               (3, "approved_amount", "approved-above-request"),
                               (4, "approved_amount", "rejected-with-amount")]
    assert list(ledger.log.counted) == [300, 400, 0] and list(ledger.log.refused) == [0, 0, 0]


def test_unapproved_spend_and_spend_above_the_approval():
    """Row 2 is approved at 400 and 450 was spent: 50 above. Row 3 is pending and 300 was spent; row 4 was
    rejected and 80 was spent: both unapproved. R1: 830 spent, 50 + 300 + 80 = 430 of it unapproved."""
    ledger, problems = review([
        request(2, "R1", 500, approved=400.0, verified=450.0),
        request(3, "R1", 300, status="pending", verified=300.0),
        request(4, "R1", 80, status="rejected", verified=80.0),
    ])
    assert found(problems) == [(2, "verified_amount", "spend-above-approved"),
                               (3, "verified_amount", "unapproved-spend"),
                               (4, "verified_amount", "unapproved-spend")]
    assert list(ledger.log.unapproved) == [50, 300, 80]
    assert list(ledger.log.covered) == [400, 0, 0]
    r1 = ledger.by_holder.set_index(["rep_id", "category"]).loc[("R1", "差旅费")]
    assert (r1.approved, r1.verified, r1.unapproved, r1.remaining) == (400, 830, 430, 600)


def test_a_region_request_draws_on_the_region_budget_not_its_reps():
    ledger, problems = review([request(2, "东", 4_000, level="region", category="陈列费", approver="周总"),
                               request(3, "东经理", 1_500, level="region", category="陈列费", approver="王总监")])
    assert found(problems) == [(3, "approved_amount", "over-budget")]
    assert list(ledger.log.remaining_after) == [1_000, 1_000]
    east = ledger.by_region.set_index("region").loc["东"]
    assert (east.budget, east.approved, east.remaining) == (7_000, 4_000, 3_000)


def test_an_unknown_requester_stops_the_review():
    ledger, problems = review([request(2, "R7", 100), request(2, "北", 100, level="region", category="陈列费")])
    assert ledger is None
    assert [(p.row, p.column, p.code, p.severity) for p in problems] == [
        (2, "requester", "unknown-requester", "error"), (3, "requester", "unknown-requester", "error")]


def test_requests_of_other_months_are_left_out_with_a_notice():
    other = request(2, "R1", 900)
    other["date"] = pd.Timestamp("2026-11-28")
    ledger, problems = review([other, request(2, "R1", 900)])
    assert [(p.row, p.code, p.severity) for p in problems] == [(2, "request-outside-month", "notice")]
    assert list(ledger.log.excel_row) == [3] and ledger.other_months == 1


def test_burn_against_working_days_elapsed():
    """December 2026 in China has 23 working days (no holidays; Jan 1 is next year). To Friday Dec 18:
    Dec 1–4, 7–11, 14–18 = 14 of 23. R1 verified 460 of 1,000: burn 46 %, pace 46 % − 14/23."""
    ledger, _ = review([request(2, "R1", 500, verified=460.0)], as_of=pd.Timestamp("2026-12-18"))
    assert (ledger.working_days, ledger.working_days_elapsed) == (23, 14)
    r1 = ledger.by_holder.set_index(["rep_id", "category"]).loc[("R1", "差旅费")]
    assert r1.burn == pytest.approx(0.46) and r1.elapsed == pytest.approx(14 / 23)
    assert r1.pace == pytest.approx(0.46 - 14 / 23)


def test_time_elapsed_defaults_to_the_logs_latest_date_and_follows_the_calendar_sheet():
    """The log's latest date is the decision on Dec 9: Dec 1–4 and 7–9 = 7 working days. The Calendar sheet
    makes Dec 25 a half day and Dec 31 off: 23 − 0.5 − 1 = 21.5."""
    overrides = pd.DataFrame({"date": pd.to_datetime(["2026-12-25", "2026-12-31"]), "status": ["working", "off"],
                              "weight": [0.5, NAN]})
    ledger, _ = review([request(2, "R1", 500, decided=9)], calendar_overrides=overrides)
    assert ledger.as_of == pd.Timestamp("2026-12-09")
    assert (ledger.working_days, ledger.working_days_elapsed) == (21.5, 7)


def test_without_a_budget_run_the_expenses_step_first():
    ledger, problems = review([request(2, "R1", 100)], budget=BUDGET.iloc[0:0])
    assert ledger is None
    assert [(p.sheet, p.code) for p in problems] == [("expense_budget", "run-expenses-first")]


# ---- the ledger reconciles to the requests ---------------------------------------------------------------------

REQUESTERS = [("R1", "rep", "差旅费"), ("R2", "rep", "差旅费"), ("R3", "rep", "差旅费"), ("东", "region", "陈列费"),
              ("西经理", "region", "陈列费")]
APPROVERS = ["东经理", "西经理", "周总", "R1", None]


@hyp_settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 28), st.integers(0, 4), st.integers(1, 30), st.integers(0, 2),
                          st.integers(0, 4), st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=25))
def test_ledger_reconciles_to_the_requests(draws):
    """Whatever the log, the ledger adds up: requested, approved on the sheet (= counted + refused) and verified
    match the requests; remaining = budget − counted and never goes below zero; regions sum their holders."""
    rows = []
    for day, who, hundreds, status, approver, cut, spend in draws:
        requester, level, category = REQUESTERS[who]
        amount = hundreds * 100.0
        status_key = ("approved", "pending", "rejected")[status]
        approved = (NAN, amount * 0.5, amount)[cut]
        verified = (NAN, amount * 0.8, amount * 1.2)[spend]
        rows.append(request(day, requester, amount, status=status_key, approver=APPROVERS[approver],
                            approved=approved, verified=verified, level=level, category=category))
    ledger, problems = review(rows)
    log, holders = ledger.log, ledger.by_holder
    shown_approved = np.where(log.status == "approved", log.approved_amount.fillna(log.amount), 0.0)
    assert holders.requested.sum() == pytest.approx(log.amount.sum())
    assert holders.approved.sum() + holders.refused.sum() == pytest.approx(shown_approved.sum())
    assert holders.verified.sum() == pytest.approx(log.verified_amount.fillna(0).sum())
    assert holders.unapproved.sum() == pytest.approx(log.verified_amount.fillna(0).sum() - log.covered.sum())
    assert np.allclose(holders.remaining, holders.budget - holders.approved)
    assert (holders.loc[holders.budget > 0, "remaining"] >= -1e-9).all()
    assert holders.budget.sum() == BUDGET.budget.sum()
    assert np.allclose(ledger.by_region[["budget", "approved", "verified"]].sum().to_numpy(),
                       holders[["budget", "approved", "verified"]].sum().to_numpy())
    reps = holders[holders.level == "rep"]
    assert np.allclose(ledger.by_rep[["budget", "requested", "approved", "verified"]].sum().to_numpy(),
                       reps[["budget", "requested", "approved", "verified"]].sum().to_numpy())
    assert len(ledger.findings) == len([p for p in problems if p.severity == "warning"])
