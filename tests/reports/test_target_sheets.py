"""What the Month Target and Target Structure sheets show, built from hand-worked core results."""

from __future__ import annotations

import pytest

from salesxl.core.settings import Settings
from salesxl.core.structure import target_structure
from salesxl.core.targets import monthly_target
from salesxl.reports.target import month_target_sheet, structure_sheet

from ..core import test_structure as s
from ..core import test_targets as t


def test_company_month_target_sheet():
    """The running example (trend): 285,795 against last year's 250,000 is +14.318 %; against B 95.265 %."""
    target, _ = monthly_target(t.budget(), t.history(), t.factors(), t.SETTINGS)
    sheet = month_target_sheet(target, Settings(rounding_unit=1.0, currency="CNY"))
    assert [table.heading for table in sheet.tables] == [
        "月度目标 Month target", "四因素参考表（表1） The four factors (Table 1)",
        "近三年同期 The same month in the last three years"]
    summary = sheet.tables[0].frame.iloc[0]
    assert summary["total"] == 285_795 and summary["last_year"] == 250_000
    assert summary["growth"] == pytest.approx(0.14318)
    assert summary["vs_budget"] == pytest.approx(285_795 / 300_000)
    factors = sheet.tables[1].frame
    assert list(factors["scope"]) == ["公司 Company"] * 4
    assert list(factors["base_year"]) == ["2026", "2025", "2025", "2025"]
    assert "trend" in sheet.subtitle and sheet.notes == []


def test_regional_month_target_sheet_adds_up_the_regions():
    sheet_budget = t.frame([{"year": 2026, "month": 12, "region": "North", "amount": 300_000.0},
                            {"year": 2026, "month": 12, "region": "South", "amount": 100_000.0}])
    target, _ = monthly_target(sheet_budget, t.history(), t.factors(), t.SETTINGS)
    sheet = month_target_sheet(target, Settings(rounding_unit=1.0))
    factors = sheet.tables[1].frame.set_index("label")
    # B: 300,000 + 100,000; South has no history, so its 60 % moved to B: the weight used differs by region.
    assert factors.loc["年度预算 Annual budget", "value"] == 400_000
    assert factors.loc["年度预算 Annual budget", "weight"] is None
    assert factors.loc["行业增长 Industry growth", "value"] == 270_000
    assert [table.name for table in sheet.tables][-2:] == ["sx_target_regions", "sx_target_region_factors"]
    assert "by region" in sheet.notes[0] and sheet.notes[1].startswith("South: ")


def test_structure_sheet_shows_margins_only_with_costs():
    structure, _ = target_structure(s.month_target(), s.products(), s.role_mix(), s.regions(), s.history(),
                                    s.SETTINGS)
    sheet = structure_sheet(s.month_target(), structure, s.SETTINGS)
    assert [c.key for c in sheet.tables[0].columns][-2:] == ["gross_margin", "margin_rate"]
    no_cost = s.products().drop(columns=["unit_cost"])
    structure, _ = target_structure(s.month_target(), no_cost, s.role_mix(), s.regions(), s.history(), s.SETTINGS)
    sheet = structure_sheet(s.month_target(), structure, s.SETTINGS)
    assert "gross_margin" not in [c.key for c in sheet.tables[0].columns]
    assert "α = 70%" in sheet.subtitle
