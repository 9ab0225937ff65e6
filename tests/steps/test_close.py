"""The close on a workbook: the Performance sheet, every payout recomputed by hand, bad input located."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.steps.close import close
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.base import col
from salesxl.workbook.schema import SheetSchema

from ..conftest import digest, edit

runner = CliRunner()
SHEET = "月末绩效 Performance"
RULES = "激励规则 Incentive Rules"
ACTUALS = "实际销售 Actuals"


def block(ws, first_header: str) -> pd.DataFrame:
    """The table whose header row starts with ``first_header``, down to its blank or totals row."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return block_at(rows, next(i for i, r in enumerate(rows) if r[0] == first_header))


def block_at(rows: list[list], top: int) -> pd.DataFrame:
    header = [h for h in rows[top] if h is not None]
    body = []
    for r in rows[top + 1:]:
        if r[0] is None or r[0] == "合计 Total" and any(isinstance(v, str) and v.startswith("=") for v in r):
            break
        body.append(r[:len(header)])
    return pd.DataFrame(body, columns=header)


def performance(path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, pd.DataFrame]:
    ws = openpyxl.load_workbook(path)[SHEET]
    return ws, block(ws, "业务员编号 Rep ID")


def pay_lines(path) -> pd.DataFrame:
    """The Performance sheet's pay lines (the table whose second header is 序号 Line)."""
    ws = openpyxl.load_workbook(path)[SHEET]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r[0] == "业务员编号 Rep ID" and r[1] == "序号 Line")
    return block_at(rows, top)


# ---- every payout, by hand, from the sheet's own figures and the rules sheet ----

def rules_for(rules: pd.DataFrame, rep_id: str, region: str) -> pd.DataFrame:
    scope = rules["scope"].fillna("")
    for wanted in (rep_id, region, ""):
        if (scope == wanted).any():
            return rules[scope == wanted]
    return rules.iloc[0:0]


def by_hand(rules: pd.DataFrame, rep: pd.Series) -> dict[str, float]:
    """One rep's payout worked out the way a planner would, row by row of the rules sheet."""
    kinds = set(rules["rule"])
    assert kinds <= {"bonus", "commission", "accelerator", "cap", "floor", "mix", "expense", "signed"}
    T, A = rep["目标 Target"], rep["实际 Actual"]
    tier_att = {"base": rep["基础目标 Base"] / T, "challenge": rep["挑战目标 Challenge"] / T,
                "sprint": rep["冲刺目标 Sprint"] / T}
    att = A / T
    assert att == pytest.approx(rep["达成率 Attainment"], abs=1e-12)
    reached = [t for t in ("base", "challenge", "sprint") if att >= tier_att[t] - 1e-9]

    bonus = 0.0
    for t in reached:
        rows = rules[(rules["rule"] == "bonus") & (rules["tier"] == t)]
        if len(rows):
            bonus = rows["amount"].iloc[0]

    bands = rules[rules["rule"] == "commission"]
    mode = bands["mode"].fillna("flat").iloc[0] if len(bands) else "flat"
    starts = sorted(zip([tier_att[t] if isinstance(t, str) else x for t, x in zip(bands["tier"], bands["threshold"])],
                        bands["rate"], bands["amount"]))

    def commission_at(a: float) -> float:
        if mode == "flat":
            rates = [r for s, r, _ in starts if a >= s - 1e-9]
            return a * T * rates[-1] if rates else 0.0
        if mode == "step":
            total = 0.0
            for i, (s, r, _) in enumerate(starts):
                end = starts[i + 1][0] if i + 1 < len(starts) else float("inf")
                total += r * max(0.0, min(a, end) - s) * T
            return total
        xs, ys, incentive = [s for s, _, _ in starts], [r for _, r, _ in starts], starts[0][2]
        if a < xs[0] - 1e-9:
            return 0.0
        if a >= xs[-1]:
            return ys[-1] * incentive
        i = max(k for k in range(len(xs)) if xs[k] <= a)
        return (ys[i] + (a - xs[i]) / (xs[i + 1] - xs[i]) * (ys[i + 1] - ys[i])) * incentive

    caps = rules[rules["rule"] == "cap"]
    paid_att = min([att, *caps["threshold"].dropna()])
    commission = commission_at(paid_att)
    for _, acc in rules[rules["rule"] == "accelerator"].iterrows():  # the demo has one accelerator per plan
        if paid_att > acc["threshold"]:
            below = commission_at(acc["threshold"])
            commission = below + acc["factor"] * (commission - below)

    withheld_bonus = forfeit = False
    roles = {"flagship": "战斗机型达成 Flagship attainment", "volume": "规模型达成 Volume attainment",
             "profit": "利润型达成 Profit attainment", "image": "形象型达成 Image attainment"}
    for _, mix in rules[rules["rule"] == "mix"].iterrows():
        role_att = rep[roles[mix["role"]]]
        if role_att is not None and role_att < mix["threshold"] - 1e-9:
            forfeit |= mix["mode"] == "forfeit"
            withheld_bonus |= mix["mode"] != "forfeit"
    penalty = 0.0
    for _, floor in rules[rules["rule"] == "floor"].iterrows():
        if A / rep["基础目标 Base"] < floor["threshold"] - 1e-9:
            if floor["mode"] == "fixed":
                penalty += floor["amount"]
            elif floor["mode"] == "rate":
                penalty += floor["rate"] * (rep["基础目标 Base"] - A)
            else:
                forfeit = True
    if "signed" in kinds and rep["签署 Signed"] == "否 no":
        forfeit = True
    budget, used = rep["费用预算 Expense budget"], rep["已用费用 Expense used"]
    for _, rule in rules[rules["rule"] == "expense"].iterrows():
        allowed = (rule["threshold"] if pd.notna(rule["threshold"]) else 1.0) * (budget or 0.0)
        if used is not None and used > allowed + 0.005:
            if rule["mode"] == "fixed":
                penalty += rule["amount"]
            elif rule["mode"] == "rate":
                penalty += rule["rate"] * (used - allowed)
            else:
                forfeit = True
    bonus, commission = round(bonus, 2), round(commission, 2)
    withheld = bonus + commission if forfeit else (bonus if withheld_bonus else 0.0)
    reward = bonus + commission - withheld
    cap = caps["amount"].dropna()
    cap_cut = max(0.0, reward - cap.min()) if len(cap) else 0.0
    reward -= cap_cut
    return {"档位奖金 Tier bonus": bonus, "提成 Commission": commission, "扣发 Withheld": withheld,
            "封顶扣减 Cap cut": cap_cut, "奖励 Reward": reward, "扣款 Penalty": penalty,
            "净发放 Net payout": reward - penalty}


def test_every_payout_on_the_sheet_is_reproducible_by_hand(closable):
    result = close(FileWorkbook(closable))
    assert result.ok and result.written == [SHEET]
    ws, reps = performance(closable)
    inputs, _ = read_inputs(FileWorkbook(closable), only=["incentive_rules", "regions", "reps"])
    rules = inputs["incentive_rules"]
    for _, rep in reps.iterrows():
        expected = by_hand(rules_for(rules, rep["业务员编号 Rep ID"], rep["区域 Region"]), rep)
        for column, value in expected.items():
            assert rep[column] == pytest.approx(value, abs=0.011), (rep["业务员编号 Rep ID"], column)
    # The demo month exercises the rules: a rep under the floor, a withheld bonus, an accelerator, a curve.
    reasons = " ".join(reps["原因说明 Reason (English)"])
    for phrase in ("below floor", "tier bonus withheld", "accelerated ×1.5", "reached sprint"):
        assert phrase in reasons
    newest = inputs["reps"].sort_values("hire_date", kind="stable")["rep_id"].iloc[-1]
    assert set(reps["适用规则 Rule set"]) == {"全体 everyone", "西南", newest}
    assert (reps["费用预算 Expense budget"] > 0).all()  # the expense condition was checked against the ledger


PARTS = {"档位奖金 Tier bonus": 1, "提成 Commission": 1, "扣发 Withheld": -1, "封顶扣减 Cap cut": -1,
         "扣款 Penalty": -1}
"""The rep-table columns a pay line adds to, and the sign its amount carries into the net."""


def test_every_net_is_recomputed_from_the_written_sheet_alone(closable):
    """Every rep of the month-end demo, from the Performance sheet as written (nothing else read): the tier
    from the amounts, the gap to the next tier, each line with a rate from its base, each part and the net
    as sums of the lines."""
    close(FileWorkbook(closable))
    lines = recompute_from_the_sheet(closable)
    # The demo month has a line of every kind the company's rules can give.
    kinds = set(lines["规则 Rule"])
    assert {"档位奖金 bonus", "提成 commission", "加速 accelerator", "结构条件 mix", "处罚线 floor"} <= kinds


def recompute_from_the_sheet(path) -> pd.DataFrame:
    """Check every rep's figures on a written Performance sheet against its pay lines; return the lines.
    (Also run on the small company's ``salesxl demo --month-end`` in tests/test_demo_month_end.py.)"""
    ws, reps = performance(path)
    lines = pay_lines(path)
    rules = block(ws, "规则行 Rule row").set_index("规则行 Rule row")
    assert set(lines["业务员编号 Rep ID"]) <= set(reps["业务员编号 Rep ID"])
    for _, rep in reps.iterrows():
        own = lines[lines["业务员编号 Rep ID"] == rep["业务员编号 Rep ID"]]
        assert list(own["序号 Line"]) == list(range(1, len(own) + 1))
        actual = rep["实际 Actual"]
        tiers = {"基础 Base": rep["基础目标 Base"], "挑战 Challenge": rep["挑战目标 Challenge"],
                 "冲刺 Sprint": rep["冲刺目标 Sprint"]}
        reached = [t for t, amount in tiers.items() if actual >= amount - 0.005]
        shown = rep["达到档位 Tier reached"]
        assert shown.endswith(reached[-1].split()[1].lower()) if reached else shown == "未达基础 below base"
        if isinstance(rep["下一档 Next tier"], str):
            following = next(t for t in tiers if t not in reached)
            assert rep["下一档 Next tier"].endswith(following.split()[1].lower())
            assert rep["下一档金额 Next tier at"] == tiers[following]
            assert rep["差额 Short by"] == pytest.approx(tiers[following] - actual, abs=0.001)
        else:
            assert reached == list(tiers) and pd.isna(rep["差额 Short by"])
        for _, line in own.iterrows():
            part = line["计入 Part"]
            if pd.notna(line["比例 Rate"]) and part in PARTS:  # a line with a rate pays base × rate, to the cent
                assert line["金额 Amount"] == pytest.approx(PARTS[part] * round(line["基数 Base"] * line["比例 Rate"]
                                                                             + 1e-9, 2), abs=1e-9)
            if line["规则 Rule"] == "提成 commission" and pd.notna(line["起 From"]) and part == "提成 Commission" \
                    and not line["明细说明 Detail (English)"].startswith(("flat", "pay curve")):
                assert line["基数 Base"] == pytest.approx(line["止 To"] - line["起 From"], abs=0.001)
            if line["规则 Rule"] == "加速 accelerator":  # its base: the commission lines above its threshold
                above = own[(own["规则 Rule"] == "提成 commission") & (own["起 From"] >= line["起 From"] - 0.005)
                            & (own["止 To"] <= line["止 To"] + 0.005)]
                assert line["基数 Base"] == pytest.approx(above["金额 Amount"].sum(), abs=1e-6)
            if pd.notna(line["规则行 Rule row"]):  # the rule it applies is on the rules table, same kind
                assert rules.loc[line["规则行 Rule row"], "规则 Rule"] == line["规则 Rule"]
        for column, sign in PARTS.items():
            assert rep[column] == pytest.approx(sign * own.loc[own["计入 Part"] == column, "金额 Amount"].sum(),
                                                abs=1e-6), (rep["业务员编号 Rep ID"], column)
        assert rep["净发放 Net payout"] == pytest.approx(own["金额 Amount"].sum(), abs=1e-6)
        assert rep["奖励 Reward"] == pytest.approx(rep["档位奖金 Tier bonus"] + rep["提成 Commission"]
                                                 - rep["扣发 Withheld"] - rep["封顶扣减 Cap cut"], abs=1e-6)
    return lines


def test_totals_reconcile_across_the_sheet(closable):
    close(FileWorkbook(closable))
    ws, reps = performance(closable)
    regions = block(ws, "区域 Region")
    company = regions[regions["区域 Region"] == "全公司 Company"].iloc[0]
    assert company["目标 Target"] == pytest.approx(reps["目标 Target"].sum())
    assert company["实际 Actual"] == pytest.approx(reps["实际 Actual"].sum())
    assert company["净发放 Net payout"] == pytest.approx(reps["净发放 Net payout"].sum())
    assert company["达成率 Attainment"] == pytest.approx(company["实际 Actual"] / company["目标 Target"])
    for _, region in regions[regions["区域 Region"] != "全公司 Company"].iterrows():
        own = reps[reps["区域 Region"] == region["区域 Region"]]
        assert (region["人数 Reps"], region["净发放 Net payout"]) == (len(own), pytest.approx(own["净发放 Net payout"].sum()))
    roles = block(ws, "产品角色 Role")
    total = roles[roles["产品角色 Role"] == "合计 Total"].iloc[0]
    assert total["目标 Target"] == pytest.approx(company["目标 Target"])
    assert total["实际 Actual"] == pytest.approx(company["实际 Actual"])
    assert roles.iloc[:-1]["实际 Actual"].sum() == pytest.approx(total["实际 Actual"])
    summary = block(ws, "项目 Item").set_index("项目 Item")
    assert summary.loc["净发放合计 Net payout", "金额 Amount"] == pytest.approx(company["净发放 Net payout"])
    assert summary.loc["第1名 Top 1", "业务员 Rep"].endswith(reps.iloc[0]["业务员编号 Rep ID"])
    under = summary.loc[["低于处罚线 Under the floor"], "业务员 Rep"]
    assert sorted(u.split()[-1] for u in under) == sorted(reps.loc[reps["低于处罚线 Below floor"] == "是",
                                                                  "业务员编号 Rep ID"])
    # Ranks follow attainment: the company rank is the row order, ties aside.
    assert list(reps["公司名次 Rank in company"]) == sorted(reps["公司名次 Rank in company"])


def test_attainment_chart_is_a_native_chart_with_tier_lines(closable):
    close(FileWorkbook(closable))
    ws, reps = performance(closable)
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows, start=1) if r[0] == "业务员 Rep")
    last = header + len(reps)
    bars = [s.val.numRef.f for s in chart.series]
    lines = [s.val.numRef.f for c in chart._charts[1:] for s in c.series]
    assert bars == [f"'{SHEET}'!$B${header + 1}:$B${last}"]
    assert lines == [f"'{SHEET}'!${c}${header + 1}:${c}${last}" for c in "CDE"]
    categories = chart.series[0].cat
    assert (categories.numRef or categories.strRef).f == f"'{SHEET}'!$A${header + 1}:$A${last}"
    assert [ws.cell(header, c).value for c in range(2, 6)] == ["达成率 Attainment", "基础线 Base line",
                                                              "挑战线 Challenge line", "冲刺线 Sprint line"]


def test_closing_twice_gives_identical_results(closable):
    close(FileWorkbook(closable))
    first = [list(r) for r in openpyxl.load_workbook(closable)[SHEET].iter_rows(values_only=True)]
    result = close(FileWorkbook(closable))
    assert result.ok
    book = openpyxl.load_workbook(closable)
    assert [list(r) for r in book[SHEET].iter_rows(values_only=True)] == first
    assert book.sheetnames.count(SHEET) == 1


def test_signed_status_from_the_agreement_sheet(closable):
    from salesxl.workbook.contract.breakdown import ISSUED_REP_TARGETS

    issued, _ = read_inputs(FileWorkbook(closable), schemas=[ISSUED_REP_TARGETS])
    rep_ids = list(issued["rep_targets"]["rep_id"])
    close(FileWorkbook(closable))  # signatures unknown: paid, so we can pick a rep who earned something
    _, before = performance(closable)
    # A rep under the company's rules (the must-be-signed rule is one of them) who earned something.
    unsigned = before.loc[(before["奖励 Reward"] > 0) & (before["适用规则 Rule set"] == "全体 everyone"),
                          "业务员编号 Rep ID"].iloc[0]
    book = openpyxl.load_workbook(closable)
    ws = book.create_sheet("目标确认 Agreed Targets")
    ws.append(["目标确认 Agreed Targets"])
    ws.append([])
    ws.append(["业务员编号 Rep ID", "签署 Signed"])
    for rep_id in rep_ids:
        ws.append([rep_id, "否" if rep_id == unsigned else "是"])
    book.save(closable)
    result = close(FileWorkbook(closable))
    assert result.ok
    assert "signature record" not in " ".join(p.message_en for p in result.problems)
    _, table = performance(closable)
    row = table[table["业务员编号 Rep ID"] == unsigned].iloc[0]
    assert row["签署 Signed"] == "否 no"
    assert row["奖励 Reward"] == 0 and row["扣发 Withheld"] > 0
    assert row["扣发 Withheld"] == pytest.approx(row["档位奖金 Tier bonus"] + row["提成 Commission"])
    assert "commitment not signed → reward forfeited" in row["原因说明 Reason (English)"]
    assert set(table.loc[table["业务员编号 Rep ID"] != unsigned, "签署 Signed"]) == {"是 yes"}
    assert (table.loc[table["业务员编号 Rep ID"] != unsigned, "奖励 Reward"] > 0).any()


LEDGER_BY_HOLDER = SheetSchema(
    key="ledger_by_holder", zh="费用台账", en="Expense Ledger", issued=True, required=False,
    columns=(col("rep_id", "业务员编号", "Rep ID", not_blank=False), col("budget", "预算", "Budget", "decimal"),
             col("verified", "已核查支出", "Verified spend", "decimal")))
"""The Expense Ledger's by-holder table, as the expense review wrote it."""


def test_missing_signatures_are_said_and_expenses_are_reviewed_at_the_close(closable):
    result = close(FileWorkbook(closable))
    notices = {(p.cell, p.code) for p in result.problems}
    assert (f"{RULES}!B16", "not-checkable") in notices  # the must-be-signed row
    assert (f"{RULES}!B15", "not-checkable") not in notices  # the expense row: the budget was issued
    ws, reps = performance(closable)
    notes = [ws.cell(r, 1).value or "" for r in range(3, 8)]
    assert any("signature record" in n for n in notes)
    assert any("reviewed at the close as of the month's last day, 2026-12-31" in n for n in notes)
    # Nothing was requested after the expense review ran: the close finds what the Expense Ledger shows.
    ledger, _ = read_inputs(FileWorkbook(closable), schemas=[LEDGER_BY_HOLDER])
    held = ledger["ledger_by_holder"].groupby("rep_id")[["budget", "verified"]].sum()
    shown = reps.set_index("业务员编号 Rep ID")
    for rep_id, row in held.iterrows():
        assert (shown.loc[rep_id, "费用预算 Expense budget"], shown.loc[rep_id, "已用费用 Expense used"]) == \
            (pytest.approx(row["budget"]), pytest.approx(row["verified"]))


# ---- bad input: located, and the file untouched ----

def failed_close(path, **options):
    before = digest(path)
    result = close(FileWorkbook(path), **options)
    assert not result.ok and result.written == []
    assert digest(path) == before
    return [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"]


def clear_actuals(path):
    book = openpyxl.load_workbook(path)
    ws = book[ACTUALS]
    ws.delete_rows(2, ws.max_row)
    book.save(path)


def test_closing_without_actuals_is_a_clear_error(closable):
    clear_actuals(closable)
    assert failed_close(closable) == [(ACTUALS, None, "no-actuals")]


def test_closing_another_month_names_the_targets_month(closable):
    found = failed_close(closable, month=pd.Period("2027-01", "M"))
    rows = [list(r) for r in openpyxl.load_workbook(closable)["业务员目标 Rep Targets"].iter_rows(values_only=True)]
    first = next(i for i, r in enumerate(rows, start=1) if r[0] == "月份 Month") + 1
    assert found == [(f"业务员目标 Rep Targets!A{first}", "月份 Month", "targets-other-month"),
                     (ACTUALS, None, "no-actuals")]


def test_closing_before_the_breakdown_names_the_missing_sheet(workbook):
    assert ("业务员目标 Rep Targets", None, "missing-sheet") in failed_close(workbook)


@pytest.mark.parametrize("changes, expected", [
    ({f"{RULES}!B2": "明星"}, (f"{RULES}!B2", "规则 Rule", "not-a-choice")),
    ({f"{RULES}!E2": None}, (f"{RULES}!E2", "金额 Amount", "rule-needs-value")),
    ({f"{RULES}!A2": "火星"}, (f"{RULES}!A2", "适用范围 Applies to", "unknown-scope")),
    ({f"{RULES}!H6": "整体"}, (f"{RULES}!H6", "方式 Mode", "mixed-modes")),
    ({f"{RULES}!F5": "a lot"}, (f"{RULES}!F5", "比例 Rate", "not-a-number")),
    ({f"{ACTUALS}!F3": "abc"}, (f"{ACTUALS}!F3", "金额 Amount", "not-a-number")),
    ({f"{ACTUALS}!B4": "R999"}, (f"{ACTUALS}!B4", "业务员编号 Rep ID", "unknown-reference")),
    ({f"{ACTUALS}!A5": "2026/13/45"}, (f"{ACTUALS}!A5", "日期 Date", "not-a-date")),
    # The expense condition reviews the requests at the close: a request nobody can be placed for stops it.
    ({"费用申请 Expense Requests!D2": "无名氏"}, ("费用申请 Expense Requests!D2", "申请人 Requester", "unknown-requester")),
])
def test_bad_input_is_located_and_nothing_is_written(closable, changes, expected):
    edit(closable, changes)
    assert failed_close(closable) == [expected]


def test_an_ambiguous_threshold_is_refused_at_its_cell_and_105_percent_is_read(closable):
    """The company's accelerator (row 9) typed as a bare 1.05 in a cell without a percentage format: 105 % or
    1.05 %? Refused, located, nothing written. Typed 105%, it is read as 105 %."""
    book = openpyxl.load_workbook(closable)
    cell = book[RULES]["D9"]
    cell.value, cell.number_format = 1.05, "General"
    book.save(closable)
    before = digest(closable)
    result = close(FileWorkbook(closable))
    assert [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"] == [
        (f"{RULES}!D9", "门槛 Threshold", "ambiguous-percent")]
    assert "Type 105% or 1.05%" in result.problems[0].message_en
    assert not result.ok and digest(closable) == before
    edit(closable, {f"{RULES}!D9": "105%"})
    assert close(FileWorkbook(closable)).ok
    lines = pay_lines(closable)
    accelerated = lines[lines["规则 Rule"] == "加速 accelerator"]
    assert len(accelerated) and (accelerated["规则行 Rule row"] == 9).all()
    assert all("above 105%" in text for text in accelerated["明细说明 Detail (English)"])


def test_a_rep_without_a_target_and_a_rep_hired_mid_month_are_said_on_the_sheet(closable):
    book = openpyxl.load_workbook(closable)
    targets = book["业务员目标 Rep Targets"]
    header = next(r for r in range(1, 40) if targets.cell(r, 1).value == "月份 Month")
    nobody = targets.cell(header + 1, 2).value
    for column in range(5, 9):  # target, base, challenge, sprint
        targets.cell(header + 1, column).value = 0
    reps = book["业务员 Reps"]
    hired = next(r[0].value for r in reps.iter_rows(min_row=2) if r[0].value != nobody and r[4].value == "是")
    next(r for r in reps.iter_rows(min_row=2) if r[0].value == hired)[6].value = dt.datetime(2026, 12, 15)
    book.save(closable)
    result = close(FileWorkbook(closable))
    assert result.ok
    assert (f"业务员目标 Rep Targets!E{header + 1}", "no-target", "warning") in \
        [(p.cell, p.code, p.severity) for p in result.problems]
    _, reps = performance(closable)
    lines = pay_lines(closable)
    zero = reps[reps["业务员编号 Rep ID"] == nobody].iloc[0]
    assert (zero["净发放 Net payout"], pd.isna(zero["达成率 Attainment"])) == (0, True)
    # 0.8 % of the rep's sales from the first yuan would have been paid with a target; the line says it is not.
    would = round(zero["实际 Actual"] * 0.008 + 1e-9, 2)
    assert zero["原因说明 Reason (English)"] == (
        f"no target: not settled; the commission from the first yuan, {zero['实际 Actual']:,.0f} × 0.8% = "
        f"{would:,.2f}, is not paid")
    assert lines.loc[lines["业务员编号 Rep ID"] == nobody, "规则 Rule"].tolist() == ["目标 Target"]
    new = lines[lines["业务员编号 Rep ID"] == hired]
    assert new.iloc[-1]["明细说明 Detail (English)"] == "hired 2026-12-15: the issued target stands, not pro-rated"
    assert new.iloc[-1]["金额 Amount"] == 0


def test_without_an_expense_rule_the_close_does_not_depend_on_the_expense_books(closable):
    edit(closable, {f"{RULES}!B15": "须签署 signed", "费用申请 Expense Requests!D2": "无名氏"})
    result = close(FileWorkbook(closable))
    assert result.ok, [p.message_en for p in result.problems if p.severity == "error"]
    _, reps = performance(closable)
    assert reps["费用预算 Expense budget"].isna().all()


def test_a_rep_selling_without_a_target_is_a_warning(closable):
    inputs, _ = read_inputs(FileWorkbook(closable), only=["reps", "regions"])
    gone = inputs["reps"].loc[~inputs["reps"]["active"].astype(bool), "rep_id"].iloc[0]
    edit(closable, {f"{ACTUALS}!B2": gone})  # the rep who left: on the Reps sheet, no target this month
    result = close(FileWorkbook(closable))
    assert result.ok
    assert (f"{ACTUALS}!B2", "业务员编号 Rep ID", "rep-without-target", "warning") in \
        [(p.cell, p.header, p.code, p.severity) for p in result.problems]


# ---- the command line ----

def test_cli_close_exit_codes(closable):
    assert runner.invoke(app, ["close", str(closable), "--month", "2026-13"]).exit_code == 2
    done = runner.invoke(app, ["close", str(closable), "--month", "2026-12"])
    assert done.exit_code == 0, done.output
    assert f"wrote: {SHEET}" in done.output
    clear_actuals(closable)
    before = digest(closable)
    failed = runner.invoke(app, ["close", str(closable)])
    assert failed.exit_code == 1 and ACTUALS in failed.output
    assert digest(closable) == before


def test_the_expense_condition_counts_requests_made_after_the_ledger_was_written(closable):
    """The Expense Ledger was written by the expense review from the requests of the first 18 days; a rep's
    request verified on the 30th is in the close's review (as of the 31st), though not in that ledger."""
    ledger = sheet_values(closable, "费用台账 Expense Ledger")
    close(FileWorkbook(closable))
    _, reps = performance(closable)
    rep = reps[reps["适用规则 Rule set"] == "全体 everyone"].iloc[0]  # the company's rules: 50 % of any overspend
    rep_id, budget, used = rep["业务员编号 Rep ID"], rep["费用预算 Expense budget"], rep["已用费用 Expense used"]
    late = round(budget - used + 1000, 2)  # brings the rep exactly 1,000 over budget
    book = openpyxl.load_workbook(closable)
    ws = book["费用申请 Expense Requests"]
    category = next(r[4] for r in ws.iter_rows(min_row=2, values_only=True) if r[3] == rep_id)
    ws.append(["FY2612-LATE", dt.datetime(2026, 12, 30), "业务员→区域 rep", rep_id, category, late, "年底拜访 year-end visits",
               None, "已批准 approved", None, None, None, late, "票据齐全 receipts complete"])
    book.save(closable)
    assert close(FileWorkbook(closable)).ok
    _, after = performance(closable)
    row = after[after["业务员编号 Rep ID"] == rep_id].iloc[0]
    assert row["已用费用 Expense used"] == pytest.approx(budget + 1000)
    # 1,000 over budget × 50 % = 500 deducted, on its own pay line.
    assert row["扣款 Penalty"] == rep["扣款 Penalty"] + 500
    lines = pay_lines(closable)
    expense = lines[(lines["业务员编号 Rep ID"] == rep_id) & (lines["规则 Rule"] == "费用条件 expense")].iloc[0]
    assert (expense["基数 Base"], expense["比例 Rate"], expense["金额 Amount"]) == (1000, 0.5, -500)
    assert expense["规则行 Rule row"] == 15
    assert sheet_values(closable, "费用台账 Expense Ledger") == ledger  # the close writes only Performance


def sheet_values(path, name: str) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]
