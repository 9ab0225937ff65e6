"""The feedback round and the rebalance, worked by hand on four reps.

Drafts: A 100, B 200, C 300, D 400, so the month target is 1,000 (unit 1).
"""

from __future__ import annotations

from dataclasses import replace
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from salesxl.core.agreement import agree_targets, feedback_rows
from salesxl.core.settings import Settings

MONTH = pd.Period("2026-12", freq="M")
DRAFTS = pd.DataFrame({"rep_id": ["A", "B", "C", "D"], "name": ["甲", "乙", "丙", "丁"],
                       "region": ["East"] * 4, "manager": ["M"] * 4, "draft": [100.0, 200.0, 300.0, 400.0]})
REPS = pd.DataFrame({"rep_id": ["A", "B", "C", "D", "X"], "active": [True, True, True, True, False]})
SETTINGS = Settings(rounding_unit=1.0, agree_cap=0.3, allow_shortfall=False, allow_surplus=False)


def feedback(*rows) -> pd.DataFrame:
    """Rows ``(rep_id, proposal, decision, manager_figure)`` on Excel rows 7, 8, ... for December."""
    frame = pd.DataFrame([{"month": MONTH, "rep_id": r, "proposal": p, "decision": d, "manager_figure": m,
                           "reason": None, "comment": None, "draft_seen": None, "draft_changed": None}
                          for r, p, d, m in rows])
    frame.index = pd.RangeIndex(7, 7 + len(frame), name="excel_row")
    return frame


def agreed(agreement) -> dict[str, float]:
    return dict(zip(agreement.table["rep_id"], agreement.table["agreed"]))


def test_all_keep_draft_agrees_the_drafts():
    agreement, problems = agree_targets(DRAFTS, feedback(), REPS, MONTH, SETTINGS)
    assert problems == []
    assert agreed(agreement) == {"A": 100, "B": 200, "C": 300, "D": 400}
    assert agreement.total == agreement.target == 1000 and agreement.shortfall == agreement.surplus == 0


def test_accepted_proposal_and_manager_figure_are_fixed_and_the_rest_rebalanced():
    """A accepts 80, B gets the manager's 250: fixed 330, rest 670 over C and D by 300:400.

    C = 670 × 3/7 = 287.14, D = 382.86 -> floors 287 + 382 = 669; the last unit goes to
    the larger remainder (D): C 287, D 383. Total 80 + 250 + 287 + 383 = 1,000.
    """
    agreement, problems = agree_targets(
        DRAFTS, feedback(("A", 80.0, "accept", None), ("B", 150.0, "manager", 250.0)), REPS, MONTH, SETTINGS)
    assert problems == []
    assert agreed(agreement) == {"A": 80, "B": 250, "C": 287, "D": 383}
    table = agreement.table.set_index("rep_id")
    assert table.loc["B", "change"] == 50 and table.loc["A", "change_pct"] == pytest.approx(-0.2)
    assert list(table["decision"]) == ["accept", "manager", "keep", "keep"]


def test_cap_reached_stops_at_the_cap_setting():
    """A and B accept 20 and 50: the rest 930 over drafts 700 is +32.9 % > the 30 % cap."""
    agreement, problems = agree_targets(
        DRAFTS, feedback(("A", 20.0, "accept", None), ("B", 50.0, "accept", None)), REPS, MONTH, SETTINGS)
    assert agreement is None
    assert [(p.sheet, p.column, p.code) for p in problems] == [("settings", "agree_cap", "agree-cap-reached")]
    assert "32.9%" in problems[0].message_en and "30%" in problems[0].message_en


def test_shortfall_allowed_raises_keep_reps_to_the_cap_and_shows_the_gap():
    """As above with a shortfall allowed: C = 300 × 1.3 = 390, D = 400 × 1.3 = 520; total 980, short 20."""
    agreement, problems = agree_targets(
        DRAFTS, feedback(("A", 20.0, "accept", None), ("B", 50.0, "accept", None)), REPS, MONTH,
        replace(SETTINGS, allow_shortfall=True))
    assert problems == []
    assert agreed(agreement) == {"A": 20, "B": 50, "C": 390, "D": 520}
    assert agreement.shortfall == 20 and agreement.surplus == 0
    assert any("Shortfall" in n for n in agreement.notes)


def test_fixed_figures_over_the_target_stop_unless_a_surplus_is_allowed():
    """A 600 + B 500 = 1,100 > 1,000: stop; allowed, C and D keep their drafts: total 1,800, surplus 800."""
    rows = feedback(("A", 600.0, "accept", None), ("B", None, "manager", 500.0))
    agreement, problems = agree_targets(DRAFTS, rows, REPS, MONTH, SETTINGS)
    assert agreement is None and [p.code for p in problems] == ["agreed-surplus"]
    assert problems[0].column == "allow_surplus"
    agreement, problems = agree_targets(DRAFTS, rows, REPS, MONTH, replace(SETTINGS, allow_surplus=True))
    assert agreed(agreement) == {"A": 600, "B": 500, "C": 300, "D": 400}
    assert agreement.surplus == 800


def test_bad_rows_are_located():
    rows = feedback(("A", None, "manager", None), ("B", None, "accept", None), ("Q", 10.0, "accept", None),
                    ("X", 10.0, "accept", None), ("C", 250.0, None, None))
    agreement, problems = agree_targets(DRAFTS, rows, REPS, MONTH, SETTINGS)
    assert agreement is None
    assert [(p.row, p.column, p.code, p.severity) for p in problems] == [
        (7, "manager_figure", "manager-figure-missing", "error"),
        (8, "proposal", "accept-without-proposal", "error"),
        (9, "rep_id", "feedback-unknown-rep", "error"),
        (10, "rep_id", "feedback-inactive-rep", "warning"),
        (11, "decision", "proposal-undecided", "warning"),
    ]


def test_a_decision_for_another_month_is_ignored_with_a_warning():
    rows = feedback(("A", 50.0, "accept", None))
    rows.loc[7, "month"] = pd.Period("2026-11", freq="M")
    agreement, problems = agree_targets(DRAFTS, rows, REPS, MONTH, SETTINGS)
    assert agreed(agreement)["A"] == 100
    assert [(p.row, p.column, p.code, p.severity) for p in problems] == [
        (7, "month", "feedback-other-month", "warning")]


def test_reissue_keeps_answers_and_flags_a_changed_draft():
    """A answered a draft of 100 with 90; the new draft is 120: kept, seen 100, flagged."""
    old = feedback(("A", 90.0, "accept", None))
    old["draft"] = [100.0]
    old["reason"] = ["闭店 closing"]
    new_drafts = DRAFTS.assign(draft=[120.0, 200.0, 300.0, 380.0])
    rows, problems = feedback_rows(new_drafts, old, REPS, MONTH)
    assert problems == []
    a = rows.set_index("rep_id").loc["A"]
    assert (a["draft"], a["proposal"], a["decision"], a["reason"], a["draft_seen"]) == (
        120.0, 90.0, "accept", "闭店 closing", 100.0)
    assert a["draft_changed"] == "100.00 → 120.00"
    assert rows["rep_id"].tolist() == ["A", "B", "C", "D"]
    assert rows.set_index("rep_id").loc["B", ["proposal", "draft_seen", "draft_changed"]].isna().all()


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5000), min_size=2, max_size=8), st.data())
def test_rebalance_meets_the_target_exactly(drafts, data):
    """Whenever it succeeds without shortfall or surplus, the agreed total is the month target, none negative."""
    frame = pd.DataFrame({"rep_id": [f"R{i}" for i in range(len(drafts))], "name": None, "region": "E",
                          "manager": None, "draft": [float(d) for d in drafts]})
    reps = pd.DataFrame({"rep_id": frame["rep_id"], "active": True})
    fixed = data.draw(st.lists(st.integers(0, 6000), min_size=1, max_size=len(drafts) - 1))
    rows = pd.DataFrame([{"month": MONTH, "rep_id": f"R{i}", "proposal": float(v), "decision": "accept",
                          "manager_figure": None} for i, v in enumerate(fixed)])
    rows.index = pd.RangeIndex(2, 2 + len(rows))
    agreement, problems = agree_targets(frame, rows, reps, MONTH, replace(SETTINGS, agree_cap=10.0))
    if agreement is not None:
        assert (agreement.table["agreed"] >= 0).all()
        assert agreement.total == agreement.target + agreement.surplus - agreement.shortfall
        if not agreement.shortfall and not agreement.surplus:
            assert agreement.total == sum(drafts)


def test_a_held_rep_keeping_the_draft_keeps_it_exactly_and_the_rest_is_rebalanced_around_them():
    """D's 400 is a manual target on Reps (a hold). A accepts 80: fixed 80 + D 400 = 480, rest 520 over
    B and C by 200:300 -> B 208, C 312. D stays 400 (spread over B, C and D by 2:3:4, it would have become 408.9)."""
    reps = REPS.assign(manual_target=[None, None, None, 400.0, None])
    agreement, problems = agree_targets(DRAFTS, feedback(("A", 80.0, "accept", None)), reps, MONTH, SETTINGS)
    assert problems == []
    assert agreed(agreement) == {"A": 80, "B": 208, "C": 312, "D": 400}
    assert list(agreement.table["decision"]) == ["accept", "keep", "keep", "keep"]


def test_a_manager_figure_for_a_held_rep_still_wins():
    """The manager may move a held rep on purpose: D 350 fixed, rest 650 over A, B, C by 1:2:3."""
    reps = REPS.assign(manual_target=[None, None, None, 400.0, None])
    agreement, problems = agree_targets(DRAFTS, feedback(("D", None, "manager", 350.0)), reps, MONTH, SETTINGS)
    assert problems == []
    assert agreed(agreement) == {"A": 108, "B": 217, "C": 325, "D": 350}
