"""Month-end close 月末考核: every rep settled under the rules on the sheet, and the month's totals.

At the end of the month each rep's actual sales are set against the target as
issued. The "game rules" (游戏规则) live on the ``激励规则 Incentive Rules``
sheet, so reward and penalty are visible and the same for everyone they apply
to. :func:`close_month` reads them (:mod:`salesxl.core.incentive_rules`),
settles every rep (:mod:`salesxl.core.payout`, where the pay order is told),
and totals the month by region, product role and core outlet, with a summary
and the chart's data. It reads no files.

What the close decides beyond the rules themselves (the Incentive Rules
sheet's notes in the contract and the README's "Month-end close" say the same):

* a rep without a target (0) is not settled at all, and the close warns;
* the issued target stands for a rep hired during the month: nothing is
  pro-rated at the close (the new-rep period and share shape the target when it
  is issued, at the breakdown), and the rep's pay lines say when they were hired;
* the expense condition checks the Expense Requests reviewed at the close, as of
  the month's last day, against the issued Expense Budget, not an Expense Ledger
  written earlier in the month.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from ..problems import Problem, problem
from .calendar import month_calendar
from .expense_review import review_requests
from .incentive_rules import Plan, plan_for, read_rules
from ..terms import ROLE_KEYS as ROLES
from .payout import EPS, TIER_NAME, PayLine, RepFacts, attainment, bonus_tier, settle
from .settings import Settings

@dataclass(frozen=True)
class MonthEnd:
    """What the close works from, each frame as its sheet reads (indexed by Excel row).

    Attributes:
        rep_targets: issued ``month, rep_id, name, region, target, base, challenge, sprint``.
        rep_sku_targets: issued ``rep_id, sku, role, sku_target``.
        outlet_targets: issued ``outlet_id, rep_id, region, core, outlet_target``.
        core_outlet_sku_targets: issued ``outlet_id, sku, outlet_sku_target``.
        actuals: ``date, rep_id, outlet_id, sku, qty, amount``.
        products: ``sku, role`` (the role of each SKU sold).
        rules: the Incentive Rules sheet.
        outlets: ``outlet_id, name``; regions: ``region``; reps: ``rep_id`` (names a scope may use).
        signatures: ``rep_id, signed`` from the agreement step, or None if it recorded none.
        expense_budget: the issued budget lines (``level, region, rep_id, category, budget``), or None when
            the expenses step has not issued one; expense_requests: the Expense Requests sheet. The close
            reviews the requests itself, as of the month's last day (:func:`expense_use`).
        calendar: the Calendar sheet's overrides (``date, status, weight``), to know the month's working days.
    """

    rep_targets: pd.DataFrame
    rep_sku_targets: pd.DataFrame
    outlet_targets: pd.DataFrame
    core_outlet_sku_targets: pd.DataFrame
    actuals: pd.DataFrame
    products: pd.DataFrame
    rules: pd.DataFrame
    outlets: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    reps: pd.DataFrame | None = None
    signatures: pd.DataFrame | None = None
    expense_budget: pd.DataFrame | None = None
    expense_requests: pd.DataFrame | None = None
    calendar: pd.DataFrame | None = None


@dataclass
class Performance:
    """The month-end result, one frame per block of the performance sheet.

    Attributes:
        month: the month closed.
        reps: one row per rep with a target, ranked by attainment.
        lines: every rep's pay lines (one per rule applied), in the reps' order: the parts and the net of
            each rep are the sums of its lines.
        regions: one row per region and a company row.
        roles: one row per product role and a total row.
        core_outlets: one row per core outlet.
        summary: the month-end summary block (item, who, amount, attainment).
        chart: rep label, attainment and the three tier lines, best first.
        rules: the rule rows applied, with how many reps follow each scope.
        notes: bilingual lines the sheet shows under its title.
    """

    month: pd.Period
    reps: pd.DataFrame
    lines: pd.DataFrame
    regions: pd.DataFrame
    roles: pd.DataFrame
    core_outlets: pd.DataFrame
    summary: pd.DataFrame
    chart: pd.DataFrame
    rules: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def close_month(books: MonthEnd, settings: Settings, month: pd.Period) -> tuple[Performance | None, list[Problem]]:
    """Close ``month``: settle every rep under their rules and total by region, role and core outlet."""
    problems = check_targets(books.rep_targets, month)
    actuals, found = month_actuals(books.actuals, month, set(books.rep_targets["rep_id"].astype(str)))
    problems += found
    regions = set(books.rep_targets["region"].dropna().astype(str))
    if books.regions is not None:
        regions |= set(books.regions["region"].dropna().astype(str))
    rep_ids = set(books.rep_targets["rep_id"].astype(str))
    if books.reps is not None:
        rep_ids |= set(books.reps["rep_id"].dropna().astype(str))
    plans, found = read_rules(books.rules, regions, rep_ids)
    problems += found
    if any(p.severity == "error" for p in problems):
        return None, problems

    unit = float(settings.payout_unit)
    unknown_signature = settings.signature_unknown
    role_of = dict(zip(books.products["sku"].astype(str), books.products["role"]))
    actuals = actuals.assign(role=actuals["sku"].map(lambda s: role_of.get(str(s)) if s is not None else None))
    expenses, found = expense_use(books, plans, settings, month)
    problems += found
    if any(p.severity == "error" for p in problems):
        return None, problems
    notes, found = checkability_notes(books, plans, unknown_signature, expenses is not None, month)
    problems += found
    found = month_not_over(actuals, month, settings.country, books.calendar)
    problems += found
    notes += [f"{p.message_zh} | {p.message_en}" for p in found]

    reps, lines, found = settle_reps(books, plans, actuals, expenses, month, unit, unknown_signature)
    problems += found
    performance = Performance(
        month=month, reps=reps, lines=lines,
        regions=region_totals(reps),
        roles=role_totals(books.rep_sku_targets, actuals),
        core_outlets=core_outlet_totals(books, actuals),
        summary=summary_block(reps, int(settings.summary_top_n)),
        chart=chart_data(reps),
        rules=rules_applied(books.rules, plans, reps),
        notes=notes,
    )
    return performance, problems


def check_targets(rep_targets: pd.DataFrame, month: pd.Period) -> list[Problem]:
    """The issued targets exist and are for the month being closed."""
    if rep_targets.empty:
        return [problem("rep_targets", None, None, "no-targets",
                        "没有已下达的业务员目标，请先运行分解 (salesxl breakdown)",
                        "no issued rep targets; run the breakdown first (salesxl breakdown)")]
    problems = []
    wrong = rep_targets[rep_targets["month"] != month]
    for other, rows in wrong.groupby(wrong["month"].astype(str), sort=True):
        problems.append(problem("rep_targets", int(rows.index[0]), "month", "targets-other-month",
                                f"已下达的目标是 {other} 的，不是要考核的 {month}",
                                f"the issued targets are for {other}, not {month} being closed"))
    return problems


def month_actuals(actuals: pd.DataFrame, month: pd.Period, rep_ids: set[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """The actual sales rows of ``month`` by reps who have a target; the rest are said, not counted."""
    problems = []
    in_month = actuals[actuals["date"].dt.to_period("M") == month]
    if in_month.empty:
        return in_month, [problem("actuals", None, None, "no-actuals",
                                  f"没有 {month} 的实际销售，无法月末考核；请先填写“实际销售”",
                                  f"there are no actual sales for {month}, so the month cannot be closed; "
                                  "fill the Actuals sheet first")]
    outside = len(actuals) - len(in_month)
    if outside:
        problems.append(problem("actuals", None, "date", "outside-month",
                                f"{outside} 行不在 {month}，未计入", f"{outside} rows are not in {month} and were not counted",
                                "notice"))
    stray = in_month[~in_month["rep_id"].astype(str).isin(rep_ids)]
    for row, rep in stray["rep_id"].head(20).items():
        problems.append(problem("actuals", int(row), "rep_id", "rep-without-target",
                                f"业务员“{rep}”本月没有下达目标，此行未计入考核",
                                f"rep '{rep}' has no issued target this month; this row is not counted", "warning"))
    if len(stray) > 20:
        problems.append(problem("actuals", None, "rep_id", "rep-without-target",
                                f"另有 {len(stray) - 20} 行的业务员没有目标", f"{len(stray) - 20} more rows are by reps without a target",
                                "warning"))
    return in_month[in_month["rep_id"].astype(str).isin(rep_ids)], problems


def month_not_over(actuals: pd.DataFrame, month: pd.Period, country: str,
                   calendar: pd.DataFrame | None) -> list[Problem]:
    """Closing before the month's last working day is allowed (a preview) but said plainly."""
    days, found = month_calendar(month, country, calendar)
    if found or days.empty:
        return []
    last = actuals["date"].max()
    left = int(((days["date"] > last) & (days["weight"] > 0)).sum())
    if not left:
        return []
    return [problem("actuals", None, "date", "month-not-over",
                    f"实际销售只到 {last:%Y-%m-%d}，本月其后还有 {left} 个工作日：这是截至该日的结果",
                    f"actual sales run only to {last:%Y-%m-%d} and {left} working days of the month follow: "
                    "this is the result so far", "warning")]


def expense_use(books: MonthEnd, plans: dict[str, Plan], settings: Settings, month: pd.Period
                ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Each rep's expense budget and verified spend (``rep_id, budget, used``), for the expense condition.

    The close reviews the Expense Requests itself, against the issued Expense Budget and as of the month's
    last day, so every request of the month counts as it stands at the close, whenever the Expense Ledger
    was last written. None when no rule checks expenses or no budget was issued. A request the review
    cannot place is an error here too (whose budget it uses decides a rep's pay); the review's findings
    (late approvals, unapproved spend) are the Expense Ledger's to show.
    """
    lines = books.expense_budget
    if not any(p.expenses for p in plans.values()) or lines is None or lines.empty:
        return None, []
    held = lines[lines["level"] == "rep"]
    budget = held.groupby(held["rep_id"].astype(str), sort=True)["budget"].sum()
    requests = books.expense_requests
    if requests is None or requests.empty:
        return pd.DataFrame({"rep_id": budget.index, "budget": budget.to_numpy(), "used": 0.0}), []
    ledger, found = review_requests(requests, lines, books.reps, books.regions, replace(settings, plan_month=month),
                                    books.calendar, month.end_time.normalize())
    errors = [p for p in found if p.severity == "error"]
    if ledger is None or errors:
        return None, errors
    by_rep = ledger.by_rep
    return pd.DataFrame({"rep_id": by_rep["rep_id"].astype(str).to_numpy(), "budget": by_rep["budget"].to_numpy(),
                         "used": by_rep["verified"].to_numpy()}), []


def checkability_notes(books: MonthEnd, plans: dict[str, Plan], unknown_signature: str, expenses_checked: bool,
                       month: pd.Period) -> tuple[list[str], list[Problem]]:
    """Say which rules could not be checked for want of a record (signatures, expense budget), and which date
    the expense condition was checked at."""
    notes, problems = [], []
    signing = [p for p in plans.values() if p.must_sign]
    known = set()
    if books.signatures is not None:
        known = set(books.signatures.loc[books.signatures["signed"].notna(), "rep_id"].astype(str))
    if signing and not set(books.rep_targets["rep_id"].astype(str)) <= known:
        row = first_row(books.rules, "signed")
        how_zh, how_en = ("照发", "paid") if unknown_signature == "pay" else ("暂扣", "withheld")
        zh = f"部分或全部业务员没有签署记录：“须签署”规则无法核对，按设置{how_zh}"
        en = f"some or all reps have no signature record: the must-be-signed rule cannot be checked; per Settings {how_en}"
        notes.append(f"{zh} | {en}")
        problems.append(problem("incentive_rules", row, "rule", "not-checkable", zh, en, "notice"))
    if any(p.expenses for p in plans.values()):
        if expenses_checked:
            last = month.end_time
            notes.append(f"费用条件：结算时按月末 {last:%Y-%m-%d} 重新审核“费用申请”，以已核查支出对照已下达的费用预算"
                         f"（不用较早写出的费用台账） | expense condition: the Expense Requests are reviewed at the close "
                         f"as of the month's last day, {last:%Y-%m-%d}, and their verified spend set against the "
                         "issued Expense Budget (not an Expense Ledger written earlier)")
        else:
            row = first_row(books.rules, "expense")
            zh = "没有已下达的费用预算：费用条件未核对（先运行 salesxl expenses）"
            en = "there is no issued Expense Budget: the expense condition was not checked (run salesxl expenses first)"
            notes.append(f"{zh} | {en}")
            problems.append(problem("incentive_rules", row, "rule", "not-checkable", zh, en, "notice"))
    if not plans:
        zh, en = "没有激励规则：只计算达成，不计奖罚", "there are no incentive rules: attainment only, no reward or penalty"
        notes.append(f"{zh} | {en}")
        problems.append(problem("incentive_rules", None, None, "no-rules", zh, en, "warning"))
    return notes, problems


def first_row(rules: pd.DataFrame, kind: str) -> int | None:
    rows = rules.index[rules["rule"] == kind]
    return int(rows[0]) if len(rows) else None


REP_COLUMNS = ["rep_id", "name", "region", "scope", "target", "base", "challenge", "sprint", "actual", "attainment",
               "tier", "next_tier", "next_at", "short_by", *[f"att_{r}" for r in ROLES], "expense_budget",
               "expense_used", "expense_ratio", "signed", "bonus", "commission", "withheld", "cap_cut", "reward",
               "penalty", "net", "below_floor", "rank_region", "rank_company", "reason_zh", "reason_en"]

LINE_COLUMNS = ["rep_id", "line", "part", "rule", "row", "zh", "en", "start", "end", "base", "rate", "amount"]


def settle_reps(books: MonthEnd, plans: dict[str, Plan], actuals: pd.DataFrame, expenses: pd.DataFrame | None,
                month: pd.Period, unit: float, unknown_signature: str
                ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """One row per rep with a target (the figures, the settlement, the ranks), every rep's pay lines, and what
    the close has to say about a rep (no target, a tier paid with a lower tier's bonus)."""
    actual_by_rep = actuals.groupby(actuals["rep_id"].astype(str))["amount"].sum().to_dict()
    role_actual = actuals.groupby([actuals["rep_id"].astype(str), "role"])["amount"].sum().to_dict()
    skus = books.rep_sku_targets
    role_target = skus.groupby([skus["rep_id"].astype(str), "role"])["sku_target"].sum().to_dict()
    signed = {}
    if books.signatures is not None:
        signed = {str(r): (None if pd.isna(s) else bool(s))
                  for r, s in zip(books.signatures["rep_id"], books.signatures["signed"])}
    expense = {}
    if expenses is not None:
        expense = {str(r): (float(b), float(u)) for r, b, u in zip(expenses["rep_id"], expenses["budget"],
                                                                   expenses["used"])}
    hired = hire_dates(books.reps)
    rows, lines, problems, fallbacks = [], {}, [], set()
    for excel_row, t in books.rep_targets.iterrows():
        rep = str(t["rep_id"])
        plan = plan_for(plans, rep, str(t["region"]))
        roles = {r: (float(role_target.get((rep, r), 0.0)), round(float(role_actual.get((rep, r), 0.0)), 2))
                 for r in ROLES}
        budget, used = expense.get(rep, (0.0, 0.0)) if expenses is not None else (None, None)
        facts = RepFacts(float(t["target"]), float(t["base"]), float(t["challenge"]), float(t["sprint"]),
                         round(float(actual_by_rep.get(rep, 0.0)), 2), roles, signed.get(rep), budget, used)
        s = settle(plan, facts, unit, unknown_signature)
        reason_zh, reason_en, own = s.reason_zh, s.reason_en, list(s.lines)
        hire = hired.get(rep)
        if hire is not None and hire > month.start_time:
            zh, en = f"{hire:%Y-%m-%d} 入职：按下达的目标考核，不折算", f"hired {hire:%Y-%m-%d}: the issued target stands, not pro-rated"
            own.append(PayLine("", "hire", None, zh, en))
            reason_zh, reason_en = f"{reason_zh}；{zh}", f"{reason_en}; {en}"
        if s.attainment is None:
            problems.append(problem("rep_targets", int(excel_row), "target", "no-target",
                                    f"业务员“{rep}”没有目标：不结算（{s.reason_zh}）",
                                    f"rep '{rep}' has no target: not settled ({s.reason_en})", "warning"))
        problems += bonus_fallback(plan, s, rep, fallbacks)
        lines[rep] = own
        rows.append({
            "rep_id": rep, "name": t.get("name"), "region": t["region"], "scope": plan.scope,
            "target": facts.target, "base": facts.base, "challenge": facts.challenge, "sprint": facts.sprint,
            "actual": facts.actual, "attainment": s.attainment, "tier": s.tier, "next_tier": s.next_tier,
            "next_at": s.next_at, "short_by": s.short_by,
            **{f"att_{r}": attainment(roles[r][1], roles[r][0]) for r in ROLES},
            "expense_budget": budget, "expense_used": used,
            "expense_ratio": attainment(used, budget) if budget is not None else None,
            "signed": facts.signed, "bonus": s.bonus, "commission": s.commission, "withheld": s.withheld,
            "cap_cut": s.cap_cut, "reward": s.reward, "penalty": s.penalty, "net": s.net,
            "below_floor": s.below_floor, "reason_zh": reason_zh, "reason_en": reason_en,
        })
    frame = pd.DataFrame(rows, columns=[c for c in REP_COLUMNS if c not in ("rank_region", "rank_company")])
    for column in ["attainment", "next_at", "short_by", *[f"att_{r}" for r in ROLES], "expense_budget",
                   "expense_used", "expense_ratio"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    score = frame["attainment"].round(9)
    frame["rank_company"] = score.rank(method="min", ascending=False).astype("Int64")
    frame["rank_region"] = score.groupby(frame["region"]).rank(method="min", ascending=False).astype("Int64")
    order = frame.assign(_missing=frame["rank_company"].isna()).sort_values(
        ["_missing", "rank_company", "rep_id"], kind="stable")
    reps = order[REP_COLUMNS].reset_index(drop=True)
    return reps, pay_lines(reps["rep_id"], lines), problems


def hire_dates(reps: pd.DataFrame | None) -> dict[str, pd.Timestamp]:
    if reps is None or "hire_date" not in reps:
        return {}
    dates = pd.to_datetime(reps["hire_date"], errors="coerce")
    return {str(r): d for r, d in zip(reps["rep_id"], dates) if pd.notna(d)}


def bonus_fallback(plan: Plan, s, rep: str, said: set) -> list[Problem]:
    """A notice, once per set of rules and tier, when a rep reached a tier the rules give no bonus for and was
    paid the bonus of the tier below (the rule sheet may be incomplete)."""
    lower = bonus_tier(plan, s.tier)
    if lower is None or lower == s.tier or (plan.scope, s.tier) in said:
        return []
    said.add((plan.scope, s.tier))
    who_zh, who_en = f"“{plan.scope}”的规则" if plan.scope else "全体规则", \
        f"the rules for {plan.scope}" if plan.scope else "the rules for everyone"
    return [problem("incentive_rules", plan.rows.get(f"bonus:{lower}"), "tier", "tier-without-bonus",
                    f"{who_zh}没有{TIER_NAME[s.tier][0]}档奖金行：{rep} 达到{TIER_NAME[s.tier][0]}，"
                    f"按{TIER_NAME[lower][0]}档奖金发放",
                    f"{who_en} have no {s.tier} bonus row: {rep} reached {s.tier} and is paid the {lower} bonus",
                    "notice")]


def pay_lines(order: pd.Series, lines: dict[str, list[PayLine]]) -> pd.DataFrame:
    """Every rep's lines, reps in the sheet's order, each rep's lines numbered from 1 in pay order."""
    rows = [{"rep_id": rep, "line": i, **vars(line)} for rep in order for i, line in enumerate(lines[rep], start=1)]
    frame = pd.DataFrame(rows, columns=LINE_COLUMNS)
    for column in ("start", "end", "base", "rate", "amount"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["line"] = frame["line"].astype("int64")
    frame["row"] = frame["row"].astype("Int64")
    return frame


COMPANY = "全公司 Company"
TOTAL = "合计 Total"


def region_totals(reps: pd.DataFrame) -> pd.DataFrame:
    """Per region and for the company: reps, target, actual, attainment, reps at base or above, payouts."""
    def block(frame: pd.DataFrame, name: str) -> dict:
        target, actual = frame["target"].sum(), frame["actual"].sum()
        return {"region": name, "reps": len(frame), "target": target, "actual": round(actual, 2),
                "attainment": attainment(actual, target), "reps_at_base": int((frame["tier"] != "none").sum()),
                "reward": round(frame["reward"].sum(), 2), "penalty": round(frame["penalty"].sum(), 2),
                "net": round(frame["net"].sum(), 2)}
    rows = [block(group, str(region)) for region, group in reps.groupby("region", sort=True)]
    rows.append(block(reps, COMPANY))
    out = pd.DataFrame(rows)
    out["attainment"] = out["attainment"].astype("float64")
    return out


def role_totals(rep_sku_targets: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """Per product role: issued target, actual and attainment; sales without a SKU on their own row."""
    target = rep_sku_targets.groupby("role")["sku_target"].sum()
    actual = actuals.groupby("role")["amount"].sum()
    rows = [{"role": r, "target": float(target.get(r, 0.0)), "actual": round(float(actual.get(r, 0.0)), 2)}
            for r in ROLES if r in target.index or r in actual.index]
    unassigned = actuals.loc[actuals["role"].isna(), "amount"].sum()
    if actuals["role"].isna().any():
        rows.append({"role": "none", "target": 0.0, "actual": round(float(unassigned), 2)})
    rows.append({"role": "total", "target": float(target.sum()), "actual": round(float(actuals["amount"].sum()), 2)})
    out = pd.DataFrame(rows, columns=["role", "target", "actual"])
    out["attainment"] = [attainment(a, t) for a, t in zip(out["actual"], out["target"])]
    out["attainment"] = out["attainment"].astype("float64")
    return out


def core_outlet_totals(books: MonthEnd, actuals: pd.DataFrame) -> pd.DataFrame:
    """Per core outlet: target, actual, attainment, and how many of its SKU targets were met."""
    columns = ["outlet_id", "name", "rep_id", "region", "target", "actual", "attainment", "skus_targeted",
               "skus_met"]
    outlets = books.outlet_targets[books.outlet_targets["core"].fillna(False).astype(bool)]
    if outlets.empty:
        return pd.DataFrame(columns=columns)
    sold = actuals[actuals["outlet_id"].notna()]
    sold = sold.assign(outlet_id=sold["outlet_id"].astype(str), sku=sold["sku"].astype(str))
    by_outlet = sold.groupby("outlet_id")["amount"].sum()
    by_outlet_sku = sold.groupby(["outlet_id", "sku"])["amount"].sum()
    lines = books.core_outlet_sku_targets
    lines = lines[lines["outlet_sku_target"] > 0]
    lines = pd.DataFrame({"outlet_id": lines["outlet_id"].astype(str).to_numpy(),
                          "sku": lines["sku"].astype(str).to_numpy(),
                          "target": lines["outlet_sku_target"].to_numpy(dtype="float64")})
    keys = pd.MultiIndex.from_arrays([lines["outlet_id"], lines["sku"]])
    lines["met"] = by_outlet_sku.reindex(keys).fillna(0.0).to_numpy() >= lines["target"].to_numpy() - EPS
    counted = lines.groupby("outlet_id").agg(targeted=("sku", "size"), met=("met", "sum"))
    names = {}
    if books.outlets is not None:
        names = dict(zip(books.outlets["outlet_id"].astype(str), books.outlets["name"]))
    ids = outlets["outlet_id"].astype(str)
    out = pd.DataFrame({
        "outlet_id": ids.to_numpy(), "name": ids.map(names).to_numpy(), "rep_id": outlets["rep_id"].to_numpy(),
        "region": outlets["region"].to_numpy(), "target": outlets["outlet_target"].to_numpy(dtype="float64"),
        "actual": ids.map(by_outlet).fillna(0.0).round(2).to_numpy(),
        "skus_targeted": ids.map(counted["targeted"]).fillna(0).astype("int64").to_numpy(),
        "skus_met": ids.map(counted["met"]).fillna(0).astype("int64").to_numpy(),
    })
    out["attainment"] = [attainment(a, t) for a, t in zip(out["actual"], out["target"])]
    out["attainment"] = out["attainment"].astype("float64")
    return out[columns]


def summary_block(reps: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The month on a few lines: total vs target, top and bottom performers, reps under the floor, payouts."""
    target, actual = reps["target"].sum(), round(reps["actual"].sum(), 2)
    rows = [
        ("month_target", "", target, None),
        ("month_actual", "", actual, attainment(actual, target)),
        ("month_gap", "", round(actual - target, 2), None),
    ]
    ranked = reps[reps["attainment"].notna()]
    who = lambda r: f"{r['name']} {r['rep_id']}" if isinstance(r["name"], str) and r["name"] else r["rep_id"]  # noqa: E731
    for i, (_, r) in enumerate(ranked.head(top_n).iterrows(), start=1):
        rows.append((f"top:{i}", who(r), r["actual"], r["attainment"]))
    bottom = ranked.iloc[::-1].head(min(top_n, max(len(ranked) - top_n, 0)))
    for i, (_, r) in enumerate(bottom.iterrows(), start=1):
        rows.append((f"bottom:{i}", who(r), r["actual"], r["attainment"]))
    under = reps[reps["below_floor"]]
    for _, r in under.iterrows():
        rows.append(("under_floor", who(r), r["actual"], r["attainment"]))
    if under.empty:
        rows.append(("under_floor", "", None, None))
    rows += [
        ("rewards", "", round(reps["reward"].sum(), 2), None),
        ("penalties", "", round(reps["penalty"].sum(), 2), None),
        ("net", "", round(reps["net"].sum(), 2), None),
    ]
    out = pd.DataFrame(rows, columns=["item", "who", "amount", "attainment"])
    out["amount"] = out["amount"].astype("float64")
    out["attainment"] = out["attainment"].astype("float64")
    return out


def chart_data(reps: pd.DataFrame) -> pd.DataFrame:
    """Attainment by rep, best first, with each rep's tier lines (tier amount ÷ target)."""
    ranked = reps[reps["attainment"].notna()]
    label = [f"{n} {r}" if isinstance(n, str) and n else r for n, r in zip(ranked["name"], ranked["rep_id"])]
    return pd.DataFrame({
        "rep": label,
        "attainment": ranked["attainment"].to_numpy(),
        "base": (ranked["base"] / ranked["target"]).to_numpy(),
        "challenge": (ranked["challenge"] / ranked["target"]).to_numpy(),
        "sprint": (ranked["sprint"] / ranked["target"]).to_numpy(),
    })


def rules_applied(rules: pd.DataFrame, plans: dict[str, Plan], reps: pd.DataFrame) -> pd.DataFrame:
    """The rule rows as read, with their row on the sheet and how many reps follow each row's scope."""
    out = rules.copy()
    out.insert(0, "row", rules.index.to_numpy(dtype="int64"))
    out["scope"] = out["scope"].map(lambda s: "" if s is None or pd.isna(s) else str(s).strip())
    followers = reps.groupby("scope")["rep_id"].count()
    out["reps"] = out["scope"].map(lambda s: int(followers.get(s, 0))).astype("int64")
    return out.reset_index(drop=True)
