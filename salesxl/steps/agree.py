"""下发与确认 Issue and agree (step 3): send the draft rep targets down, apply the answers, agree.

``issue_draft`` writes ``反馈 Feedback``: one row per active rep with the draft
target (the breakdown of the draft plan), keeping what reps and the manager
already typed for the month. ``agree`` applies the manager's decisions
(:func:`salesxl.core.agreement.agree_targets`), writes ``目标确认 Agreed Targets``
(signatures typed there survive a rerun), appends the round to the hidden
``目标确认历史 Agreement History`` and to ``版本 Versions``, and re-runs the
breakdown on the agreed targets — all in one save, nothing when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Callable

import pandas as pd

from ..core.agreement import agree_targets, blank, feedback_rows
from ..core.versions import input_fingerprint
from ..problems import has_errors, problem
from ..reports.agreement import DECISION_LABEL, agreed_sheet, feedback_sheet, history_sheet, read_agreed, read_history
from ..reports.versions import read_versions, versions_with_run
from ..workbook.backend import WorkbookBackend
from ..workbook.reader import Inputs, find_sheet
from ..workbook.contract.agree import FEEDBACK
from . import Progress, StepResult, quiet, run_step
from .breakdown import BREAKDOWN_SHEETS, release, spill_release

AGREE_SHEETS = BREAKDOWN_SHEETS + ("feedback",)
STEP_NAME = "agree 确认目标"


def drafts_of(inputs: Inputs, progress: Progress):
    """The draft rep targets (the release of the draft plan): ``rep_id``, ``name``, ``region``, ``manager``, ``draft``."""
    result, _, problems, _ = release(inputs, None, progress)
    if result is None:
        return None, problems
    reps = result.reps[["rep_id", "name", "region", "target"]].rename(columns={"target": "draft"})
    managers = inputs.tables["reps"].set_index("rep_id")["manager"]
    reps["manager"] = reps["rep_id"].map(managers)
    return reps.reset_index(drop=True), problems


def issue_draft(book: WorkbookBackend, progress: Progress = quiet) -> StepResult:
    """下发草案 Issue draft: write the Feedback sheet, keeping every answer already typed for the month."""

    def plan(inputs: Inputs):
        drafts, problems = drafts_of(inputs, progress)
        if drafts is None or has_errors(problems):
            return [], problems, ""
        month = pd.Period(inputs.settings.plan_month, freq="M")
        rows, found = feedback_rows(drafts, inputs.tables["feedback"], inputs.tables["reps"], month)
        problems = problems + found
        currency = str(inputs.settings.currency)
        answered = int(sum(not blank(v) for v in rows["proposal"]))
        changed = int(rows["draft_changed"].notna().sum())
        summary = (f"{month} 草案已下发 draft issued to {len(rows)} 名业务员 reps; {answered} 条提议 proposals kept"
                   + (f"; {changed} 名草案有变 drafts changed" if changed else ""))
        return [feedback_sheet(rows, month, currency)], problems, summary

    return run_step(book, AGREE_SHEETS, plan, progress)


def agree(book: WorkbookBackend, progress: Progress = quiet, by: str | None = None,
          now: dt.datetime | None = None, sign: Callable[[pd.DataFrame, pd.Period], None] | None = None) -> StepResult:
    """确认目标 Agree: apply the decisions, rebalance, record the round, re-run the breakdown on the result.

    ``sign`` (the demo's only) fills in ``signed``/``signed_date`` of the agreed table, as a planner
    types them on the sheet once the reps have signed.
    """
    by = by or current_user()

    def plan(inputs: Inputs):
        drafts, problems = drafts_of(inputs, progress)
        if drafts is None or has_errors(problems):
            return [], problems, ""
        month = pd.Period(inputs.settings.plan_month, freq="M")
        if find_sheet(FEEDBACK, book.sheet_names()) is None:
            problems = problems + [problem("feedback", None, None, "no-feedback-sheet",
                                           "没有反馈表（请先运行 salesxl issue-draft）；草案按原样确认",
                                           "there is no Feedback sheet (run salesxl issue-draft first); the drafts are "
                                           "agreed as they are", "warning")]
        progress("应用主管决定并再平衡 Applying decisions and rebalancing")
        agreement, found = agree_targets(drafts, inputs.tables["feedback"], inputs.tables["reps"], month,
                                         inputs.settings)
        problems = problems + found
        if agreement is None or has_errors(problems):
            return [], problems, ""
        agreed = agreement.table[["rep_id", "agreed"]].rename(columns={"agreed": "target"})
        result, sheets, found, _ = release(inputs, agreed, progress)
        sheets, spilled = spill_release(book, sheets) if result is not None else (sheets, [])
        problems = problems + found + spilled
        if result is None or has_errors(problems):
            return [], problems, ""

        stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
        versions = read_versions(book)
        round_no = 1 + int(((versions["step"] == STEP_NAME)
                            & (versions["month"].astype(str) == str(month))).sum())
        notes = keep_signatures(agreement.table, read_agreed(book), month)
        if sign is not None:
            sign(agreement.table, month)
        history = read_history(book)
        this_round = agreement.table.assign(round=round_no, timestamp=stamp, by=by,
                                            decision=agreement.table["decision"].map(DECISION_LABEL))
        history = pd.concat([history.astype(object), this_round[history.columns].astype(object)],
                            ignore_index=True) if len(history) else this_round[history.columns]
        currency = str(inputs.settings.currency)
        parameters = {"round": round_no, "by": by, "draft": agreement.target, "agreed": agreement.total,
                      "shortfall": agreement.shortfall, "surplus": agreement.surplus,
                      "cap": inputs.settings.agree_cap}
        fingerprint = input_fingerprint({"feedback": inputs.tables["feedback"]}, inputs.settings)
        outputs = [agreed_sheet(agreement, round_no, by, stamp, currency, notes), history_sheet(history),
                   versions_with_run(book, STEP_NAME, month, parameters, fingerprint, agreement.total, now)]
        summary = (f"{month} 第 {round_no} 轮确认 round {round_no}: 确认合计 agreed total {agreement.total:,.2f} "
                   f"(月度目标 month target {agreement.target:,.2f}); 已按确认目标重新下达 released again")
        return outputs + sheets, problems, summary

    return run_step(book, AGREE_SHEETS, plan, progress)


def keep_signatures(table: pd.DataFrame, before: pd.DataFrame, month: pd.Period) -> list[str]:
    """Carry ``signed``/``signed_date`` over from the sheet as it was, and the previous round's figure.

    A signature stands for a figure: a rep whose agreed target changed must sign again,
    so their signature is cleared (and named in the notes).
    """
    table["previous"] = None
    table["signed"] = False
    table["signed_date"] = None
    if not len(before):
        return []
    before = before[[not blank(m) and pd.Period(m, freq="M") == month for m in before["month"]]]
    previous = before.drop_duplicates("rep_id").set_index("rep_id")
    cleared = []
    for i, rep in table["rep_id"].items():
        if rep not in previous.index:
            continue
        old = previous.loc[rep]
        table.at[i, "previous"] = old["agreed"]
        if bool(old["signed"]) or not blank(old["signed_date"]):
            if old["agreed"] is not None and round(float(old["agreed"]) - float(table.at[i, "agreed"]), 6) == 0:
                table.at[i, "signed"] = bool(old["signed"])
                table.at[i, "signed_date"] = old["signed_date"]
            else:
                cleared.append(str(rep))
    if cleared:
        return [f"确认目标有变，需重新签署 Agreed target changed, to be signed again: {', '.join(cleared)}"]
    return []


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account, some containers)
        return "unknown"
