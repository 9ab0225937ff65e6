"""The rules on the Incentive Rules sheet, read into one plan per scope, and the rows that cannot be applied
(salesxl.core.incentive_rules)."""

from __future__ import annotations

import pytest

from salesxl.core.incentive_rules import plan_for, read_rules

from .rules_sheet import rules


def test_most_specific_scope_wins():
    plans, problems = read_rules(rules(
        {"rule": "bonus", "tier": "base", "amount": 100},
        {"scope": "华东", "rule": "bonus", "tier": "base", "amount": 200},
        {"scope": "R001", "rule": "bonus", "tier": "base", "amount": 300},
    ), {"华东", "华南"}, {"R001", "R002"})
    assert problems == []
    assert plan_for(plans, "R001", "华东").bonuses == {"base": 300}
    assert plan_for(plans, "R002", "华东").bonuses == {"base": 200}
    assert plan_for(plans, "R002", "华南").bonuses == {"base": 100}


# ---- rules that cannot be applied are located ----

@pytest.mark.parametrize("rows, expected", [
    ([{"rule": "bonus", "amount": 500}], [(2, "tier", "rule-needs-value")]),
    ([{"rule": "bonus", "tier": "base"}], [(2, "amount", "rule-needs-value")]),
    ([{"rule": "commission", "tier": "base", "threshold": 1.0, "rate": 0.01}], [(2, "threshold", "band-start")]),
    ([{"rule": "commission", "tier": "base", "rate": 0.01, "mode": "fixed"}], [(2, "mode", "wrong-mode")]),
    ([{"rule": "commission", "tier": "base", "rate": 0.01, "mode": "flat"},
      {"rule": "commission", "tier": "sprint", "rate": 0.02, "mode": "step"}], [(3, "mode", "mixed-modes")]),
    ([{"rule": "commission", "mode": "linear", "threshold": 1.0, "rate": 1.0}], [(2, "amount", "rule-needs-value")]),
    ([{"rule": "commission", "mode": "linear", "threshold": 0.8, "rate": 0.5, "amount": 3000},
      {"rule": "commission", "mode": "linear", "threshold": 1.0, "rate": 1.0, "amount": 2000}],
     [(3, "amount", "mixed-target-incentive")]),
    ([{"rule": "commission", "tier": "base", "rate": 0.01}, {"rule": "commission", "tier": "base", "rate": 0.02}],
     [(3, "tier", "duplicate-rule")]),
    ([{"rule": "floor", "threshold": 0.8}], [(2, "mode", "wrong-mode")]),
    ([{"rule": "floor", "mode": "fixed", "amount": 300}], [(2, "threshold", "rule-needs-value")]),
    ([{"rule": "floor", "threshold": 0.8, "mode": "rate"}], [(2, "rate", "rule-needs-value")]),
    ([{"rule": "mix", "threshold": 0.9}], [(2, "role", "rule-needs-value")]),
    ([{"rule": "accelerator", "threshold": 1.0}], [(2, "factor", "rule-needs-value")]),
    ([{"rule": "cap"}], [(2, "amount", "rule-needs-value")]),
    ([{"scope": "火星", "rule": "signed"}], [(2, "scope", "unknown-scope")]),
])
def test_bad_rules_are_located(rows, expected):
    _, problems = read_rules(rules(*rows), {"华东"}, {"R001"})
    assert [(p.row, p.column, p.code) for p in problems] == expected
    assert all(p.sheet == "incentive_rules" and p.severity == "error" for p in problems)
