"""下发到业务员 Issue to reps: one small workbook per active rep, to fill in and send back.

Reads the targets as released (``业务员目标 Rep Targets``, ``网点目标 Outlet Targets``, ``日目标 Daily
Targets``; after ``salesxl agree`` the agreed ones), the commitment pages as ``salesxl commitments``
builds them, the reps' Feedback rows and the Outlets and Customers sheets, and writes
``<month>_<rep ID>_<name>.xlsx`` for each rep into the folder given (:mod:`salesxl.workbook.repbook`).

The issue is logged on ``版本 Versions`` with the master's ID and the files' version. The version
follows what the files hold: issuing the same targets again keeps the version (the files are simply
replaced); changed targets, outlets or customers make the next version, and a file of an older
version is refused on collect. The master is written first, then the files: a failure in between is
mended by running again.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pandas as pd

from ..core.collect import ISSUE_STEP, next_issue
from ..core.versions import fingerprint_of
from ..problems import ProblemsFound, has_errors, problem
from ..reports.commitments import commitments_sheet
from ..reports.reps import RepTargets, customers_sheet, daily_sheet, targets_sheet
from ..reports.versions import read_versions, versions_with_run
from ..workbook import style
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, locate, read_inputs
from ..workbook.repbook import FEEDBACK_SHOWN, RepWorkbook, write_rep_workbook
from ..workbook.contract.reps import FILE_KIND
from ..terms import ROLE_LABEL
from ..workbook.contract.agree import ISSUED_AGREED_TARGETS
from ..workbook.contract.breakdown import ISSUED_SHEETS
from . import Progress, StepResult, quiet, run_step
from .commitments import EXPENSE_BUDGET, build_pages

ISSUE_READS = ("settings", "reps", "products", "outlets", "customers", "incentive_rules", "feedback")
NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(month: pd.Period, rep_id: str, name: str) -> str:
    """``2026-02_R001_张伟.xlsx``: month, rep ID and name, with what a file name cannot hold dropped."""
    parts = [str(month), NOT_IN_FILE_NAMES.sub("", str(rep_id)), NOT_IN_FILE_NAMES.sub("", str(name or ""))]
    return "_".join(p for p in parts if p) + ".xlsx"


def issue_files(book: WorkbookBackend, progress: Progress = quiet, outdir: Path | None = None,
                now: dt.datetime | None = None) -> StepResult:
    """下发到业务员 Issue to reps: write each active rep's workbook into ``outdir`` and log the issue."""
    files: list[tuple[Path, RepWorkbook]] = []

    def plan(inputs: Inputs):
        if outdir is None:
            return [], [problem(None, None, None, "no-folder", "请先保存工作簿：业务员文件写在工作簿旁的文件夹中",
                                "save the workbook first: the reps' files go in a folder beside it")], ""
        issued, problems = read_inputs(book, schemas=ISSUED_SHEETS + (ISSUED_AGREED_TARGETS, EXPENSE_BUDGET))
        if has_errors(problems):
            return [], problems, ""
        pages, found = build_pages(inputs, issued)
        problems += [p for p in locate(found, issued) if p.code != "not-agreed"]
        month = pd.Period(inputs.settings.plan_month, freq="M")
        if not pages:
            problems.append(problem(None, None, None, "no-reps", "下达表中没有本月的业务员目标（请先运行 breakdown）",
                                    "no rep targets were released for the month (run breakdown first)"))
            return [], problems, ""
        content = fingerprint_of(issued_content(inputs, issued), {"month": str(month)})
        version, master = next_issue(read_versions(book), month, content, uuid.uuid4().hex[:12])
        path = book.path
        master_name = path.name if path is not None else "?"
        stamp = style.run_time(now).strftime("%Y-%m-%d %H:%M:%S")
        currency = inputs.settings.currency
        for page in pages:
            rep = rep_targets(inputs, issued, page.rep_id, month, version, master_name)
            fingerprint = {"kind": FILE_KIND, "master": master, "master_name": master_name, "month": str(month),
                           "version": str(version), "rep_id": rep.rep_id, "rep_name": rep.name, "issued_at": stamp}
            shown = [targets_sheet(rep), daily_sheet(rep), commitments_sheet([page], currency), customers_sheet(rep)]
            files.append((Path(outdir) / file_name(month, rep.rep_id, rep.name),
                          RepWorkbook(fingerprint, shown, feedback_row(inputs, rep), rep_lists(inputs, issued, rep))))
        total = float(sum(p.target for p in pages))
        log = versions_with_run(book, ISSUE_STEP, month,
                                {"version": version, "master": master, "reps": len(pages), "folder": Path(outdir).name},
                                content, total, now)
        summary = f"{month} 第 {version} 版 version {version}: {len(pages)} 个业务员文件 rep files → {outdir}"
        return [log], problems, summary

    result = run_step(book, ISSUE_READS, plan, progress, now)
    if result.ok:
        progress(f"写入 {len(files)} 个业务员文件 Writing {len(files)} rep files")
        for path, rep in files:
            try:
                write_rep_workbook(path, rep)
            except ProblemsFound as found:
                result.problems += found.problems
                break
    return result


def issued_content(inputs: Inputs, issued: Inputs) -> dict[str, pd.DataFrame]:
    """What the files hold that a returned file is checked against: the targets, and who owns which outlet,
    customer and SKU. A change in any of it is a new version; the Feedback answers, the rules and the
    other settings are not (nor is a new setting of a later salesxl)."""
    tables = {key: issued.tables[key] for key in ("rep_targets", "rep_sku_targets", "outlet_targets",
                                                  "core_outlet_sku_targets", "daily_targets")}
    tables["outlets"] = inputs["outlets"][["outlet_id", "rep_id"]]
    tables["customers"] = inputs["customers"][["customer_id", "rep_id", "project_owner"]]
    tables["products"] = inputs["products"][["sku"]]
    return {key: frame.reset_index(drop=True) for key, frame in tables.items()}


def rep_targets(inputs: Inputs, issued: Inputs, rep_id: str, month: pd.Period, version: int,
                master_name: str) -> RepTargets:
    """One rep's slice of the release, with names from the master's sheets."""
    t = issued.tables
    reps = t["rep_targets"]
    row = reps[(reps["rep_id"].astype(str) == rep_id) & (reps["month"] == month)].iloc[0]
    products = inputs["products"].set_index("sku")["name"]
    outlet_names = inputs["outlets"].set_index("outlet_id")["name"]
    skus = t["rep_sku_targets"][t["rep_sku_targets"]["rep_id"].astype(str) == rep_id]
    outlets = t["outlet_targets"][t["outlet_targets"]["rep_id"].astype(str) == rep_id]
    core = t["core_outlet_sku_targets"][t["core_outlet_sku_targets"]["outlet_id"].isin(set(outlets["outlet_id"]))]
    daily = t["daily_targets"][t["daily_targets"]["rep_id"].astype(str) == rep_id]
    return RepTargets(
        rep_id=rep_id, name=str(row["name"] or ""), region=str(row["region"]), month=month, version=version,
        master_name=master_name,
        tiers=pd.DataFrame([{k: row[k] for k in ("month", "target", "base", "challenge", "sprint")}]),
        skus=pd.DataFrame({"sku": skus["sku"], "product": skus["sku"].map(products),
                           "role": skus["role"].map(ROLE_LABEL).fillna(skus["role"]),
                           "sku_target": skus["sku_target"]}).reset_index(drop=True),
        outlets=pd.DataFrame({"outlet_id": outlets["outlet_id"], "outlet": outlets["outlet_id"].map(outlet_names),
                              "core": outlets["core"], "outlet_target": outlets["outlet_target"]}
                             ).reset_index(drop=True),
        core_skus=core[["outlet_id", "sku", "outlet_sku_target"]].reset_index(drop=True),
        daily=daily[["date", "daily_target", "target_to_date"]].reset_index(drop=True),
        customers=customers_of(inputs, rep_id, str(row["name"] or ""))[
            ["customer_id", "name", "stage", "value", "key_project", "milestone", "milestone_date"]
        ].reset_index(drop=True),
    )


def customers_of(inputs: Inputs, rep_id: str, name: str) -> pd.DataFrame:
    """The customers a rep follows: their own, and key projects they are the dedicated owner of."""
    customers = inputs["customers"]
    owner = customers["project_owner"].astype(object).where(customers["project_owner"].notna(), "").astype(str)
    mine = (customers["rep_id"].astype(str) == rep_id) | owner.str.strip().isin({rep_id, name} - {""})
    return customers[mine]


def feedback_row(inputs: Inputs, rep: RepTargets) -> pd.DataFrame:
    """The rep's Feedback row for the month: the draft they answer, and what the master already holds."""
    feedback = inputs["feedback"]
    mine = feedback[(feedback["rep_id"].astype(str) == rep.rep_id) & (feedback["month"] == rep.month)]
    row = {"month": rep.month, "rep_id": rep.rep_id, "name": rep.name, "region": rep.region,
           "draft": float(rep.tiers["target"].iloc[0]), "proposal": None, "reason": None}
    if len(mine):
        found = mine.iloc[0]
        row.update({k: found[k] for k in ("draft", "proposal", "reason") if pd.notna(found[k])})
    return pd.DataFrame([row], columns=list(FEEDBACK_SHOWN))


def rep_lists(inputs: Inputs, issued: Inputs, rep: RepTargets) -> dict[str, list[str]]:
    """The rep's own values for the drop-downs: their ID, outlets, SKUs (those with a target, else all
    active ones) and customers."""
    outlets = inputs["outlets"]
    skus = list(rep.skus["sku"].astype(str))
    if not skus:
        products = inputs["products"]
        skus = list(products.loc[products["active"].fillna(True).astype(bool), "sku"].astype(str))
    return {"rep_id": [rep.rep_id],
            "outlet_id": list(outlets.loc[outlets["rep_id"].astype(str) == rep.rep_id, "outlet_id"].astype(str)),
            "sku": skus, "customer_id": list(rep.customers["customer_id"].astype(str))}
