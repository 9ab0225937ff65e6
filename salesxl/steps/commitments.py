"""军令状 Commitments: each rep's printable commitment, from the targets as released.

Reads the released rep, product and outlet targets back (``ISSUED_SHEETS``) —
after ``salesxl agree`` these are the agreed targets — with the Reps, Products
and Outlets sheets for names and managers, and writes ``军令状 Commitments``
(:mod:`salesxl.reports.commitments`). The incentive rules and the expense
budget are added when the workbook has them (the close and expense steps read and
write them), read through their declared schemas.
With ``pdf_dir``, each rep's page is exported to a PDF of its own.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ..core.agreement import blank
from ..core.settings import DEFAULT_CURRENCY
from ..problems import Problem, ProblemsFound, has_errors, problem
from ..reports.commitments import Commitment, commitments_sheet
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, locate, read_inputs
from ..terms import ROLE_LABEL
from ..workbook.schema import Column
from ..workbook.contract.agree import ISSUED_AGREED_TARGETS
from ..workbook.contract.breakdown import ISSUED_SHEETS
from ..workbook.contract.close import INCENTIVE_RULES
from ..workbook.contract.expenses import ISSUED_EXPENSE_BUDGET
from . import Progress, StepResult, quiet, run_step

TIER_ROWS = (("base", "基础 Base", "tier_base"), ("challenge", "挑战 Challenge", "tier_challenge"),
             ("sprint", "冲刺 Sprint", "tier_sprint"))
EXPENSE_BUDGET = replace(ISSUED_EXPENSE_BUDGET, required=False)
"""The expense step's budget, when it has run: each rep's page then shows the rep's budget."""


def commitments(book: WorkbookBackend, progress: Progress = quiet, pdf_dir: Path | None = None,
                pdf_converter: Any = None) -> StepResult:
    """军令状 Commitments: write the commitment sheet (and, with ``pdf_dir``, a PDF per rep).

    ``pdf_converter`` makes the PDFs (default: LibreOffice); the ribbon passes
    Excel's own export (:func:`salesxl.workbook.pdf.excel_pdf`).
    """
    pages_written: list[Commitment] = []
    currency = [DEFAULT_CURRENCY]

    def plan(inputs: Inputs):
        issued, problems = read_inputs(book, schemas=ISSUED_SHEETS + (ISSUED_AGREED_TARGETS, EXPENSE_BUDGET),
                                       only=("rep_targets", "rep_sku_targets", "outlet_targets", "agreed_targets",
                                             "expense_budget"))
        if has_errors(problems):
            return [], problems, ""
        pages, found = build_pages(inputs, issued)
        problems += locate(found, issued)
        if not pages:
            problems.append(problem(None, None, None, "no-reps", "下达表中没有业务员目标", "no rep targets were released"))
        if has_errors(problems):
            return [], problems, ""
        pages_written.extend(pages)
        currency[0] = str(inputs.settings.currency)
        return [commitments_sheet(pages, currency[0])], problems, f"{len(pages)} 份军令状 commitments ({pages[0].month})"

    result = run_step(book, ("settings", "reps", "products", "outlets", "incentive_rules"), plan, progress)
    if result.ok and pdf_dir is not None:
        from ..workbook.pdf import export_pdfs
        progress("导出 PDF Exporting PDFs")
        outputs = [(f"军令状_{p.rep_id}_{p.name}", commitments_sheet([p], currency[0])) for p in pages_written]
        try:
            paths = export_pdfs(outputs, Path(pdf_dir), converter=pdf_converter)
        except ProblemsFound as found:  # no LibreOffice: the sheet is written all the same, say so
            result.problems += found.problems
        else:
            result.summary += f"; PDF: {len(paths)} 个文件 files in {pdf_dir}"
    return result


def build_pages(inputs: Inputs, issued: Inputs) -> tuple[list[Commitment], list[Problem]]:
    problems: list[Problem] = []
    settings = inputs.settings
    month = pd.Period(settings.plan_month, freq="M")
    reps = issued.tables["rep_targets"]
    reps = reps[[m is not None and pd.Period(m, freq="M") == month for m in reps["month"]]]
    agreed = issued.tables["agreed_targets"]
    agreed = agreed[[m is not None and pd.Period(m, freq="M") == month for m in agreed["month"]]]
    if not len(agreed):
        problems.append(problem("agreed_targets", None, None, "not-agreed",
                                "本月目标尚未确认（salesxl agree）；军令状按已下达的草案目标填写",
                                "this month's targets are not agreed yet (salesxl agree); the commitments show the "
                                "released draft", "warning"))
    signed = dict(zip(agreed["rep_id"], agreed["signed"])) if len(agreed) else {}
    managers = inputs.tables["reps"].set_index("rep_id")["manager"].to_dict()
    products = inputs.tables["products"].set_index("sku")
    outlets = inputs.tables["outlets"].set_index("outlet_id")["name"].to_dict()
    rep_skus = issued.tables["rep_sku_targets"]
    core = issued.tables["outlet_targets"]
    core = core[core["core"].fillna(False).astype(bool)]
    rules = rule_lines(inputs.tables["incentive_rules"])
    budgets = expense_budgets(issued.tables["expense_budget"])
    # Each rep's lines are picked out once for all (a filter over the whole table per rep is quadratic).
    sku_lines = rep_lines(rep_skus, lambda rows: pd.DataFrame({
        "sku": rows["sku"], "product": rows["sku"].map(products["name"]),
        "role": rows["role"].map(ROLE_LABEL).fillna(rows["role"]), "target": rows["sku_target"]}))
    outlet_lines = rep_lines(core, lambda rows: pd.DataFrame({
        "outlet_id": rows["outlet_id"], "outlet": rows["outlet_id"].map(outlets), "target": rows["outlet_target"]}))
    pages = []
    for _, rep in reps.iterrows():
        rep_id = rep["rep_id"]
        tiers = pd.DataFrame([{"tier": label, "multiplier": float(getattr(settings, key)), "target": rep[tier]}
                              for tier, label, key in TIER_ROWS])
        skus, outlet_table = sku_lines(rep_id), outlet_lines(rep_id)
        manager = managers.get(rep_id)
        pages.append(Commitment(
            rep_id=str(rep_id), name=str(rep["name"] or ""), region=str(rep["region"]),
            manager=None if manager is None or pd.isna(manager) else str(manager), month=month,
            target=float(rep["target"]), tiers=tiers, products=skus.reset_index(drop=True),
            core_outlets=outlet_table.reset_index(drop=True),
            rules=rules_for(rules, str(rep_id), str(rep["region"])),
            expense_budget=budgets.get(str(rep_id)), signed=bool(signed.get(rep_id, False))))
    return pages, problems


def rep_lines(table: pd.DataFrame, shown: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Any], pd.DataFrame]:
    """``lines(rep_id)``: the rows of ``shown(table)`` whose ``rep_id`` is that rep, in the table's order.

    ``shown`` works row by row (each row's figures from its own cells), so it is applied to the whole
    table once and each rep's rows are picked out of the result, instead of filtering and showing per rep.
    """
    everything = shown(table)
    groups = table.groupby(table["rep_id"].astype(object), sort=False, dropna=True).indices

    def lines(rep_id) -> pd.DataFrame:
        rows = groups.get(rep_id)
        return everything.iloc[0:0].copy() if rows is None else everything.iloc[rows]
    return lines


def rule_lines(rules: pd.DataFrame) -> list[tuple[str, str]]:
    """``(scope, text)`` for every row of 激励规则 Incentive Rules, read through its schema.

    The text is the row's filled cells as ``header: value`` (choices by their Chinese label,
    percentages as percentages); the scope (适用范围) is blank for everyone, or a region or rep ID.
    """
    lines = []
    for _, row in rules.iterrows():
        filled = [f"{column.zh}: {shown(column, row[column.key])}" for column in INCENTIVE_RULES.columns
                  if column.key != "scope" and not blank(row[column.key])]
        scope = "" if blank(row["scope"]) else str(row["scope"]).strip()
        lines.append((scope, "；".join(filled)))
    return lines


def rules_for(rules: list[tuple[str, str]], rep_id: str, region: str) -> list[str]:
    """The rules a rep follows: only the most specific set, as at the close (rep > region > everyone)."""
    for scope in (rep_id, region, ""):
        lines = [line for where, line in rules if where == scope]
        if lines:
            return lines
    return []


def shown(column: Column, value: Any) -> str:
    if column.choices:
        choice = column.choice_for(value)
        return choice.zh if choice else str(value)
    if column.type == "percent":
        return f"{float(value):.1%}".replace(".0%", "%")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def expense_budgets(budget: pd.DataFrame) -> dict[str, float]:
    """Each rep's expense budget (the lines a rep holds) from the issued 费用预算 Expense Budget."""
    held = budget[budget["level"] == "rep"]
    return {str(rep): float(total) for rep, total in held.groupby("rep_id")["budget"].sum().items()}
