"""Process tracking 过程跟踪: where the month stands against the issued targets, and who needs help.

The breakdown issued each rep a month target, three tiers and a target for
every working day. During the month the reps log their days (``日志 Daily
Log``) and sales come in (``实际销售 Actuals``). This module answers, as of the
end of a given day:

* **How far along are we?** Month-to-date actual against the target to date
  (the sum of the daily targets up to that day), attainment (actual ÷ month
  target) and **pace** — attainment ÷ the share of the month's working days
  that has passed. A pace of 100 % means "on course to finish exactly on
  target"; 80 % means a fifth short if nothing changes.
* **Where will we land?** Two forecasts. The *run rate*: actual so far plus the
  remaining working days times the recent daily rate (sales over the last few
  working days ÷ those days). The *calendar-weighted* one: actual ÷ the share
  of the month's target that was due by now — it assumes the rest of the month
  goes like the days so far, weighted as the daily targets are (half days,
  weekday pattern).
* **What does it take?** The gap to base, challenge and sprint, and the amount
  needed per remaining working day to close it.
* **Who needs a word?** Reps behind pace beyond the threshold, core outlets not
  visited for days, planned visits not made, expenses running ahead of sales,
  flagship products lagging the mix.

Working days are the plan month's calendar (:func:`salesxl.core.calendar.month_calendar`):
a day counts with its weight, so a half day is half a day everywhere here.

Worked example (February 2026 in China has 16 working days; Feb 15 is a Sunday
in the Spring Festival, and 11 working days have passed by then): a rep with a
month target of 16,000 spread 1,000 per working day has a target to date of
11,000 as of Feb 15. With 8,800 sold, attainment is 8,800 ÷ 16,000 = 55 %,
time elapsed is 11 ÷ 16 = 68.75 %, pace is 55 % ÷ 68.75 % = 80 %; the
calendar-weighted forecast is 8,800 ÷ (11,000 ÷ 16,000) = 12,800.

Over 600 lines because the progress sheet and the weekly review are one computation: both run on the
same month clock and the same progress lines (company, region, rep, role, core outlet) and flags; the weekly
review is the same lines for one week. Splitting them would split that shared middle.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from ..problems import Problem, problem
from ..terms import ROLE_KEYS, TIER_KEYS as TIERS
from .settings import Settings



# ---------------------------------------------------------------- the clock

@dataclass(frozen=True)
class MonthClock:
    """How much of the month's working time has passed as of the end of ``as_of``.

    Attributes:
        as_of: the day the figures are taken at (its sales count).
        total: working days in the month (weighted: a half day is 0.5).
        elapsed: working days on or before ``as_of``.
        remaining: working days after ``as_of``.
        window_start: first day of the run-rate window (the last ``run_rate_days``
            working days up to ``as_of``), or None before the first working day.
        window: working days in the run-rate window (weighted).
    """

    as_of: pd.Timestamp
    total: float
    elapsed: float
    remaining: float
    window_start: pd.Timestamp | None
    window: float

    @property
    def time_elapsed(self) -> float:
        """Share of the month's working time gone: 11 of 16 days is 0.6875."""
        return self.elapsed / self.total if self.total else float("nan")


def month_clock(calendar: pd.DataFrame, as_of: pd.Timestamp, run_rate_days: int = 5) -> MonthClock:
    """The clock of ``calendar`` (from ``month_calendar``) at the end of ``as_of``."""
    as_of = pd.Timestamp(as_of).normalize()
    weight = calendar["weight"].astype(float)
    past = calendar["date"] <= as_of
    worked = calendar[past & (weight > 0)]
    window_days = worked.tail(max(int(run_rate_days), 1))
    return MonthClock(
        as_of=as_of,
        total=float(weight.sum()),
        elapsed=float(weight[past].sum()),
        remaining=float(weight[~past].sum()),
        window_start=window_days["date"].iloc[0] if len(window_days) else None,
        window=float(window_days["weight"].sum()),
    )


# ---------------------------------------------------------------- progress lines

def progress_lines(frame: pd.DataFrame, clock: MonthClock) -> pd.DataFrame:
    """Add the progress measures to a frame of ``target``, ``target_to_date``, ``actual``, ``window_actual``.

    Tier columns (``base``, ``challenge``, ``sprint``) get a gap and a need per
    remaining working day each when present; otherwise the gap is to ``target``.
    Ratios with a zero denominator are left blank (NaN), never infinite.
    """
    out = frame.copy()
    target, actual = out["target"].astype(float), out["actual"].astype(float)
    to_date = out["target_to_date"].astype(float)
    out["ahead"] = actual - to_date
    out["attainment"] = ratio(actual, target)
    out["time_elapsed"] = clock.time_elapsed
    out["pace"] = ratio(out["attainment"], pd.Series(clock.time_elapsed, index=out.index))
    out["daily_rate"] = out["window_actual"].astype(float) / clock.window if clock.window else 0.0
    out["forecast_run_rate"] = actual + clock.remaining * out["daily_rate"]
    out["forecast_calendar"] = ratio(actual * target, to_date)
    out["forecast_attainment"] = ratio(out["forecast_run_rate"], target)
    for tier in [t for t in TIERS if t in out] or ["target"]:
        gap = (out[tier].astype(float) - actual).clip(lower=0)
        out[f"gap_{tier}"] = gap
        out[f"need_{tier}"] = gap / clock.remaining if clock.remaining else gap.where(gap == 0)
    return out


def ratio(top: pd.Series, bottom: pd.Series) -> pd.Series:
    """``top ÷ bottom``, blank where ``bottom`` is zero or blank."""
    bottom = bottom.astype(float)
    return top.astype(float) / bottom.where(bottom != 0)


def sales_by(actuals: pd.DataFrame, keys: list[str], clock: MonthClock) -> pd.DataFrame:
    """Month-to-date ``actual`` and run-rate ``window_actual`` per ``keys``."""
    window = (actuals["date"] >= clock.window_start if clock.window_start is not None
              else pd.Series(False, index=actuals.index))
    frame = actuals.assign(window_actual=actuals["amount"].where(window, 0.0))
    return (frame.groupby(keys, dropna=False)[["amount", "window_actual"]].sum()
            .rename(columns={"amount": "actual"}))


# ---------------------------------------------------------------- the whole picture

@dataclass
class MonthProgress:
    """Everything the ``进度 Progress`` sheet shows.

    Attributes:
        clock: the month's clock at the as-of day.
        company: one row, the whole team.
        reps, regions, roles, core_outlets, core_outlet_skus: one row each.
        burnup: every day of the month with target, actual and forecast, daily and cumulative.
        flags: one row per thing that needs attention (``flag``, ``rep_id``, ``subject``, ``detail``, ``row``).
    """

    clock: MonthClock
    company: pd.DataFrame
    reps: pd.DataFrame
    regions: pd.DataFrame
    roles: pd.DataFrame
    core_outlets: pd.DataFrame
    core_outlet_skus: pd.DataFrame
    burnup: pd.DataFrame
    flags: pd.DataFrame


def track(issued: Mapping[str, pd.DataFrame], actuals: pd.DataFrame, daily_log: pd.DataFrame,
          products: pd.DataFrame, reps: pd.DataFrame, calendar: pd.DataFrame, settings: Settings,
          as_of: pd.Timestamp, expense_budget: pd.DataFrame | None = None) -> tuple[MonthProgress | None, list[Problem]]:
    """Month-to-date progress against the issued targets, as of the end of ``as_of``.

    ``issued`` holds the breakdown's sheets by key (``rep_targets``,
    ``rep_sku_targets``, ``outlet_targets``, ``core_outlet_sku_targets``,
    ``daily_targets``); ``calendar`` is the plan month's from ``month_calendar``;
    ``settings`` the Settings sheet's values (``plan_month``, ``pace_threshold``,
    ``run_rate_days``, ``core_visit_days``, ``expense_ratio_limit``, ``expense_budget_margin``,
    ``mix_lag_threshold``); ``expense_budget`` the issued ``费用预算 Expense Budget`` lines, None
    when the workbook has none (the expense flag then falls back to the expense-to-sales ratio).
    """
    month = settings.plan_month
    problems = check_issued_month(issued["rep_targets"], month)
    problems += check_as_of(as_of, month)
    if problems:
        return None, problems
    clock = month_clock(calendar, as_of, settings.run_rate_days)
    sales, found = month_sales(actuals, month, clock.as_of, products)
    problems += found

    reps_frame, found = rep_progress(issued, sales, daily_log, reps, clock, settings)
    problems += found
    reps_frame = with_expense_budget(reps_frame, expense_budget)
    company = company_progress(reps_frame, clock)
    regions = region_progress(reps_frame, clock)
    roles = role_progress(issued["rep_sku_targets"], sales, company, clock)
    core, core_skus = core_outlet_progress(issued, sales, daily_log, reps_frame, clock, settings)
    burnup = burnup_days(issued["daily_targets"], sales, calendar, clock, company)
    flags = collect_flags(reps_frame, core, daily_log, issued["rep_sku_targets"], sales, company, clock, settings)
    reps_frame["flag"] = reps_frame["rep_id"].map(
        flags.groupby("rep_id")["flag"].agg(lambda f: "、".join(dict.fromkeys(f)))).astype(object).fillna("")
    return MonthProgress(clock, company, reps_frame, regions, roles, core, core_skus, burnup, flags), problems


def check_issued_month(rep_targets: pd.DataFrame, month: pd.Period) -> list[Problem]:
    """The issued targets must be this plan month's."""
    for row, issued_month in rep_targets["month"].items():
        if pd.notna(issued_month) and issued_month != month:
            return [problem("rep_targets", int(row), "month", "targets-for-another-month",
                            f"目标是为 {issued_month} 下达的，计划月份是 {month}；请先为 {month} 运行分解",
                            f"the targets were issued for {issued_month} but the plan month is {month}; "
                            f"run the breakdown for {month} first")]
    return []


def check_as_of(as_of: pd.Timestamp, month: pd.Period) -> list[Problem]:
    if pd.Timestamp(as_of).to_period("M") != month:
        return [problem("settings", None, "value", "as-of-outside-month",
                        f"截至日期 {pd.Timestamp(as_of):%Y-%m-%d} 不在计划月份 {month} 内",
                        f"the as-of date {pd.Timestamp(as_of):%Y-%m-%d} is not in the plan month {month}")]
    return []


def default_as_of(month: pd.Period, today: pd.Timestamp, *dated: pd.Series) -> pd.Timestamp:
    """The day the data runs to: the latest date in ``dated`` within ``month``, else ``today`` kept in the month.

    A planner running on the morning of the 15th with sales entered up to the
    14th sees the figures as of the 14th, not a day with no sales yet.
    """
    latest = [s[(s.dt.to_period("M") == month)].max() for s in dated if len(s.dropna())]
    latest = [d for d in latest if pd.notna(d)]
    if latest:
        return max(latest).normalize()
    return min(max(pd.Timestamp(today).normalize(), month.start_time), month.end_time.normalize())


def month_sales(actuals: pd.DataFrame, month: pd.Period, as_of: pd.Timestamp,
                products: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The Actuals rows that count: dated in the plan month up to ``as_of``, with each SKU's role."""
    problems = []
    dated = actuals.assign(date=pd.to_datetime(actuals["date"])).dropna(subset=["date"])
    outside = dated[dated["date"].dt.to_period("M") != month]
    if len(outside):
        problems.append(problem("actuals", int(outside.index[0]), "date", "outside-month",
                                f"{len(outside)} 行日期不在 {month}，未计入（第一行见此）",
                                f"{len(outside)} rows are dated outside {month} and are not counted (first one here)",
                                "warning"))
    inside = dated[dated["date"].dt.to_period("M") == month]
    later = inside[inside["date"] > as_of]
    if len(later):
        problems.append(problem("actuals", int(later.index[0]), "date", "after-as-of",
                                f"{len(later)} 行晚于截至日期 {as_of:%Y-%m-%d}，未计入",
                                f"{len(later)} rows are after the as-of date {as_of:%Y-%m-%d} and are not counted",
                                "notice"))
    sales = inside[inside["date"] <= as_of].copy()
    sales["amount"] = sales["amount"].astype(float).fillna(0.0)
    sales["role"] = sales["sku"].map(products.set_index("sku")["role"]) if len(products) else None
    return sales, problems


def rep_progress(issued, sales, daily_log, reps, clock, settings) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per rep with a target or with sales: progress, visits and expenses to date."""
    problems = []
    targets = issued["rep_targets"].copy()
    daily = issued["daily_targets"]
    to_date = daily[daily["date"] <= clock.as_of].groupby("rep_id")["daily_target"].sum()
    frame = targets[["rep_id", "name", "region", "target", *TIERS]].reset_index(drop=True)
    sold = sales_by(sales, ["rep_id"], clock)
    untargeted = [r for r in sold.index if r not in set(frame["rep_id"])]
    if untargeted:
        known = reps.set_index("rep_id") if len(reps) else pd.DataFrame(columns=["name", "region"])
        extra = pd.DataFrame({"rep_id": untargeted,
                              "name": [known["name"].get(r) for r in untargeted],
                              "region": [known["region"].get(r) for r in untargeted]})
        frame = pd.concat([frame, extra.assign(target=0.0, **{t: 0.0 for t in TIERS})], ignore_index=True)
        first = sales[sales["rep_id"].isin(untargeted)]
        problems.append(problem("actuals", int(first.index[0]), "rep_id", "sales-without-target",
                                f"业务员 {'、'.join(untargeted)} 有销售但没有下达目标，按目标0计入",
                                f"reps {', '.join(untargeted)} have sales but no issued target; counted with target 0",
                                "warning"))
    frame["target_to_date"] = frame["rep_id"].map(to_date).fillna(0.0)
    frame = frame.join(sold, on="rep_id").fillna({"actual": 0.0, "window_actual": 0.0})
    frame = progress_lines(frame, clock)
    return fill_activity(frame.join(visits_and_expenses(daily_log, clock), on="rep_id")), problems


def visits_and_expenses(daily_log: pd.DataFrame, clock: MonthClock) -> pd.DataFrame:
    """Per rep, this month up to ``as_of``: planned visits, visits made, planned visits missed, expenses."""
    log = month_log(daily_log, clock.as_of)
    planned, visited = flag_column(log, "planned"), flag_column(log, "visited")
    return pd.DataFrame({
        "rep_id": log["rep_id"],
        "visits_planned": planned.astype(int),
        "visits_done": visited.astype(int),
        "visits_missed": (planned & ~visited).astype(int),
        "expense": log["expense"].astype(float).fillna(0.0),
    }).groupby("rep_id").sum()


def fill_activity(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("visits_planned", "visits_done", "visits_missed"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["expense"] = frame["expense"].fillna(0.0)
    frame["expense_ratio"] = ratio(frame["expense"], frame["actual"])
    return frame


def with_expense_budget(reps: pd.DataFrame, expense_budget: pd.DataFrame | None) -> pd.DataFrame:
    """Add each rep's issued expense budget (``expense_budget``) and the share of it spent (``budget_used``).

    A rep's budget is the sum of the lines they hold (every category); a rep with no line, or a
    workbook without the Expense Budget sheet, has none (blank).
    """
    reps = reps.copy()
    if expense_budget is None or not len(expense_budget):
        reps["expense_budget"] = float("nan")
    else:
        held = expense_budget[expense_budget["rep_id"].notna() & (expense_budget["rep_id"].astype(str).str.strip() != "")]
        budgets = held.assign(budget=held["budget"].astype(float).fillna(0.0)).groupby("rep_id")["budget"].sum()
        reps["expense_budget"] = reps["rep_id"].map(budgets).astype(float)
    spent = reps["expense"].astype(float)
    budget = reps["expense_budget"]
    reps["budget_used"] = (spent / budget.where(budget > 0)).where(~((budget == 0) & (spent > 0)), float("inf"))
    return reps


def month_log(daily_log: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Daily Log rows of the as-of day's month, up to and including it."""
    dates = daily_log["date"]
    return daily_log[(dates.dt.to_period("M") == as_of.to_period("M")) & (dates <= as_of)]


def flag_column(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("boolean").fillna(False).astype(bool)


SUM_COLUMNS = ("target", *TIERS, "target_to_date", "actual", "window_actual",
               "visits_planned", "visits_done", "visits_missed", "expense")


def company_progress(reps: pd.DataFrame, clock: MonthClock) -> pd.DataFrame:
    total = reps[list(SUM_COLUMNS)].sum().to_frame().T
    total.insert(0, "scope", "全公司 Company")
    out = progress_lines(total, clock)
    out["expense_ratio"] = ratio(out["expense"], out["actual"])
    return out


def region_progress(reps: pd.DataFrame, clock: MonthClock) -> pd.DataFrame:
    regions = reps.assign(region=reps["region"].fillna("—")).groupby("region", sort=True)[list(SUM_COLUMNS)].sum()
    out = progress_lines(regions.reset_index(), clock)
    out["expense_ratio"] = ratio(out["expense"], out["actual"])
    return out


def role_progress(rep_sku_targets: pd.DataFrame, sales: pd.DataFrame, company: pd.DataFrame,
                  clock: MonthClock) -> pd.DataFrame:
    """Per product role: target, progress, and its share of the target and of actual sales (the mix)."""
    share_due = ratio(company["target_to_date"], company["target"]).fillna(0.0).iloc[0]
    targets = rep_sku_targets.groupby("role")["sku_target"].sum()
    sold = sales_by(sales, ["role"], clock)
    roles = [r for r in ROLE_KEYS if r in targets.index or r in sold.index]
    frame = pd.DataFrame({"role": roles})
    frame["target"] = frame["role"].map(targets).fillna(0.0)
    frame["target_to_date"] = frame["target"] * share_due
    frame = frame.join(sold, on="role").fillna({"actual": 0.0, "window_actual": 0.0})
    frame = progress_lines(frame, clock)
    frame["target_share"] = ratio(frame["target"], pd.Series(frame["target"].sum(), index=frame.index))
    frame["actual_share"] = ratio(frame["actual"], pd.Series(frame["actual"].sum(), index=frame.index))
    return frame


def core_outlet_progress(issued, sales, daily_log, reps, clock, settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Core outlets: progress against their target, last visit; and core outlet × SKU attainment."""
    outlets = issued["outlet_targets"]
    core = outlets[outlets["core"].astype("boolean").fillna(False).astype(bool)]
    rep_share = ratio(reps["target_to_date"], reps["target"])
    rep_share.index = reps["rep_id"]
    company_share = clock.time_elapsed
    frame = core[["outlet_id", "rep_id", "region", "outlet_target"]].rename(
        columns={"outlet_target": "target"}).reset_index(drop=True)
    frame["target_to_date"] = frame["target"] * frame["rep_id"].map(rep_share).fillna(company_share)
    frame = frame.join(sales_by(sales, ["outlet_id"], clock), on="outlet_id").fillna(
        {"actual": 0.0, "window_actual": 0.0})
    frame = progress_lines(frame, clock)
    visits = daily_log[flag_column(daily_log, "visited") & (daily_log["date"] <= clock.as_of)]
    last = visits.groupby("outlet_id")["date"].max()
    frame["last_visit"] = pd.to_datetime(last.reindex(frame["outlet_id"]).to_numpy())
    frame["days_since_visit"] = (clock.as_of - frame["last_visit"]).dt.days
    logged_days = (clock.as_of - clock.as_of.to_period("M").start_time).days + 1
    limit = settings.core_visit_days
    frame["not_visited"] = frame["days_since_visit"].fillna(logged_days) >= limit

    sku_targets = issued["core_outlet_sku_targets"]
    skus = sku_targets[sku_targets["outlet_id"].isin(set(frame["outlet_id"]))][
        ["outlet_id", "sku", "outlet_sku_target"]].rename(columns={"outlet_sku_target": "target"})
    sold = sales.groupby(["outlet_id", "sku"])["amount"].sum().rename("actual")
    skus = skus.join(sold, on=["outlet_id", "sku"]).fillna({"actual": 0.0}).reset_index(drop=True)
    skus["attainment"] = ratio(skus["actual"], skus["target"])
    skus = skus.merge(frame[["outlet_id", "rep_id"]], on="outlet_id", how="left")
    return frame, skus


def burnup_days(daily_targets: pd.DataFrame, sales: pd.DataFrame, calendar: pd.DataFrame,
                clock: MonthClock, company: pd.DataFrame) -> pd.DataFrame:
    """Every day of the month: target and actual, each daily and cumulative, and the run-rate forecast line.

    Cumulative actual stops at the as-of day; the forecast line starts there and
    climbs by the recent daily rate on each remaining working day, ending at the
    run-rate forecast.
    """
    frame = calendar[["date", "weekday", "working", "weight"]].reset_index(drop=True)
    frame["target"] = frame["date"].map(daily_targets.groupby("date")["daily_target"].sum()).fillna(0.0)
    frame["cumulative_target"] = frame["target"].cumsum().round(6)
    frame["actual"] = frame["date"].map(sales.groupby("date")["amount"].sum()).fillna(0.0)
    past = frame["date"] <= clock.as_of
    frame["cumulative_actual"] = frame["actual"].cumsum().round(6).where(past)
    frame["actual"] = frame["actual"].where(past)
    rate = float(company["daily_rate"].iloc[0])
    at_as_of = float(company["actual"].iloc[0])
    later_weight = frame["weight"].where(~past, 0.0).astype(float).cumsum()
    frame["forecast"] = (at_as_of + rate * later_weight).round(6).where(~past | (frame["date"] == clock.as_of))
    return frame


# ---------------------------------------------------------------- flags

FLAG_LABELS = {
    "behind-pace": "进度落后 Behind pace",
    "expense-ahead": "费用超前 Expense ahead of sales",
    "flagship-lag": "战斗机型落后 Flagship lagging",
    "outlet-not-visited": "核心店未拜访 Core outlet not visited",
    "visit-missed": "计划拜访未完成 Planned visit missed",
}


def collect_flags(reps, core, daily_log, rep_sku_targets, sales, company, clock, settings) -> pd.DataFrame:
    """Everything that needs a word, most urgent kind first; ``row`` is a Daily Log row where there is one."""
    rows: list[dict] = []

    def add(kind, rep_id, subject, zh, en, row=None):
        rows.append({"code": kind, "flag": FLAG_LABELS[kind], "rep_id": rep_id, "subject": subject,
                     "detail": f"{zh} / {en}", "row": row})

    threshold = settings.pace_threshold
    for r in reps[reps["pace"] < threshold].sort_values("pace").itertuples():
        need_zh = f"；每日需完成 {r.need_base:,.0f}" if pd.notna(r.need_base) else "；本月已无剩余工作日"
        need_en = f"; needs {r.need_base:,.0f} per working day" if pd.notna(r.need_base) else "; no working days left"
        add("behind-pace", r.rep_id, "", f"进度比 {r.pace:.1%}，低于 {threshold:.0%}{need_zh}",
            f"pace {r.pace:.1%} below {threshold:.0%}{need_en}")

    for r in expense_ahead(reps, settings.expense_budget_margin,
                           settings.expense_ratio_limit):
        add("expense-ahead", r["rep_id"], "", r["zh"], r["en"])

    rows += flagship_flags(reps, rep_sku_targets, sales, company, settings.mix_lag_threshold)

    for r in core[core["not_visited"]].sort_values(["rep_id", "outlet_id"]).itertuples():
        since = "本月未拜访 not visited this month" if pd.isna(r.last_visit) else (
            f"{int(r.days_since_visit)} 天未拜访（上次 {r.last_visit:%m-%d}）/ "
            f"not visited for {int(r.days_since_visit)} days (last {r.last_visit:%m-%d})")
        rows.append({"code": "outlet-not-visited", "flag": FLAG_LABELS["outlet-not-visited"], "rep_id": r.rep_id,
                     "subject": r.outlet_id, "detail": since, "row": None})

    log = month_log(daily_log, clock.as_of)
    missed = log[flag_column(log, "planned") & ~flag_column(log, "visited")]
    for row, r in missed.sort_values(["rep_id", "date"]).iterrows():
        add("visit-missed", r["rep_id"], r["outlet_id"] if pd.notna(r["outlet_id"]) else "",
            f"{r['date']:%m-%d} 计划拜访未完成", f"{r['date']:%m-%d} planned visit not made", int(row))
    frame = pd.DataFrame(rows, columns=["code", "flag", "rep_id", "subject", "detail", "row"])
    frame["name"] = frame["rep_id"].map(reps.set_index("rep_id")["name"])
    return frame


def expense_ahead(reps: pd.DataFrame, margin: float, limit: float) -> list[dict]:
    """Reps whose spending runs ahead of their sales, most ahead first.

    With an issued expense budget: the share of the budget spent (``budget_used``)
    exceeds the share of the month target achieved (``attainment``) by more than
    ``margin`` — 55 % of the budget spent on 40 % of the target is 15 points ahead.
    A rep without a budget line (or a workbook without the Expense Budget sheet)
    falls back to the expense-to-sales ratio: expenses above ``limit`` × sales.
    """
    found = []
    spending = reps[reps["expense"] > 0]
    for r in spending.itertuples():
        if pd.notna(r.expense_budget):
            achieved = r.actual / r.target if r.target > 0 else 0.0
            ahead = r.budget_used - achieved
            if ahead > margin + 1e-9:
                if math.isinf(r.budget_used):
                    zh, en = f"费用 {r.expense:,.0f}，预算为0", f"expenses {r.expense:,.0f} on a budget of 0"
                else:
                    zh = f"费用 {r.expense:,.0f}，已用预算 {r.budget_used:.1%}，目标完成 {achieved:.1%}，超前超过 {margin:.0%}"
                    en = (f"expenses {r.expense:,.0f}: {r.budget_used:.1%} of budget spent, {achieved:.1%} of target "
                          f"achieved, more than {margin:.0%} ahead")
                found.append({"rep_id": r.rep_id, "ahead": ahead, "zh": zh, "en": en})
        elif not r.expense_ratio <= limit:
            shown = "—" if pd.isna(r.expense_ratio) else f"{r.expense_ratio:.1%}"
            found.append({"rep_id": r.rep_id, "ahead": math.inf if pd.isna(r.expense_ratio) else r.expense_ratio - limit,
                          "zh": f"费用 {r.expense:,.0f}，费用率 {shown}，上限 {limit:.0%}（无费用预算）",
                          "en": f"expenses {r.expense:,.0f}, {shown} of sales, limit {limit:.0%} (no expense budget)"})
    return sorted(found, key=lambda f: -f["ahead"])


def flagship_flags(reps, rep_sku_targets, sales, company, threshold) -> list[dict]:
    """Flagship SKUs (company) and reps whose flagship attainment trails their overall attainment.

    A flagship SKU at 30 % attainment while the company is at 50 % is at 0.6 of
    the overall pace; below ``threshold`` (default 0.9) it is flagged, because the
    target structure needs the flagship share, not just the total.
    """
    rows = []
    label = FLAG_LABELS["flagship-lag"]
    flagship = rep_sku_targets[rep_sku_targets["role"] == "flagship"]
    if flagship.empty:
        return rows
    overall = float(company["attainment"].iloc[0]) if pd.notna(company["attainment"].iloc[0]) else 0.0
    flagship_sales = sales[sales["role"] == "flagship"]
    sku_actual = flagship_sales.groupby("sku")["amount"].sum()
    for sku, target in flagship.groupby("sku")["sku_target"].sum().items():
        attained = sku_actual.get(sku, 0.0) / target if target else float("nan")
        if target and overall > 0 and attained < threshold * overall:
            rows.append({"code": "flagship-lag", "flag": label, "rep_id": "", "subject": sku,
                         "detail": f"完成率 {attained:.1%}，整体 {overall:.1%} / attainment {attained:.1%}, "
                                   f"overall {overall:.1%}", "row": None})
    rep_target = flagship.groupby("rep_id")["sku_target"].sum()
    rep_actual = flagship_sales.groupby("rep_id")["amount"].sum()
    for r in reps.itertuples():
        target = rep_target.get(r.rep_id, 0.0)
        if not target or pd.isna(r.attainment) or r.attainment <= 0:
            continue
        attained = rep_actual.get(r.rep_id, 0.0) / target
        if attained < threshold * r.attainment:
            rows.append({"code": "flagship-lag", "flag": label, "rep_id": r.rep_id, "subject": "战斗机型 flagship",
                         "detail": f"战斗机型完成率 {attained:.1%}，本人整体 {r.attainment:.1%} / "
                                   f"flagship attainment {attained:.1%}, overall {r.attainment:.1%}", "row": None})
    return rows


# ---------------------------------------------------------------- the week

def month_weeks(month: pd.Period) -> pd.DataFrame:
    """The month's weeks, Monday to Sunday, cut at the month's ends: ``week``, ``start``, ``end``.

    December 2026 starts on a Tuesday: week 1 is Dec 1–6, week 2 Dec 7–13, …, week 5 Dec 28–31. A month
    that starts on a weekend keeps that weekend in week 1 with the following Monday to Sunday: February
    2026 starts on a Sunday, so week 1 is Feb 1–8 and week 2 Feb 9–15.
    """
    days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
    week = ((days - (days[0] - pd.Timedelta(days=days[0].weekday()))).days // 7) + 1
    if days[0].weekday() >= 5:  # the first "week" would be a lone weekend
        week = (week - 1).where(week > 1, 1)
    frame = pd.DataFrame({"date": days, "week": week})
    return frame.groupby("week")["date"].agg(start="min", end="max").reset_index()


@dataclass
class WeekReview:
    """What the ``周报 Weekly Review`` sheet shows for one week.

    Attributes:
        week, start, end: the week of the plan month.
        reps: one row per rep — week target and actual, month to date at the week's end, visits, expenses.
        issues: Daily Log rows of the week that raise something (feedback or a next action).
    """

    week: int
    start: pd.Timestamp
    end: pd.Timestamp
    reps: pd.DataFrame
    issues: pd.DataFrame


def weekly_review(week: int, issued: Mapping[str, pd.DataFrame], actuals: pd.DataFrame, daily_log: pd.DataFrame,
                  products: pd.DataFrame, reps: pd.DataFrame, calendar: pd.DataFrame,
                  settings: Settings) -> tuple[WeekReview | None, list[Problem]]:
    """Week ``week`` of the plan month for every rep: the week's figures and the month to date at its end."""
    month = settings.plan_month
    weeks = month_weeks(month)
    if week not in set(weeks["week"]):
        return None, [problem(None, None, None, "no-such-week",
                              f"{month} 只有第 1–{len(weeks)} 周，没有第 {week} 周",
                              f"{month} has weeks 1–{len(weeks)}, not week {week}")]
    start, end = weeks.set_index("week").loc[week, ["start", "end"]]
    problems = check_issued_month(issued["rep_targets"], month)
    if problems:
        return None, problems
    clock = month_clock(calendar, end, settings.run_rate_days)
    sales, problems = month_sales(actuals, month, end, products)
    problems = [p for p in problems if p.code != "after-as-of"]  # later weeks' sales are expected
    at_end, found = rep_progress(issued, sales, daily_log, reps, clock, settings)
    problems += found
    daily = issued["daily_targets"]
    in_week = (daily["date"] >= start) & (daily["date"] <= end)
    week_target = daily[in_week].groupby("rep_id")["daily_target"].sum()
    week_sales = sales[sales["date"] >= start].groupby("rep_id")["amount"].sum()
    log = month_log(daily_log, end)
    log = log[log["date"] >= start]
    week_activity = visits_and_expenses(log, clock).add_prefix("week_")
    frame = at_end.join(week_activity, on="rep_id")
    frame["week_target"] = frame["rep_id"].map(week_target).fillna(0.0)
    frame["week_actual"] = frame["rep_id"].map(week_sales).fillna(0.0)
    frame["week_attainment"] = ratio(frame["week_actual"], frame["week_target"])
    for column in ("week_visits_planned", "week_visits_done", "week_visits_missed"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["week_expense"] = frame["week_expense"].fillna(0.0)
    raised = log[log["feedback"].notna() | log["next_action"].notna()]
    issues = raised[["date", "rep_id", "outlet_id", "feedback", "next_action"]].sort_values(
        ["rep_id", "date"], kind="stable")
    return WeekReview(week, start, end, frame, issues), problems

