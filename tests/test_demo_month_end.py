"""The demo's month end: a whole month of actual sales and a realistic rules sheet."""

from __future__ import annotations

import holidays
import pandas as pd

from salesxl.demo import (demo_signatures, lagging_reps, make_incentive_rules, make_month_actuals,
                          month_end_demo_data)

from .conftest import SMALL
from .steps.test_close import recompute_from_the_sheet


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

    from salesxl.workbook.contract import OUTPUT_SHEETS

    from salesxl import cli
    monkeypatch.setattr(cli, "month_end_demo_data", lambda seed: month_end_demo_data(seed=7, size=SMALL))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, ["demo", "--month-end"])
    assert result.exit_code == 0, result.output
    assert "wrote: 月末绩效 Performance" in result.output
    assert "wrote: 总览 Dashboard" in result.output  # the dashboard runs last
    assert "wrote: 目标确认 Agreed Targets" in result.output  # the agreement round ran before the close
    book = openpyxl.load_workbook(tmp_path / "salesxl_demo_month_end.xlsx")
    # Problems only when a step fails; the Collection Log when files come back from the reps (the demo sends none).
    every_output = {s.name for s in OUTPUT_SHEETS if s.key not in ("problems", "collection_log")}
    assert every_output <= set(book.sheetnames), every_output - set(book.sheetnames)
    assert not (tmp_path / "salesxl_demo.xlsx").exists()

    # Agreed Targets: every rep signed but the first; the close pays what was agreed and withholds the
    # unsigned rep's reward under the must-be-signed rule, saying why.
    agreed = table(book["目标确认 Agreed Targets"], "业务员编号 Rep ID")
    assert [r["签署 Signed"] for r in agreed] == ["否"] + ["是"] * (len(agreed) - 1)
    unsigned = agreed[0]["业务员编号 Rep ID"]
    reps = {r["业务员编号 Rep ID"]: r for r in table(book["月末绩效 Performance"], "业务员编号 Rep ID")}
    assert {rep: r["目标 Target"] for rep, r in reps.items()} == {
        r["业务员编号 Rep ID"]: r["确认目标 Agreed target"] for r in agreed}
    assert reps[unsigned]["签署 Signed"] == "否 no"
    assert "commitment not signed → reward forfeited" in reps[unsigned]["原因说明 Reason (English)"]
    assert reps[unsigned]["奖励 Reward"] == 0
    assert all(r["签署 Signed"] == "是 yes" for rep, r in reps.items() if rep != unsigned)

    # New reps close at realistic attainments (the small demo once had one at 591 %): the rep with a
    # manual share took over a colleague's outlets, and new reps sell about half of what a colleague sells.
    attainments = {rep: r["达成率 Attainment"] for rep, r in reps.items()}
    assert max(attainments.values()) < 2.5, attainments
    settings, tables = month_end_demo_data(seed=7, size=SMALL)
    shared = tables["reps"].loc[tables["reps"].manual_share.notna(), "rep_id"].iloc[0]
    assert 0.8 <= attainments[shared] <= 1.6, attainments

    # Every net on the demo's Performance sheet is the sum of its pay lines, from the sheet alone.
    recompute_from_the_sheet(tmp_path / "salesxl_demo_month_end.xlsx")


def table(ws, first_header: str) -> list[dict]:
    """The rows of the first table whose header row starts with ``first_header``, to its totals row."""
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[1] == first_header or r[0] == first_header)
    headers = rows[top]
    body = []
    for r in rows[top + 1:]:
        if r[0] in (None, "合计 Total"):
            break
        body.append(dict(zip(headers, r)))
    return body


def test_the_rep_with_a_manual_share_took_over_a_colleagues_outlets(small_demo):
    """The manual share is a little above the default starting share (½ of the region's average rep share):
    0.65 ÷ the region's active reps. The rep's outlets sold under a colleague of the region before the hire,
    and under the rep from the month after it."""
    settings, tables = small_demo
    reps, history, outlets = tables["reps"], tables["history"], tables["outlets"]
    rep = reps[reps.manual_share.notna()].iloc[0]
    in_region = int((reps.active & (reps.region == rep.region)).sum())
    assert rep.manual_share == round(0.65 / in_region, 3)
    own = set(outlets.outlet_id[outlets.rep_id == rep.rep_id])
    daily = history[history.outlet_id.isin(own)]
    hired = pd.Timestamp(rep.hire_date).to_period("M")
    before = daily[daily.date.dt.to_period("M") <= hired]
    after = daily[daily.date.dt.to_period("M") > hired]
    assert len(before) and set(before.rep_id) == {reps.rep_id[reps.active & (reps.region == rep.region)
                                                               & (reps.rep_id != rep.rep_id)].iloc[0]}
    assert len(after) and set(after.rep_id) == {rep.rep_id}


def test_demo_signatures_leave_the_first_rep_unsigned():
    agreed = pd.DataFrame({"rep_id": ["R001", "R002", "R003"], "signed": False, "signed_date": None})
    demo_signatures(agreed, pd.Period("2026-12", "M"))
    assert list(agreed.signed) == [False, True, True]
    assert pd.isna(agreed.signed_date.iloc[0])
    assert list(agreed.signed_date.iloc[1:]) == [pd.Timestamp("2026-11-28")] * 2
