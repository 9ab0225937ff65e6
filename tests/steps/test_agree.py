"""Issue, agree and commitments end to end on the small demo workbook."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from salesxl.steps.agree import agree, issue_draft
from salesxl.steps.breakdown import breakdown
from salesxl.steps.commitments import commitments
from salesxl.steps.expenses import expenses
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.pdf import find_soffice
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.breakdown import ISSUED_SHEETS
from salesxl.workbook.contract.expenses import ISSUED_EXPENSE_BUDGET
from tests.conftest import digest

FEEDBACK = "反馈 Feedback"
AGREED = "目标确认 Agreed Targets"
NOW = dt.datetime(2026, 11, 25, 9, 30)


@pytest.fixture(scope="module")
def issued_file(tmp_path_factory, small_demo_file) -> Path:
    path = tmp_path_factory.mktemp("issued") / "issued.xlsx"
    shutil.copy(small_demo_file, path)
    result = issue_draft(FileWorkbook(path))
    assert result.ok, result.problems
    return path


@pytest.fixture
def issued(tmp_path, issued_file) -> Path:
    path = tmp_path / "plan.xlsx"
    shutil.copy(issued_file, path)
    return path


def table(path: Path, sheet: str) -> tuple[int, dict[str, int], list[tuple]]:
    """Header row, column number by header, and the rows of the first table (to the totals row)."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[1] == "业务员编号 Rep ID")
    columns = {h: j + 1 for j, h in enumerate(rows[top]) if h}
    body = []
    for r in rows[top + 1:]:
        if r[0] in (None, "合计 Total"):
            break
        body.append(r)
    return top + 1, columns, body


def answer(path: Path, answers: dict[str, dict[str, object]], sheet: str = FEEDBACK) -> dict[str, int]:
    """Type answers on the Feedback sheet by rep: ``{"R002": {"提议目标 Proposed target": 1000}}``."""
    top, columns, body = table(path, sheet)
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    rows = {}
    for i, r in enumerate(body, start=top + 1):
        rows[r[1]] = i
        for header, value in answers.get(r[1], {}).items():
            ws.cell(row=i, column=columns[header], value=value)
    book.save(path)
    return rows


def drafts(path: Path) -> dict[str, float]:
    _, columns, body = table(path, FEEDBACK)
    return {r[1]: r[columns["草案目标 Draft target"] - 1] for r in body}


def test_issue_writes_one_row_per_active_rep_and_reissue_keeps_answers(issued):
    inputs, _ = read_inputs(FileWorkbook(issued), only=["reps"])
    active = inputs["reps"][inputs["reps"]["active"]]["rep_id"].tolist()
    first = drafts(issued)
    assert sorted(first) == sorted(active)
    rep = active[1]
    answer(issued, {rep: {"提议目标 Proposed target": 1234, "理由 Reason": "闭店 closing",
                          "主管决定 Manager decision": "接受提议"}})
    result = issue_draft(FileWorkbook(issued))
    assert result.ok, result.problems
    _, columns, body = table(issued, FEEDBACK)
    row = next(r for r in body if r[1] == rep)
    assert row[columns["提议目标 Proposed target"] - 1] == 1234
    assert row[columns["理由 Reason"] - 1] == "闭店 closing"
    assert row[columns["主管决定 Manager decision"] - 1] == "接受提议 Accept proposal"
    assert row[columns["反馈时草案 Draft at feedback"] - 1] == first[rep]
    assert row[columns["草案已变 Draft changed"] - 1] is None  # same inputs, same draft
    assert drafts(issued) == first


def test_agree_rebalances_records_rounds_and_keeps_signatures(issued):
    """One rep accepts 80 % of the draft: the others carry the cut in proportion; the total is unchanged."""
    before = drafts(issued)
    reps = list(before)
    cut = round(before[reps[0]] * 0.8)
    answer(issued, {reps[0]: {"提议目标 Proposed target": cut, "主管决定 Manager decision": "accept"}})
    result = agree(FileWorkbook(issued), by="经理甲", now=NOW)
    assert result.ok, result.problems
    assert "目标确认 Agreed Targets" in result.written and "业务员目标 Rep Targets" in result.written
    _, columns, body = table(issued, AGREED)
    agreed = {r[1]: r[columns["确认目标 Agreed target"] - 1] for r in body}
    assert agreed[reps[0]] == cut
    assert sum(agreed.values()) == sum(before.values())
    assert all(agreed[r] >= before[r] for r in reps[1:])

    # The release follows the agreed targets, and the breakdown step keeps them from now on.
    issued_back, _ = read_inputs(FileWorkbook(issued), schemas=ISSUED_SHEETS, only=["rep_targets"])
    assert dict(zip(issued_back["rep_targets"]["rep_id"], issued_back["rep_targets"]["target"])) == agreed
    assert breakdown(FileWorkbook(issued)).ok
    issued_back, _ = read_inputs(FileWorkbook(issued), schemas=ISSUED_SHEETS, only=["rep_targets"])
    assert dict(zip(issued_back["rep_targets"]["rep_id"], issued_back["rep_targets"]["target"])) == agreed

    # A signature typed on the sheet survives the next round when the figure is unchanged.
    answer(issued, {reps[1]: {"签署 Signed": "是", "签署日期 Signed date": dt.date(2026, 11, 26)}}, sheet=AGREED)
    assert agree(FileWorkbook(issued), by="经理乙", now=NOW).ok
    _, columns, body = table(issued, AGREED)
    signed = {r[1]: (r[columns["签署 Signed"] - 1], r[columns["签署日期 Signed date"] - 1]) for r in body}
    assert signed[reps[1]] == ("是", dt.datetime(2026, 11, 26))
    assert signed[reps[2]] == ("否", None)
    previous = {r[1]: r[columns["上轮确认 Previous round"] - 1] for r in body}
    assert previous == agreed

    book = openpyxl.load_workbook(issued)
    versions = [r for r in book["版本 Versions"].iter_rows(values_only=True) if r[1] == "agree 确认目标"]
    assert [v[3].split(";")[:2] for v in versions] == [["round=1", " by=经理甲"], ["round=2", " by=经理乙"]]
    assert [v[5] for v in versions] == [sum(before.values())] * 2
    history = book["目标确认历史 Agreement History"]
    assert history.sheet_state == "hidden"
    rounds = [r[0] for r in history.iter_rows(min_row=6, values_only=True) if r[0] is not None]
    assert rounds == [1] * len(reps) + [2] * len(reps)


@pytest.mark.parametrize("header, value, code", [
    ("提议目标 Proposed target", -5, "below-minimum"),
    ("提议目标 Proposed target", "很多", "not-a-number"),
    ("主管决定 Manager decision", "主管核定", "manager-figure-missing"),
])
def test_bad_feedback_is_located_and_nothing_is_written(issued, header, value, code):
    reps = list(drafts(issued))
    rows = answer(issued, {reps[2]: {header: value}})
    before = digest(issued)
    result = agree(FileWorkbook(issued), by="x", now=NOW)
    assert not result.ok
    errors = [p for p in result.problems if p.severity == "error"]
    column = "I" if code == "manager-figure-missing" else "F"
    assert [(p.cell, p.code) for p in errors] == [(f"{FEEDBACK}!{column}{rows[reps[2]]}", code)]
    assert digest(issued) == before


def test_duplicate_and_unknown_rep_rows_are_errors(issued):
    top, columns, body = table(issued, FEEDBACK)
    book = openpyxl.load_workbook(issued)
    ws = book[FEEDBACK]
    last = top + len(body)
    ws.insert_rows(last + 1, 2)
    for j, value in enumerate(body[0], start=1):
        ws.cell(row=last + 1, column=j, value=value)
        ws.cell(row=last + 2, column=j, value=value)
    ws.cell(row=last + 2, column=2, value="R999")
    book.save(issued)
    before = digest(issued)
    result = agree(FileWorkbook(issued), by="x", now=NOW)
    errors = [(p.cell, p.code) for p in result.problems if p.severity == "error"]
    assert errors == [(f"{FEEDBACK}!A{last + 1}", "duplicate-key")]
    assert digest(issued) == before

    book = openpyxl.load_workbook(issued)  # without the duplicate, the unknown rep is the error
    book[FEEDBACK].delete_rows(last + 1)
    book.save(issued)
    before = digest(issued)
    result = agree(FileWorkbook(issued), by="x", now=NOW)
    errors = [(p.cell, p.code) for p in result.problems if p.severity == "error"]
    assert errors == [(f"{FEEDBACK}!B{last + 1}", "feedback-unknown-rep")]
    assert digest(issued) == before


@pytest.fixture(scope="module")
def agreed_file(tmp_path_factory, issued_file) -> Path:
    path = tmp_path_factory.mktemp("agreed") / "agreed.xlsx"
    shutil.copy(issued_file, path)
    assert agree(FileWorkbook(path), by="lead", now=NOW).ok
    return path


def test_commitment_page_for_one_rep_cell_by_cell(tmp_path, agreed_file):
    path = tmp_path / "plan.xlsx"
    shutil.copy(agreed_file, path)
    result = commitments(FileWorkbook(path))
    assert result.ok, result.problems
    inputs, _ = read_inputs(FileWorkbook(path), schemas=ISSUED_SHEETS,
                            only=["rep_targets", "rep_sku_targets", "outlet_targets"])
    rep = inputs["rep_targets"].iloc[0]
    reps, _ = read_inputs(FileWorkbook(path), only=["reps"])
    manager = reps["reps"].set_index("rep_id").at[rep["rep_id"], "manager"]
    ws = openpyxl.load_workbook(path)["军令状 Commitments"]
    cells = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]  # blank rows dropped
    assert cells[0][0] == "军令状 Commitments"
    assert cells.pop(1)[0].startswith("月份 Month 2026-12 · 运行 Run ")  # the house style's run line
    assert cells[2][0] == f"军令状 Commitment — {rep['rep_id']} {rep['name']} · 2026-12"
    assert [r[:2] for r in cells[3:10]] == [
        ("项目 Item", "内容 Value"), ("业务员 Rep", f"{rep['rep_id']} {rep['name']}"),
        ("区域 Region", rep["region"]), ("主管 Manager", manager), ("月份 Month", "2026-12"),
        ("确认目标 Agreed target (CNY)", f"{rep['target']:,.2f}"), ("签署状态 Signed", "未签署 not yet signed")]
    assert cells[10][0] == "三档目标 Base / challenge / sprint"
    assert [r[:3] for r in cells[12:15]] == [("基础 Base", 1, rep["base"]), ("挑战 Challenge", 1.1, rep["challenge"]),
                                             ("冲刺 Sprint", 1.2, rep["sprint"])]
    skus = inputs["rep_sku_targets"][inputs["rep_sku_targets"]["rep_id"] == rep["rep_id"]]
    assert cells[15][0] == "产品目标 Target by product"
    assert [(r[0], r[3]) for r in cells[17:17 + len(skus)]] == list(zip(skus["sku"], skus["sku_target"]))
    after = cells[17 + len(skus)]
    assert after[0] == "合计 Total"
    core = inputs["outlet_targets"][(inputs["outlet_targets"]["rep_id"] == rep["rep_id"])
                                    & inputs["outlet_targets"]["core"]]
    text = [r[0] for r in cells]
    start = text.index("核心店目标 Target by core outlet")
    assert [(r[0], r[2]) for r in cells[start + 2:start + 2 + len(core)]] == list(
        zip(core["outlet_id"], core["outlet_target"]))
    sign = text.index("签字 Signatures")
    assert [r[:2] for r in cells[sign + 2:sign + 4]] == [("业务员 Rep", rep["name"]), ("主管 Manager", manager)]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$1"
    assert len(ws.row_breaks.brk) == len(inputs["rep_targets"]) - 1


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_commitments_export_one_pdf_per_rep(tmp_path, agreed_file):
    path = tmp_path / "plan.xlsx"
    shutil.copy(agreed_file, path)
    result = commitments(FileWorkbook(path), pdf_dir=tmp_path / "pdf")
    assert result.ok, result.problems
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    inputs, _ = read_inputs(FileWorkbook(path), schemas=ISSUED_SHEETS, only=["rep_targets"])
    assert len(pdfs) == len(inputs["rep_targets"])
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in pdfs)


def test_commitment_pages_show_the_rules_each_rep_follows_and_the_expense_budget(tmp_path, agreed_file):
    """Like the close, a rep follows only the most specific rule set (rep > region > everyone): on the demo,
    R007 has a rule set of its own (4 rows), R004 is in 西南 (6 rows), R001 follows everyone's 15 rows.
    After the expense step, a rep's budget is the sum of the budget lines the rep holds."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(agreed_file, path)
    assert expenses(FileWorkbook(path)).ok
    assert commitments(FileWorkbook(path)).ok
    budget, _ = read_inputs(FileWorkbook(path), schemas=[ISSUED_EXPENSE_BUDGET])
    lines = budget["expense_budget"]
    ws = openpyxl.load_workbook(path)["军令状 Commitments"]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]

    def page(rep_id):
        start = next(i for i, r in enumerate(rows) if str(r[0]).startswith(f"军令状 Commitment — {rep_id} "))
        end = next((i for i, r in enumerate(rows) if i > start and str(r[0]).startswith("军令状 Commitment — ")),
                   len(rows))
        return rows[start:end]

    def rules(rep_id):
        mine = page(rep_id)
        top = next(i for i, r in enumerate(mine) if r[0] == "奖惩规则 Reward and penalty rules")
        return [r[0] for r in mine[top + 1:] if r[0] and not str(r[0]).startswith(("承诺", "签字", "本人"))
                and r[0] not in ("签署人 Signed by",)][:20]

    r007 = rules("R007")
    assert r007[:4] == ["规则: 提成；门槛: 60%；金额: 2,000；比例: 30%；方式: 曲线；说明: 新人曲线 new-rep curve",
                        "规则: 提成；门槛: 100%；金额: 2,000；比例: 100%；方式: 曲线",
                        "规则: 提成；门槛: 130%；金额: 2,000；比例: 160%；方式: 曲线",
                        "规则: 封顶；金额: 4,000"]
    assert "规则: 档位奖金；档位: 基础；金额: 1,000；说明: 培育市场 developing market" in rules("R004")
    assert not any("新人曲线" in line or "培育市场" in line for line in rules("R001"))
    assert "规则: 提成；门槛: 0%；比例: 0.8%；方式: 分段；说明: 从第一元起 from the first yuan" in rules("R001")
    held = lines[(lines["level"] == "rep") & (lines["rep_id"] == "R001")]["budget"].sum()
    assert held > 0
    assert ("费用预算 Expense budget (CNY)", f"{held:,.2f}") in [r[:2] for r in page("R001")]
