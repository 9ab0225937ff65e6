"""Issue and agree 下发与确认 (step 3): the feedback round and the rebalance of rep targets.

The draft rep targets (the breakdown of the draft plan) go down to the reps on
the ``反馈 Feedback`` sheet; each rep may propose another figure with a reason,
and the manager decides per rep: accept the proposal, keep the draft, or set a
figure of their own. :func:`feedback_rows` builds that sheet's rows, keeping
whatever was typed for the same month and rep; :func:`agree_targets` applies
the decisions:

* decided figures (accepted proposals and manager figures) are fixed;
* the month target minus the fixed figures is spread over the "keep draft" reps
  in proportion to their drafts (exact at the rounding unit), so the team still
  meets the month target;
* if that would raise a "keep draft" rep more than the cap over their draft
  (``agree_cap``, 30 %), the agreement stops unless ``allow_shortfall``: then
  each of them is raised to the cap and the team falls short, which is shown;
* if the fixed figures alone exceed the month target, it stops unless
  ``allow_surplus``: then the "keep draft" reps keep their drafts and the team
  total exceeds the target, which is shown.

A blank decision counts as "keep draft". Problems name the Feedback sheet's
row and column (sheet key ``feedback``) or the setting that decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..problems import Problem, problem
from .allocation import allocate, to_unit
from .breakdown import hold_column
from .settings import Settings

FEEDBACK_COLUMNS = ["month", "rep_id", "name", "region", "draft", "proposal", "reason", "decision",
                    "manager_figure", "comment", "draft_seen", "draft_changed"]
TYPED = ["proposal", "reason", "decision", "manager_figure", "comment"]
"""What reps and managers type on the Feedback sheet; salesxl keeps these across re-issues."""



@dataclass
class Agreement:
    """The outcome of one agreement round.

    Attributes:
        month: the plan month.
        target: the month target the team should meet (the sum of the drafts).
        table: one row per active rep: ``month``, ``rep_id``, ``name``, ``region``, ``manager``,
            ``draft``, ``proposal``, ``decision``, ``agreed``, ``change``, ``change_pct``,
            ``reason``, ``comment``.
        shortfall: how much the agreed total is below the target (allowed by Settings), else 0.
        surplus: how much it is above the target (allowed by Settings), else 0.
        notes: lines for the planner.
    """

    month: pd.Period
    target: float
    table: pd.DataFrame
    shortfall: float = 0.0
    surplus: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return float(self.table["agreed"].sum())


def blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def has_feedback(row: pd.Series) -> bool:
    return any(not blank(row.get(k)) for k in TYPED)


def same_month(value: Any, month: pd.Period) -> bool:
    return not blank(value) and pd.Period(value, freq="M") == month


def feedback_rows(drafts: pd.DataFrame, feedback: pd.DataFrame, reps: pd.DataFrame, month: pd.Period
                  ) -> tuple[pd.DataFrame, list[Problem]]:
    """The Feedback sheet's rows for ``month``: one per active rep, with what was typed kept.

    ``drafts`` has ``rep_id``, ``name``, ``region``, ``draft`` (the active reps, in order);
    ``feedback`` is the sheet as read (indexed by Excel row; may be empty); ``reps`` the
    Reps sheet. A rep's proposal, reason, decision, manager figure and comment for the
    same month are kept. ``draft_seen`` keeps the draft the rep answered, and a rep whose
    draft has changed since is flagged in ``draft_changed``. Rows for another month are
    left out (noted); rows for inactive reps are left out with a warning; a row for a rep
    not on the Reps sheet is an error (a mistyped ID would lose the rep's answer).
    """
    problems: list[Problem] = []
    known = set(reps["rep_id"].astype(str))
    active = set(drafts["rep_id"].astype(str))
    kept: dict[str, pd.Series] = {}
    other_months = 0
    for row, entry in feedback.iterrows():
        rep = str(entry["rep_id"])
        if not same_month(entry["month"], month):
            other_months += 1
            continue
        if rep not in known:
            problems.append(problem("feedback", int(row), "rep_id", "feedback-unknown-rep",
                                    f"业务员“{rep}”不在业务员表中；请改正编号，以免丢失其反馈",
                                    f"'{rep}' is not on the Reps sheet; correct the ID so the answer is not lost"))
        elif rep not in active:
            if has_feedback(entry):
                problems.append(problem("feedback", int(row), "rep_id", "feedback-inactive-rep",
                                        f"业务员“{rep}”已不在岗，其反馈已移除",
                                        f"'{rep}' is no longer active; the row was removed", "warning"))
        else:
            kept.setdefault(rep, entry)
    if other_months:
        problems.append(problem("feedback", None, "month", "feedback-other-month",
                                f"{other_months} 行属于其他月份，已从反馈表移除（已确认的目标保存在目标确认历史中）",
                                f"{other_months} rows for another month were removed (agreed targets are kept on "
                                "Agreement History)", "notice"))

    rows = []
    for _, draft in drafts.iterrows():
        old = kept.get(str(draft["rep_id"]))
        row = {"month": month, "rep_id": draft["rep_id"], "name": draft.get("name"), "region": draft.get("region"),
               "draft": float(draft["draft"])}
        row.update({k: None for k in TYPED + ["draft_seen", "draft_changed"]})
        if old is not None and has_feedback(old):
            row.update({k: old.get(k) for k in TYPED})
            seen = old.get("draft_seen")
            seen = old.get("draft") if blank(seen) else seen
            if not blank(seen):
                row["draft_seen"] = float(seen)
                if round(float(seen) - row["draft"], 6) != 0:
                    row["draft_changed"] = f"{float(seen):,.2f} → {row['draft']:,.2f}"
        rows.append(row)
    return pd.DataFrame(rows, columns=FEEDBACK_COLUMNS), problems


def agree_targets(drafts: pd.DataFrame, feedback: pd.DataFrame, reps: pd.DataFrame, month: pd.Period,
                  settings: Settings) -> tuple[Agreement | None, list[Problem]]:
    """Apply the manager's decisions and rebalance the rest so the team meets the month target.

    ``drafts`` has ``rep_id``, ``name``, ``region``, ``manager``, ``draft`` for every active rep;
    their sum is the month target. Returns None with the problems when a decision cannot be
    applied or the rebalance is not allowed.
    """
    unit = float(settings.rounding_unit)
    cap = float(settings.agree_cap)
    problems: list[Problem] = []
    decisions = decisions_by_rep(drafts, feedback, reps, month, problems)

    table = drafts[["rep_id", "name", "region", "manager", "draft"]].copy().reset_index(drop=True)
    table["draft"] = table["draft"].astype(float)
    table.insert(0, "month", month)
    for key in ("proposal", "decision", "reason", "comment", "draft_changed"):
        table[key] = [decisions.get(str(r), {}).get(key) for r in table["rep_id"]]
    table["fixed"] = pd.Series([decisions.get(str(r), {}).get("fixed") for r in table["rep_id"]], dtype=object)
    table["fixed"] = table["fixed"].map(lambda v: None if blank(v) else to_unit(float(v), unit)).astype(float)
    table["decision"] = table["decision"].where(table["decision"].notna(), "keep")
    if any(p.severity == "error" for p in problems):
        return None, problems
    held = held_reps(reps) & set(table.loc[table["fixed"].isna(), "rep_id"].astype(str))
    if held:  # a manual target on Reps is a hold: kept as it is, the rebalance goes around it
        at = table["rep_id"].astype(str).isin(held)
        table.loc[at, "fixed"] = table.loc[at, "draft"]

    target = float(to_unit(table["draft"].sum(), unit))
    fixed = table["fixed"].notna()
    fixed_total = float(table.loc[fixed, "fixed"].sum())
    rest = round(target - fixed_total, 9)
    keep = ~fixed
    keep_drafts = table.loc[keep, "draft"].to_numpy(dtype=float)
    table["agreed"] = table["fixed"].astype(float)
    agreement = Agreement(month, target, table)
    allow_shortfall = bool(settings.allow_shortfall)
    allow_surplus = bool(settings.allow_surplus)

    if rest < 0:
        if not allow_surplus:
            problems.append(problem(
                "settings", None, "allow_surplus", "agreed-surplus",
                f"确定的目标（接受的提议与主管核定数）合计 {fixed_total:,.2f}，已超过月度目标 {target:,.2f} "
                f"{-rest:,.2f}；请调低反馈表上的确定数，或将“允许超额”设为是",
                f"the fixed figures (accepted proposals and manager figures) add up to {fixed_total:,.2f}, "
                f"{-rest:,.2f} over the month target {target:,.2f}; lower them on Feedback or set Allow surplus "
                "to yes"))
            return None, problems
        table.loc[keep, "agreed"] = keep_drafts
        agreement.notes.append(f"确定数已超过月度目标，维持草案的业务员保持草案 / the fixed figures exceed the "
                               f"month target, so 'keep draft' reps keep their drafts")
    elif not keep.any() or keep_drafts.sum() <= 0:
        if rest > 0:
            if not allow_shortfall:
                problems.append(problem(
                    "settings", None, "allow_shortfall", "agreed-shortfall",
                    f"没有可再分配的“维持草案”业务员，团队合计比月度目标 {target:,.2f} 少 {rest:,.2f}；"
                    "请让部分业务员维持草案，或将“允许缺口”设为是",
                    f"no 'keep draft' rep is left to carry the rest: the team is {rest:,.2f} short of the month "
                    f"target {target:,.2f}; keep some drafts or set Allow shortfall to yes"))
                return None, problems
        table.loc[keep, "agreed"] = 0.0  # their drafts are all zero: nothing to spread in proportion to
    else:
        factor = rest / keep_drafts.sum()
        if factor > 1 + cap + 1e-12:
            if not allow_shortfall:
                problems.append(problem(
                    "settings", None, "agree_cap", "agree-cap-reached",
                    f"确定数合计 {fixed_total:,.2f} 后，剩余 {rest:,.2f} 须由“维持草案”的业务员承担，"
                    f"比其草案合计 {keep_drafts.sum():,.2f} 高 {factor - 1:.1%}，超过上调上限 {cap:.0%}；"
                    "请调整反馈表上的决定、提高上限，或将“允许缺口”设为是",
                    f"after the fixed figures ({fixed_total:,.2f}) the 'keep draft' reps would carry "
                    f"{rest:,.2f}, {factor - 1:.1%} over their drafts ({keep_drafts.sum():,.2f}) and above the "
                    f"cap of {cap:.0%}; change decisions on Feedback, raise the cap, or set Allow shortfall to yes"))
                return None, problems
            capped = np.floor(keep_drafts * (1 + cap) / unit + 1e-9) * unit
            table.loc[keep, "agreed"] = np.round(capped, 9)
            agreement.notes.append(f"“维持草案”的业务员已上调至上限 {cap:.0%} / 'keep draft' reps are raised to "
                                   f"the cap of {cap:.0%}")
        else:
            table.loc[keep, "agreed"] = allocate(rest, keep_drafts, unit)

    agreed_total = float(table["agreed"].sum())
    difference = round(agreed_total - target, 9)
    if difference < 0:
        agreement.shortfall = -difference
        agreement.notes.append(f"缺口 Shortfall: 团队合计 {agreed_total:,.2f}，比月度目标 {target:,.2f} 少 "
                               f"{-difference:,.2f} / the team total is {-difference:,.2f} below the month target")
    elif difference > 0:
        agreement.surplus = difference
        agreement.notes.append(f"超额 Surplus: 团队合计 {agreed_total:,.2f}，比月度目标 {target:,.2f} 多 "
                               f"{difference:,.2f} / the team total is {difference:,.2f} above the month target")
    table["change"] = table["agreed"] - table["draft"]
    table["change_pct"] = (table["change"] / table["draft"]).where(table["draft"] > 0)
    agreement.table = table.drop(columns=["fixed"])
    return agreement, problems


def held_reps(reps: pd.DataFrame) -> set[str]:
    """Reps whose target the Reps sheet holds (``manual_target``): 'keep draft' keeps exactly that figure."""
    return set(reps.loc[hold_column(reps).notna(), "rep_id"].astype(str))


def decisions_by_rep(drafts: pd.DataFrame, feedback: pd.DataFrame, reps: pd.DataFrame, month: pd.Period,
                     problems: list[Problem]) -> dict[str, dict[str, Any]]:
    """Each active rep's decision from the Feedback sheet, with every bad row reported where it is."""
    decided: dict[str, dict[str, Any]] = {}
    known = set(reps["rep_id"].astype(str))
    active = set(drafts["rep_id"].astype(str))
    draft_of = dict(zip(drafts["rep_id"].astype(str), drafts["draft"].astype(float)))
    for row, entry in feedback.iterrows():
        row, rep = int(row), str(entry["rep_id"])
        if not same_month(entry["month"], month):
            if has_feedback(entry):
                problems.append(problem("feedback", row, "month", "feedback-other-month",
                                        f"此行属于 {entry['month']}，不是计划月份 {month}，已忽略",
                                        f"this row is for {entry['month']}, not the plan month {month}; ignored",
                                        "warning"))
            continue
        if rep not in known:
            problems.append(problem("feedback", row, "rep_id", "feedback-unknown-rep",
                                    f"业务员“{rep}”不在业务员表中", f"'{rep}' is not on the Reps sheet"))
            continue
        if rep not in active:
            problems.append(problem("feedback", row, "rep_id", "feedback-inactive-rep",
                                    f"业务员“{rep}”不在岗，此行已忽略", f"'{rep}' is not active; the row is ignored",
                                    "warning"))
            continue
        if rep in decided:
            continue  # a duplicate: the reader reports it at its row
        decision, proposal, figure = entry.get("decision"), entry.get("proposal"), entry.get("manager_figure")
        decision = None if blank(decision) else decision
        chosen: dict[str, Any] = {"proposal": None if blank(proposal) else float(proposal), "decision": decision,
                                  "reason": entry.get("reason"), "comment": entry.get("comment"), "fixed": None,
                                  "draft_changed": entry.get("draft_changed")}
        if decision == "accept":
            if blank(proposal):
                problems.append(problem("feedback", row, "proposal", "accept-without-proposal",
                                        "决定为“接受提议”，但没有提议目标", "the decision is 'accept proposal' but "
                                        "there is no proposed target"))
            else:
                chosen["fixed"] = float(proposal)
        elif decision == "manager":
            if blank(figure):
                problems.append(problem("feedback", row, "manager_figure", "manager-figure-missing",
                                        "决定为“主管核定”，但主管核定数为空", "the decision is 'manager figure' but "
                                        "the manager figure is empty"))
            else:
                chosen["fixed"] = float(figure)
        else:
            if decision is None and not blank(proposal):
                problems.append(problem("feedback", row, "decision", "proposal-undecided",
                                        "有提议目标但主管尚未决定，按维持草案处理",
                                        "a proposal has no decision yet; the draft is kept and rebalanced",
                                        "warning"))
        if decision != "manager" and not blank(figure):
            problems.append(problem("feedback", row, "manager_figure", "manager-figure-ignored",
                                    "决定不是“主管核定”，主管核定数已忽略",
                                    "the decision is not 'manager figure', so the manager figure is ignored",
                                    "warning"))
        seen = entry.get("draft_seen")
        if decision in ("accept", "manager") and not blank(seen) and round(float(seen) - draft_of[rep], 6) != 0:
            problems.append(problem("feedback", row, "draft_seen", "draft-changed",
                                    f"业务员反馈时草案为 {float(seen):,.2f}，现为 {draft_of[rep]:,.2f}；请确认决定",
                                    f"the rep answered a draft of {float(seen):,.2f}; it is now "
                                    f"{draft_of[rep]:,.2f}; check the decision", "warning"))
        decided[rep] = chosen
    return decided
