"""The demo's month end: a whole month of actual sales and a realistic rules sheet."""

from __future__ import annotations

import holidays
import pandas as pd

from salesxl.demo import make_incentive_rules, make_month_actuals


def test_month_actuals_cover_the_working_days_and_any_window_is_a_slice(small_demo):
    settings, tables = small_demo
    month = settings["plan_month"]
    args = (7, tables["reps"], tables["outlets"], tables["products"], tables["history"], month)
    whole = make_month_actuals(*args)
    pd.testing.assert_frame_equal(whole, tables["actuals"])
    cut = pd.Timestamp("2026-12-11")  # where the tracking demo's first two weeks end
    first, rest = make_month_actuals(*args, through=cut), make_month_actuals(*args, after=cut)
    pd.testing.assert_frame_equal(pd.concat([first, rest], ignore_index=True), whole)
    assert first.date.max() <= cut < rest.date.min()
    cn = holidays.country_holidays("CN", years=month.year)
    assert (whole.date.dt.to_period("M") == month).all()
    assert all(cn.is_working_day(d.date()) for d in whole.date.unique())
    assert whole.date.max() > pd.Timestamp("2026-12-25")  # the month runs to its end
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
