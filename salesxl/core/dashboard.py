"""总览 Dashboard: the month on one page, from what the other steps wrote.

The dashboard adds no new planning: it gathers figures the planner already has
on the output sheets (month target, structure, progress, rep attainment,
expenses, flags) into the few small tables its charts are drawn from. Each block
is optional. A block whose step has not run yet is left out, and a note names the
step to run, so a workbook that has only run ``target`` still gets a dashboard.

Input frames are the read-back tables of the output sheets, keyed like the
schemas in :data:`salesxl.workbook.contract.dashboard.DASHBOARD_READBACK` (``None`` when the
sheet is absent), plus History and Products (last year's same month by role and
region, which no output sheet holds) and the month's calendar (the time line of
the expense burn).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..terms import ROLES
from .history import monthly_sales
from .performance import COMPANY
from .tracking import FLAG_LABELS

ROLE_LABELS = {c.key: c.bilingual for c in ROLES}
MONTH_TARGET_LABEL = "月度目标 Month target"
ROUNDING_LABEL = "取整 Rounding"

STEP_HINTS = {
    "target": ("salesxl target", "月度目标 Target"),
    "breakdown": ("salesxl breakdown", "正式下达 Breakdown"),
    "agree": ("salesxl agree", "确认目标 Agree"),
    "expenses": ("salesxl expenses", "费用预算 Expenses"),
    "expenses-review": ("salesxl expenses-review", "费用审核 Expense review"),
    "track": ("salesxl track", "进度跟踪 Track"),
    "followups": ("salesxl followups", "跟进计划 Follow-ups"),
}


@dataclass
class Dashboard:
    """What the dashboard shows; a frame is None when its block is left out.

    Attributes:
        month: the plan month (None without a Month Target sheet).
        key_figures: one row — month target, last year, growth, actual to date, attainment, pace, as of
            (actual and attainment from Progress, else from the closed month's company row on Performance).
        build_up: the month target's waterfall: ``step``, ``start`` (the invisible part of the bar),
            ``contribution`` (a factor's weighted contribution), ``total`` (the month target's bar).
        roles, regions: ``label``, ``target``, ``last_year`` (same month last year), ``growth``.
        progress: working days: ``date``, ``cumulative_target``, ``cumulative_actual`` (blank after as-of).
        reps: ranked best first: ``rep``, ``attainment`` and the ``base``/``challenge``/``sprint`` lines
            (each a share of the rep's target), ``source`` (Progress or Performance).
        expenses: days of the month: ``date``, ``budget_to_date`` (the budget spread over working days),
            ``approved`` and ``verified`` (cumulative, blank after the last day with data), and ``budget``.
        flags: ``flag``, ``count`` (None when its step has not run), ``where`` (the sheet or the step to run).
        notes: one line per block left out, naming the step to run.
    """

    month: pd.Period | None
    key_figures: pd.DataFrame
    build_up: pd.DataFrame | None = None
    roles: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    progress: pd.DataFrame | None = None
    reps: pd.DataFrame | None = None
    expenses: pd.DataFrame | None = None
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)


def dashboard(sheets: dict[str, pd.DataFrame | None], history: pd.DataFrame | None,
              products: pd.DataFrame | None, calendar: pd.DataFrame | None) -> Dashboard:
    """Gather every block that the written sheets allow; say which step is missing for the rest."""
    notes: list[str] = []
    summary = sheets.get("dash_month_target")
    if summary is not None and (summary.empty or pd.isna(summary["total"].iloc[0])):
        summary = None  # the sheet is there but its figure is not (emptied by hand): as if target had not run
    month = summary["month"].iloc[0] if summary is not None else None
    total = float(summary["total"].iloc[0]) if summary is not None else None
    if summary is None:
        notes.append(missing_note("target", "月度目标与四因素构成", "the month target and its four factors"))

    build_up = None
    factors = sheets.get("dash_factors")
    if total is not None and factors is not None:
        build_up = waterfall(factors, total)

    roles = regions = None
    role_targets, region_targets = sheets.get("dash_roles"), sheets.get("dash_regions")
    last_year = (month - 12) if month is not None else None
    if role_targets is not None:
        roles = versus_last_year(role_targets.rename(columns={"role": "key"}),
                                 sales_by_role(history, products, last_year))
        roles["label"] = [ROLE_LABELS.get(k, k) for k in roles["key"]]
    if region_targets is not None:
        regions = versus_last_year(region_targets.rename(columns={"region": "key"}),
                                   sales_by_region(history, last_year))
        regions["label"] = regions["key"]
    if role_targets is None and region_targets is None and summary is not None:
        notes.append(missing_note("target", "任务结构", "the target structure"))

    company = sheets.get("dash_progress_company")
    closed = sheets.get("dash_performance_totals")
    if company is None and closed is not None:  # the month closed without tracking: the close's company row
        company = closed[closed["region"] == COMPANY]
    burnup = sheets.get("dash_burnup")
    progress = cumulative_by_working_day(burnup) if burnup is not None else None
    as_of = last_actual_day(burnup) if burnup is not None else None
    if progress is None:
        notes.append(missing_note("track", "进度（累计目标与实际）", "progress (cumulative target vs actual)"))

    reps = ranked_reps(sheets.get("dash_performance"), sheets.get("dash_progress_reps"))
    if reps is None:
        notes.append(missing_note("track", "业务员达成率排行", "reps ranked by attainment"))

    expenses = None
    budget_lines = sheets.get("expense_budget")
    log = sheets.get("dash_expense_log")
    if budget_lines is not None and log is not None and month is not None and calendar is not None:
        expenses = expense_burn(float(budget_lines["budget"].sum()), log, calendar, month, as_of)
    else:
        step = "expenses" if budget_lines is None else "expenses-review"
        notes.append(missing_note(step, "费用进度", "expense burn vs time"))

    key_figures = pd.DataFrame([{
        "month": month, "target": total,
        "last_year": value(summary, "last_year"), "growth": value(summary, "growth"),
        "actual": value(company, "actual"), "attainment": value(company, "attainment"),
        "pace": value(company, "pace"), "as_of": as_of,
    }])
    return Dashboard(month, key_figures, build_up, roles, regions, progress, reps, expenses,
                     flag_counts(sheets), notes)


def value(frame: pd.DataFrame | None, column: str):
    if frame is None or column not in frame or frame.empty:
        return None
    found = frame[column].iloc[0]
    return None if pd.isna(found) else found


def missing_note(step: str, what_zh: str, what_en: str) -> str:
    command, label = STEP_HINTS[step]
    return f"{what_zh}：请先运行 {label}（{command}）。 For {what_en}, run {label} first ({command})."


def waterfall(factors: pd.DataFrame, total: float) -> pd.DataFrame:
    """The month target built up from its weighted factors, as the rows of a stacked-column waterfall.

    Each factor's bar floats on the sum of those before it (``start``, drawn invisible); a factor
    left out (no weight or no value) is skipped; when the target was rounded, a rounding step closes
    the gap; the last bar is the month target itself, standing on the ground.
    """
    rows, running = [], 0.0
    for r in factors.itertuples():
        contribution = r.contribution if pd.notna(r.contribution) else 0.0
        if not contribution:
            continue
        rows.append({"step": r.label, "start": running, "contribution": contribution, "total": None})
        running += contribution
    gap = round(total - running, 6)
    if gap:
        rows.append({"step": ROUNDING_LABEL, "start": min(running, total), "contribution": abs(gap), "total": None})
    rows.append({"step": MONTH_TARGET_LABEL, "start": 0.0, "contribution": None, "total": total})
    return pd.DataFrame(rows, columns=["step", "start", "contribution", "total"])


def last_year_rows(history: pd.DataFrame | None, month: pd.Period | None) -> pd.DataFrame | None:
    if history is None or month is None or history.empty:
        return None
    monthly = monthly_sales(history)
    return monthly[monthly["month"] == month]


def sales_by_role(history, products, month) -> pd.Series | None:
    """Last year's same-month sales per product role (SKUs mapped to their role on Products)."""
    rows = last_year_rows(history, month)
    if rows is None or products is None:
        return None
    role = rows["sku"].map(dict(zip(products["sku"], products["role"])))
    return rows.groupby(role)["amount"].sum()


def sales_by_region(history, month) -> pd.Series | None:
    rows = last_year_rows(history, month)
    return None if rows is None else rows.groupby("region")["amount"].sum()


def versus_last_year(targets: pd.DataFrame, last_year: pd.Series | None) -> pd.DataFrame:
    """Target next to last year's same month; growth only where last year sold something."""
    frame = targets[["key", "target"]].reset_index(drop=True)
    frame["last_year"] = frame["key"].map(last_year).fillna(0.0) if last_year is not None else None
    frame["growth"] = [t / ly - 1 if ly else None for t, ly in zip(frame["target"], frame["last_year"])] \
        if last_year is not None else None
    return frame


def cumulative_by_working_day(burnup: pd.DataFrame) -> pd.DataFrame:
    days = burnup[burnup["working"].fillna(False).astype(bool)]
    return days[["date", "cumulative_target", "cumulative_actual"]].reset_index(drop=True)


def last_actual_day(burnup: pd.DataFrame) -> pd.Timestamp | None:
    known = burnup.loc[burnup["cumulative_actual"].notna(), "date"]
    return known.max() if len(known) else None


def ranked_reps(performance: pd.DataFrame | None, progress: pd.DataFrame | None) -> pd.DataFrame | None:
    """Reps by attainment, best first, with their tier lines as shares of target.

    The month-end Performance sheet wins when it exists (the month is closed); otherwise the month
    to date from Progress, where a rep's line is their tier over their target (base ÷ target...).
    """
    if performance is not None:
        frame = performance[["rep", "attainment", "base", "challenge", "sprint"]].assign(source="performance")
    elif progress is not None:
        names = progress["name"].where(progress["name"].notna(), progress["rep_id"])
        target = progress["target"].where(progress["target"] > 0)
        frame = pd.DataFrame({"rep": names.to_numpy(), "attainment": progress["attainment"].to_numpy(),
                              "base": (progress["base"] / target).to_numpy(),
                              "challenge": (progress["challenge"] / target).to_numpy(),
                              "sprint": (progress["sprint"] / target).to_numpy(), "source": "progress"})
    else:
        return None
    return frame.sort_values("attainment", ascending=False, na_position="last", kind="stable").reset_index(drop=True)


def expense_burn(budget: float, log: pd.DataFrame, calendar: pd.DataFrame, month: pd.Period,
                 as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Each day of the month: the budget spread over working days, and approvals and verified spend so far.

    The time line is ``budget × working days gone ÷ working days`` (by the calendar's weights). Spend
    is counted on its request date; it is drawn up to the as-of day (the Progress sheet's), or the
    last request date when there is no Progress sheet.
    """
    days = calendar[["date", "weight"]].reset_index(drop=True)
    weights = days["weight"].astype(float)
    share = weights.cumsum() / weights.sum() if weights.sum() > 0 else pd.Series(0.0, index=days.index)
    in_month = log[pd.to_datetime(log["date"]).dt.to_period("M") == month]
    dates = pd.to_datetime(in_month["date"]).dt.normalize()
    approved = in_month["counted"].fillna(0.0).groupby(dates).sum()
    verified = in_month["verified"].fillna(0.0).groupby(dates).sum()
    end = as_of if as_of is not None else (dates.max() if len(dates) else None)
    shown = days["date"] <= end if end is not None else pd.Series(False, index=days.index)
    return pd.DataFrame({
        "date": days["date"],
        "budget_to_date": (budget * share).round(2),
        "approved": days["date"].map(approved).fillna(0.0).cumsum().round(2).where(shown),
        "verified": days["date"].map(verified).fillna(0.0).cumsum().round(2).where(shown),
        "budget": budget,
    })


def flag_counts(sheets: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """How many things need a word: reps behind pace, follow-ups overdue, customers silent, unsigned commitments.

    A count is blank when the sheet it comes from is not there, and ``where`` then names the step to run.
    """
    flags, follow_reps = sheets.get("dash_progress_flags"), sheets.get("dash_followup_reps")
    silent, agreed = sheets.get("dash_followup_silent"), sheets.get("agreed_signatures")

    def row(label, count, sheet, step):
        command, step_label = STEP_HINTS[step]
        return {"flag": label, "count": count,
                "where": sheet if count is not None else f"运行 run {step_label}（{command}）"}

    return pd.DataFrame([
        row(FLAG_LABELS["behind-pace"],
            None if flags is None else int((flags["flag"] == FLAG_LABELS["behind-pace"]).sum()),
            "进度 Progress", "track"),
        row("跟进逾期 Follow-ups overdue", None if follow_reps is None else int(follow_reps["overdue"].fillna(0).sum()),
            "跟进计划 Follow-up Plan", "followups"),
        row("超期未跟进 Not touched (21 days)", None if silent is None else len(silent),
            "跟进计划 Follow-up Plan", "followups"),
        row("未签署军令状 Unsigned commitments",
            None if agreed is None else int((~agreed["signed"].fillna(False).astype(bool)).sum()),
            "目标确认 Agreed Targets", "agree"),
    ], columns=["flag", "count", "where"])
