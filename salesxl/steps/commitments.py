"""军令状 Commitments: each rep's printable commitment, from the targets as released.

Reads the released rep, product and outlet targets back (``ISSUED_SHEETS``) —
after ``salesxl agree`` these are the agreed targets — with the Reps, Products
and Outlets sheets for names and managers, and writes ``军令状 Commitments``
(:mod:`salesxl.reports.commitments`). The incentive rules and the expense
budget are added when the workbook has those sheets (other steps write them).
With ``pdf_dir``, each rep's page is exported to a PDF of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..problems import Problem, ProblemsFound, has_errors, problem
from ..reports.commitments import Commitment, commitments_sheet
from ..workbook.backend import RawSheet, WorkbookBackend
from ..workbook.reader import Inputs, locate, read_inputs
from ..workbook.schema import normalise_label
from ..workbook.sheets import ISSUED_AGREED_TARGETS, ISSUED_SHEETS, ROLES
from . import Progress, StepResult, quiet, run_step

ROLE_LABEL = {c.key: c.label for c in ROLES}
TIER_ROWS = (("base", "基础 Base", "tier_base"), ("challenge", "挑战 Challenge", "tier_challenge"),
             ("sprint", "冲刺 Sprint", "tier_sprint"))
RULES_SHEET = "激励规则 Incentive Rules"
EXPENSE_SHEET = "费用预算 Expense Budget"


def commitments(book: WorkbookBackend, progress: Progress = quiet, pdf_dir: Path | None = None) -> StepResult:
    """军令状 Commitments: write the commitment sheet (and, with ``pdf_dir``, a PDF per rep)."""
    pages_written: list[Commitment] = []
    currency = ["CNY"]

    def plan(inputs: Inputs):
        issued, problems = read_inputs(book, schemas=ISSUED_SHEETS + (ISSUED_AGREED_TARGETS,),
                                       only=("rep_targets", "rep_sku_targets", "outlet_targets", "agreed_targets"))
        if has_errors(problems):
            return [], problems, ""
        pages, found = build_pages(inputs, issued, book)
        problems += locate(found, issued)
        if not pages:
            problems.append(problem(None, None, None, "no-reps", "下达表中没有业务员目标", "no rep targets were released"))
        if has_errors(problems):
            return [], problems, ""
        pages_written.extend(pages)
        currency[0] = str(inputs.settings.get("currency") or "CNY")
        return [commitments_sheet(pages, currency[0])], problems, f"{len(pages)} 份军令状 commitments ({pages[0].month})"

    result = run_step(book, ("settings", "reps", "products", "outlets"), plan, progress)
    if result.ok and pdf_dir is not None:
        from ..workbook.pdf import export_pdfs
        progress("导出 PDF Exporting PDFs")
        outputs = [(f"军令状_{p.rep_id}_{p.name}", commitments_sheet([p], currency[0])) for p in pages_written]
        try:
            paths = export_pdfs(outputs, Path(pdf_dir))
        except ProblemsFound as found:  # no LibreOffice: the sheet is written all the same, say so
            result.problems += found.problems
        else:
            result.summary += f"; PDF: {len(paths)} 个文件 files in {pdf_dir}"
    return result


def build_pages(inputs: Inputs, issued: Inputs, book: WorkbookBackend) -> tuple[list[Commitment], list[Problem]]:
    problems: list[Problem] = []
    settings = inputs.settings
    month = pd.Period(settings["plan_month"], freq="M")
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
    rules = rule_lines(book)
    budgets = expense_budgets(book)
    pages = []
    for _, rep in reps.iterrows():
        rep_id = rep["rep_id"]
        tiers = pd.DataFrame([{"tier": label, "multiplier": float(settings.get(key) or 0.0), "target": rep[tier]}
                              for tier, label, key in TIER_ROWS])
        skus = rep_skus[rep_skus["rep_id"] == rep_id]
        skus = pd.DataFrame({"sku": skus["sku"], "product": skus["sku"].map(products["name"]),
                             "role": skus["role"].map(ROLE_LABEL).fillna(skus["role"]), "target": skus["sku_target"]})
        mine = core[core["rep_id"] == rep_id]
        outlet_table = pd.DataFrame({"outlet_id": mine["outlet_id"], "outlet": mine["outlet_id"].map(outlets),
                                     "target": mine["outlet_target"]})
        manager = managers.get(rep_id)
        pages.append(Commitment(
            rep_id=str(rep_id), name=str(rep["name"] or ""), region=str(rep["region"]),
            manager=None if manager is None or pd.isna(manager) else str(manager), month=month,
            target=float(rep["target"]), tiers=tiers, products=skus.reset_index(drop=True),
            core_outlets=outlet_table.reset_index(drop=True),
            rules=[line for scope, line in rules if scope in ("", str(rep_id), str(rep["region"]))],
            expense_budget=budgets.get(str(rep_id)), signed=bool(signed.get(rep_id, False))))
    return pages, problems


def find_raw(book: WorkbookBackend, name: str) -> RawSheet | None:
    wanted = normalise_label(name)
    for sheet in book.sheet_names():
        if normalise_label(sheet) in (wanted, normalise_label(name.split(" ", 1)[0]),
                                      normalise_label(name.split(" ", 1)[-1])):
            return book.read_sheet(sheet)
    return None


def header_index(rows: list[list[Any]], *needles: str) -> tuple[int, dict[str, int]] | None:
    """The first row (0-based) whose cells contain every needle, with the column of each."""
    for r, row in enumerate(rows[:20]):
        cells = [normalise_label(c) if c is not None else "" for c in row]
        found = {}
        for needle in needles:
            j = next((j for j, c in enumerate(cells) if normalise_label(needle) in c), None)
            if j is None:
                break
            found[needle] = j
        else:
            return r, found
    return None


def rule_lines(book: WorkbookBackend) -> list[tuple[str, str]]:
    """``(scope, text)`` for every row of the incentive rules sheet, if the workbook has one.

    The text is the row's filled cells as ``header: value``; the scope (适用范围) is blank
    for everyone, or a region or rep ID.
    """
    raw = find_raw(book, RULES_SHEET)
    if raw is None or not raw.rows:
        return []
    found = header_index(raw.rows, "规则")
    if found is None:
        return []
    top, _ = found
    headers = [str(h).strip() if h is not None else "" for h in raw.rows[top]]
    scope_at = next((j for j, h in enumerate(headers) if "适用范围" in h or "scope" in h.lower()), None)
    lines = []
    for row in raw.rows[top + 1:]:
        filled = [(headers[j], v) for j, v in enumerate(row) if j < len(headers) and j != scope_at
                  and v is not None and str(v).strip()]
        if not filled:
            continue
        scope = "" if scope_at is None or scope_at >= len(row) or row[scope_at] is None else str(row[scope_at]).strip()
        lines.append((scope, "；".join(f"{h}: {shown(v)}" for h, v in filled)))
    return lines


def expense_budgets(book: WorkbookBackend) -> dict[str, float]:
    """Each rep's expense budget from the expense budget sheet, if the workbook has one."""
    raw = find_raw(book, EXPENSE_SHEET)
    if raw is None:
        return {}
    found = header_index(raw.rows, "业务员编号", "预算")
    if found is None:
        return {}
    top, columns = found
    rep_at, budget_at = columns["业务员编号"], columns["预算"]
    budgets: dict[str, float] = {}
    for row in raw.rows[top + 1:]:
        if rep_at >= len(row) or row[rep_at] is None or budget_at >= len(row):
            continue
        value = row[budget_at]
        if isinstance(value, (int, float)):
            budgets[str(row[rep_at])] = budgets.get(str(row[rep_at]), 0.0) + float(value)
    return budgets


def shown(value: Any) -> str:
    """A rule's cell as text. A number reads the same whether it came from a file (``1500``) or from
    Excel (``1500.0``): whole amounts with thousands separators, fractions below 1 as a percentage."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = float(value)
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value >= 1 else f"{value:.2%}" if value > 0 else "0"
    return str(value)
