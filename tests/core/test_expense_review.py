"""The review of the expense requests: two approval levels, the running balance, verified spend, the ledger."""

from __future__ import annotations

from dataclasses import replace
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from salesxl.core.expense_review import review_requests
from salesxl.core.settings import Settings

from .frames import frame

DEC = pd.Period("2026-12", "M")
NAN = np.nan

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
REVIEW_SETTINGS = Settings(plan_month=DEC, country="CN", hq_approvers="周总, 王总监")


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
    return review_requests(requests, kw.pop("budget", BUDGET), REPS, REGIONS, replace(REVIEW_SETTINGS, **kw.pop(
        "settings", {})), **kw)


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
