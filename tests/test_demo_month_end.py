"""The demo's month end: a whole month of actual sales and a realistic rules sheet."""

from __future__ import annotations

import holidays
import pandas as pd

from salesxl.demo import lagging_reps, make_incentive_rules, make_month_actuals, month_end_demo_data

from .conftest import SMALL


def test_month_end_demo_finishes_the_tracked_month_and_any_window_is_a_slice(small_demo):
    settings, tables = small_demo
    month = settings["plan_month"]
    _, month_end = month_end_demo_data(seed=7, size=SMALL)
    so_far, full = tables["actuals"], month_end["actuals"]
    pd.testing.assert_frame_equal(full.iloc[:len(so_far)], so_far)  # the tracking demo's two weeks, untouched
    cut = so_far.date.max()
    args = (7, tables["reps"], tables["outlets"], tables["products"], tables["history"], month)
    lagging = lagging_reps(tables["reps"])
    rest = make_month_actuals(*args, after=cut, lagging=lagging)
    pd.testing.assert_frame_equal(full.iloc[len(so_far):].reset_index(drop=True), rest)
    whole = make_month_actuals(*args, lagging=lagging)
    first = make_month_actuals(*args, through=cut, lagging=lagging)
    pd.testing.assert_frame_equal(pd.concat([first, rest], ignore_index=True), whole)
    assert first.date.max() <= cut < rest.date.min() and rest.date.max() >= pd.Timestamp("2026-12-30")
    cn = holidays.country_holidays("CN", years=month.year)
    assert (whole.date.dt.to_period("M") == month).all()
    assert all(cn.is_working_day(d.date()) for d in whole.date.unique())
    inactive = set(tables["reps"].rep_id[~tables["reps"].active])
    assert not inactive & set(whole.rep_id)
    assert (whole.amount > 0).all() and (whole.amount == whole.qty * whole.sku.map(
        tables["products"].set_index("sku").unit_price)).all()


def test_demo_rules_have_a_company_plan_a_region_plan_and_a_new_rep_curve(small_demo):
    _, tables = small_demo
    rules = make_incentive_rules(tables["reps"])
    pd.testing.assert_frame_equal(rules, tables["incentive_rules"])
    scopes = rules.scope.fillna("").unique().tolist()
    newest = tables["reps"].sort_values("hire_date", kind="stable").rep_id.iloc[-1]
    assert scopes == ["", "西南", newest]
    assert set(rules.loc[rules.scope.isna(), "rule"]) == {"bonus", "commission", "accelerator", "cap", "floor", "mix",
                                                          "expense", "signed"}
    assert set(rules.loc[rules.scope == newest, "mode"].dropna()) == {"linear"}


def test_demo_at_month_end_releases_and_closes(tmp_path, monkeypatch):
    """`salesxl demo --month-end` on the small company (the full-size one takes minutes)."""
    import openpyxl
    from typer.testing import CliRunner

    from salesxl import cli
    monkeypatch.setattr(cli, "month_end_demo_data", lambda seed: month_end_demo_data(seed=7, size=SMALL))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, ["demo", "--month-end"])
    assert result.exit_code == 0, result.output
    assert "wrote: 月末绩效 Performance" in result.output and "wrote: 总览 Dashboard" in result.output
    names = openpyxl.load_workbook(tmp_path / "salesxl_demo_month_end.xlsx", read_only=True).sheetnames
    assert {"业务员目标 Rep Targets", "费用台账 Expense Ledger", "月末绩效 Performance"} <= set(names)
    assert not (tmp_path / "salesxl_demo.xlsx").exists()
