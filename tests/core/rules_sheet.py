"""An Incentive Rules sheet written inline for the close's tests: rule rows, a plan, a rep, a standard plan."""

from __future__ import annotations

import pandas as pd

from salesxl.core.incentive_rules import plan_for, read_rules
from salesxl.core.payout import RepFacts

RULE_COLUMNS = ["scope", "rule", "tier", "threshold", "amount", "rate", "factor", "mode", "role", "note"]


def rules(*rows: dict) -> pd.DataFrame:
    """An Incentive Rules sheet as the reader gives it: one row per dict, Excel rows from 2."""
    frame = pd.DataFrame([{c: r.get(c) for c in RULE_COLUMNS} for r in rows], columns=RULE_COLUMNS)
    for c in ("threshold", "amount", "rate", "factor"):
        frame[c] = pd.to_numeric(frame[c]).astype("float64")
    frame.index = pd.Index(range(2, 2 + len(rows)), name="excel_row")
    return frame


def plan(*rows: dict, regions=("华东",), reps=("R001",)):
    plans, problems = read_rules(rules(*rows), set(regions), set(reps))
    assert problems == []
    return plan_for(plans, "R001", "华东")


def rep(actual, roles=None, signed=None, budget=None, used=None, target=100_000.0):
    """A rep with target 100,000 and tiers 100,000 / 110,000 / 120,000."""
    return RepFacts(target, target, target * 1.1, target * 1.2, actual, roles or {}, signed, budget, used)


STANDARD = (  # the demo's kind of plan
    {"rule": "bonus", "tier": "base", "amount": 500},
    {"rule": "bonus", "tier": "challenge", "amount": 1000},
    {"rule": "bonus", "tier": "sprint", "amount": 2000},
    {"rule": "commission", "tier": "base", "rate": 0.01, "mode": "flat"},
    {"rule": "commission", "tier": "challenge", "rate": 0.02, "mode": "flat"},
    {"rule": "commission", "tier": "sprint", "rate": 0.03, "mode": "flat"},
    {"rule": "floor", "threshold": 0.8, "mode": "fixed", "amount": 300},
    {"rule": "mix", "role": "profit", "threshold": 0.9},
    {"rule": "signed"},
    {"rule": "cap", "amount": 5000},
)


COMPANY = (  # the month-end demo's rules for everyone (salesxl.demo.make_incentive_rules), rows 2–16
    {"rule": "bonus", "tier": "base", "amount": 800},
    {"rule": "bonus", "tier": "challenge", "amount": 1500},
    {"rule": "bonus", "tier": "sprint", "amount": 3000},
    {"rule": "commission", "threshold": 0.0, "rate": 0.008, "mode": "step"},
    {"rule": "commission", "tier": "base", "rate": 0.012, "mode": "step"},
    {"rule": "commission", "tier": "challenge", "rate": 0.016, "mode": "step"},
    {"rule": "commission", "tier": "sprint", "rate": 0.02, "mode": "step"},
    {"rule": "accelerator", "threshold": 1.2, "factor": 1.5},
    {"rule": "cap", "amount": 8000},
    {"rule": "floor", "threshold": 0.8, "amount": 500, "mode": "fixed"},
    {"rule": "floor", "threshold": 0.6, "mode": "forfeit"},
    {"rule": "mix", "threshold": 0.9, "mode": "withhold_bonus", "role": "profit"},
    {"rule": "mix", "threshold": 0.85, "mode": "withhold_bonus", "role": "flagship"},
    {"rule": "expense", "threshold": 1.0, "rate": 0.5, "mode": "rate"},
    {"rule": "signed"},
)

SOUTHWEST = (  # the month-end demo's rules for the developing 西南 region
    {"rule": "bonus", "tier": "base", "amount": 1000},
    {"rule": "bonus", "tier": "challenge", "amount": 2000},
    {"rule": "commission", "tier": "base", "rate": 0.015, "mode": "flat"},
    {"rule": "commission", "tier": "challenge", "rate": 0.02, "mode": "flat"},
    {"rule": "floor", "threshold": 0.7, "amount": 300, "mode": "fixed"},
    {"rule": "signed"},
)
