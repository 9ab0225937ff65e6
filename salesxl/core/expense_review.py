"""The review of the expense requests 费用审核: two approval levels, a running balance, verified spend.

The ``费用申请 Expense Requests`` log is checked in request-date order against
the budget issued with the targets (:mod:`salesxl.core.expense_budget`). A
rep's request must be approved at region level (a manager of the rep's region
on the Reps sheet), a region's request at HQ (a name in the Settings' HQ
approvers). An approval counts only if it names who and when, is not the
requester's own, is at the right level and fits in what remains of the holder's
budget for the category; otherwise it is *refused* — listed as a finding with
its row and not counted, so later requests see the balance unchanged. Verified
spend 核查 beyond the counted approval is unapproved spend. Findings are
warnings: the ledger is still written, and shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..problems import Problem, problem
from .calendar import month_calendar
from .expense_budget import EPSILON, folded, money, text
from .settings import Settings

HQ_WORDS = {"总部", "hq", "headquarters", "总部hq"}


@dataclass
class People:
    """Who is who, for placing requesters and approvers at their level.

    Reps are known by ID and name; region managers by the Reps sheet's manager column (a manager of any rep
    in a region manages that region); a region may also be named by itself; HQ approvers come from Settings.
    """

    rep_by_key: dict[str, str] = field(default_factory=dict)
    rep_region: dict[str, str] = field(default_factory=dict)
    rep_name: dict[str, str] = field(default_factory=dict)
    managed: dict[str, set[str]] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    hq: set[str] = field(default_factory=set)

    @classmethod
    def from_sheets(cls, reps: pd.DataFrame, regions: pd.DataFrame, hq_approvers: str) -> "People":
        people = cls()
        for rep_id, name, region, manager in zip(reps["rep_id"], reps["name"], reps["region"], reps["manager"]):
            people.rep_by_key.setdefault(folded(name), rep_id)
            people.rep_region[rep_id], people.rep_name[rep_id] = region, name
            if isinstance(manager, str) and manager.strip():
                people.managed.setdefault(folded(manager), set()).add(region)
        for rep_id in reps["rep_id"]:
            people.rep_by_key[folded(rep_id)] = rep_id  # an ID wins over a name spelled the same
        for region in regions["region"]:
            people.regions[folded(region)] = region
        people.hq = {folded(n) for n in split_names(hq_approvers)} | HQ_WORDS
        return people

    def rep(self, who) -> str | None:
        return self.rep_by_key.get(folded(who))

    def region_of_requester(self, who) -> str | None:
        """A region request's requester: the region itself, or the manager of exactly one region."""
        key = folded(who)
        if key in self.regions:
            return self.regions[key]
        managed = self.managed.get(key, set())
        return next(iter(managed)) if len(managed) == 1 else None

    def roles(self, who) -> tuple[bool, set[str], str | None]:
        """``(is_hq, regions managed or named, rep_id)`` of an approver."""
        key = folded(who)
        regions = set(self.managed.get(key, set()))
        if key in self.regions:
            regions.add(self.regions[key])
        return key in self.hq, regions, self.rep_by_key.get(key)


def split_names(text) -> list[str]:
    if not isinstance(text, str):
        return []
    for mark in "，、;；/\n":
        text = text.replace(mark, ",")
    return [n.strip() for n in text.split(",") if n.strip()]


@dataclass
class ExpenseLedger:
    """The request log reviewed against the issued budget.

    Attributes:
        log: every request of the month in request-date order with its outcome: ``holder_level``,
            ``region``, ``rep_id``, ``counted`` (approval counted against the budget), ``refused`` (approved on
            the sheet but not counted), ``remaining_after`` (the holder's balance in the category after it),
            ``covered`` (verified spend within the counted approval), ``unapproved`` (verified spend beyond it),
            ``findings`` (codes).
        by_holder: one row per holder and category (every budget line and every holder with requests):
            ``level``, ``region``, ``rep_id``, ``name``, ``category``, ``budget``, ``requested``, ``approved``,
            ``refused``, ``verified``, ``unapproved``, ``remaining``, ``burn`` (verified / budget),
            ``elapsed``, ``pace`` (burn − elapsed).
        by_rep: the same measures per rep, all categories together.
        by_region: the same measures per region (its own lines plus its reps').
        findings: one row per finding: ``excel_row``, ``request_id``, ``code``, ``message_zh``, ``message_en``.
        as_of, working_days, working_days_elapsed, elapsed: time elapsed in the month, by working-day weight.
        other_months: how many requests fell outside the plan month (left out).
    """

    log: pd.DataFrame
    by_holder: pd.DataFrame
    by_rep: pd.DataFrame
    by_region: pd.DataFrame
    findings: pd.DataFrame
    as_of: pd.Timestamp
    working_days: float
    working_days_elapsed: float
    elapsed: float
    other_months: int = 0


MEASURES = ["budget", "requested", "approved", "refused", "verified", "unapproved", "remaining"]


def review_requests(requests: pd.DataFrame, budget_lines: pd.DataFrame, reps: pd.DataFrame,
                    regions: pd.DataFrame, settings: Settings, calendar_overrides: pd.DataFrame | None = None,
                    as_of: pd.Timestamp | None = None) -> tuple[ExpenseLedger | None, list[Problem]]:
    """Check every request of the plan month against the two-level rules and the running balance.

    ``budget_lines`` is the issued budget (``level``, ``region``, ``rep_id``, ``category``, ``budget``).
    ``as_of`` (default: the latest request or decision date of the month) sets the time elapsed.
    Settings used: ``plan_month``, ``country``, ``hq_approvers``.
    """
    month = settings.plan_month
    problems: list[Problem] = []
    if budget_lines.empty:
        return None, [problem("expense_budget", None, None, "run-expenses-first",
                              "没有费用预算：请先运行费用预算（salesxl expenses）",
                              "there is no Expense Budget: run the expenses step first (salesxl expenses)")]
    people = People.from_sheets(reps, regions, settings.hq_approvers)
    in_month = requests["date"].dt.to_period("M") == month
    other_months = int((~in_month).sum())
    if other_months:
        problems.append(problem("expense_requests", int(requests.index[~in_month][0]), "date",
                                "request-outside-month",
                                f"{other_months} 条申请不在计划月份 {month}，未计入台账",
                                f"{other_months} requests are not in the plan month {month} and are left out",
                                "notice"))
    # Request-date order; requests of the same day keep their order on the sheet.
    log = requests[in_month].sort_index().sort_values("date", kind="stable")
    log["excel_row"] = log.index.to_numpy()

    holders, found = place_requests(log, people)
    problems += found
    if any(p.severity == "error" for p in problems):
        return None, problems
    log = pd.concat([log, holders], axis=1)

    balance = {(lv, r, text(rep), c): float(b) for lv, r, rep, c, b in zip(
        budget_lines["level"], budget_lines["region"], budget_lines["rep_id"], budget_lines["category"],
        budget_lines["budget"])}
    findings: list[tuple[int, str, str, str, str, str]] = []
    outcome = {k: [] for k in ("counted", "refused", "remaining_after", "covered", "unapproved", "findings")}
    for row, request in log.iterrows():
        key = (request["holder_level"], request["region"], text(request["rep_id"]), request["category"])
        noted = decision_findings(request, people)
        approved = approved_amount(request)
        counted = 0.0
        if request["status"] == "approved" and not any(code in INVALIDATING for code, *_ in noted):
            remaining = balance.get(key, 0.0)
            if approved <= remaining + EPSILON:
                counted = approved
                balance[key] = round(remaining - approved, 6)
            else:
                noted.append(("over-budget", "approved_amount",
                              f"批复 {money(approved)} 超过{holder_text(request)}“{request['category']}”剩余预算 "
                              f"{money(remaining)}，该批复不予认可",
                              f"approved {money(approved)} is more than the {money(remaining)} left of "
                              f"{holder_text_en(request)}'s '{request['category']}' budget; the approval is refused"))
        verified = float(request["verified_amount"]) if pd.notna(request["verified_amount"]) else 0.0
        covered = min(verified, counted)
        unapproved = round(verified - covered, 6)
        if unapproved > EPSILON:
            if counted > 0:
                noted.append(("spend-above-approved", "verified_amount",
                              f"核查支出 {money(verified)} 超过认可的批复 {money(counted)}，超出的 {money(unapproved)} 不予认可",
                              f"verified spend of {money(verified)} is above the approved {money(counted)}; "
                              f"the {money(unapproved)} above it is refused"))
            else:
                noted.append(("unapproved-spend", "verified_amount",
                              f"核查支出 {money(verified)} 没有有效批复",
                              f"verified spend of {money(verified)} has no valid approval"))
        for code, column, zh, en in noted:
            problems.append(problem("expense_requests", int(row), column, code,
                                    f"申请 {request['request_id']}：{zh}", f"request {request['request_id']}: {en}",
                                    "warning"))
            findings.append((int(row), request["request_id"], code, column, zh, en))
        outcome["counted"].append(counted)
        outcome["refused"].append(approved - counted if request["status"] == "approved" else 0.0)
        outcome["remaining_after"].append(balance.get(key, 0.0))
        outcome["covered"].append(covered)
        outcome["unapproved"].append(unapproved)
        outcome["findings"].append(", ".join(code for code, *_ in noted))
    for name, values in outcome.items():
        log[name] = pd.Series(values, index=log.index, dtype="object" if name == "findings" else "float64")

    as_of = pd.Timestamp(as_of).normalize() if as_of is not None else default_as_of(log, month)
    calendar, found = month_calendar(month, settings.country, calendar_overrides)
    problems += found
    total_weight = float(calendar["weight"].sum()) if len(calendar) else 0.0
    done_weight = float(calendar.loc[calendar["date"] <= as_of, "weight"].sum()) if len(calendar) else 0.0
    elapsed = done_weight / total_weight if total_weight > 0 else 0.0

    by_holder = ledger_by_holder(log, budget_lines, people, elapsed)
    ledger = ExpenseLedger(
        log=log.reset_index(drop=True), by_holder=by_holder, by_rep=ledger_by_rep(by_holder, elapsed),
        by_region=ledger_by_region(by_holder, elapsed),
        findings=pd.DataFrame(findings, columns=["excel_row", "request_id", "code", "column", "message_zh",
                                                 "message_en"]),
        as_of=as_of, working_days=total_weight, working_days_elapsed=done_weight, elapsed=elapsed,
        other_months=other_months,
    )
    return ledger, problems


INVALIDATING = {"self-approval", "wrong-level-approver", "wrong-region-approver", "unknown-approver",
                "decision-not-logged"}
"""Findings that make an approval not count (the decision was not validly taken)."""


def place_requests(log: pd.DataFrame, people: People) -> tuple[pd.DataFrame, list[Problem]]:
    """Whose budget each request draws on: ``holder_level``, ``region``, ``rep_id`` (errors if unknown)."""
    out, problems = [], []
    for row, request in log.iterrows():
        who = request["requester"]
        if request["level"] == "rep":
            rep = people.rep(who)
            if rep is None:
                problems.append(problem("expense_requests", int(row), "requester", "unknown-requester",
                                        f"业务员申请的申请人“{who}”不在“业务员”表中",
                                        f"the requester '{who}' of a rep request is not on the Reps sheet"))
                out.append(("rep", None, None))
                continue
            out.append(("rep", people.rep_region[rep], rep))
        else:
            region = people.region_of_requester(who)
            if region is None:
                problems.append(problem("expense_requests", int(row), "requester", "unknown-requester",
                                        f"区域申请的申请人“{who}”既不是区域，也不是某一区域的经理（业务员表的主管列）",
                                        f"the requester '{who}' of a region request is neither a region nor the "
                                        "manager of one region (the Reps sheet's manager column)"))
                out.append(("region", None, None))
                continue
            out.append(("region", region, None))
    frame = pd.DataFrame(out, columns=["holder_level", "region", "rep_id"], index=log.index, dtype="object")
    return frame, problems


def approved_amount(request) -> float:
    """What the sheet says was approved: the approved amount, or the request's amount when left blank."""
    if request["status"] != "approved":
        return 0.0
    value = request["approved_amount"]
    return float(value) if pd.notna(value) else float(request["amount"])


def decision_findings(request, people: People) -> list[tuple[str, str, str, str]]:
    """What is wrong with how the request was decided: ``(code, column, zh, en)`` each."""
    status, approver = request["status"], request["approver"]
    found = []
    if status == "pending":
        return found
    if not isinstance(approver, str) or not approver.strip() or pd.isna(request["decision_date"]):
        missing = "approver" if not isinstance(approver, str) or not approver.strip() else "decision_date"
        if status == "rejected":
            found.append(("decision-not-logged", missing, "驳回未记录批复人和批复日期",
                          "the rejection does not say who decided it and when"))
        else:
            found.append(("decision-not-logged", missing, "批准未记录批复人和批复日期，不予认可",
                          "the approval does not say who approved it and when; it is not counted"))
            return found
    if status == "rejected":
        if pd.notna(request["approved_amount"]) and request["approved_amount"] > 0:
            found.append(("rejected-with-amount", "approved_amount", "已驳回却填了批复金额，按0计",
                          "rejected but an approved amount is filled in; counted as 0"))
        return found
    if request["decision_date"] < request["date"]:
        found.append(("decided-before-request", "decision_date", "批复日期早于申请日期",
                      "the decision date is before the request date"))
    if pd.notna(request["approved_amount"]) and request["approved_amount"] > request["amount"] + EPSILON:
        found.append(("approved-above-request", "approved_amount",
                      f"批复金额 {money(float(request['approved_amount']))} 高于申请金额 {money(float(request['amount']))}",
                      f"approved {money(float(request['approved_amount']))}, more than the "
                      f"{money(float(request['amount']))} requested"))
    is_hq, regions, rep = people.roles(approver)
    if request["holder_level"] == "rep":
        own = {folded(request["rep_id"]), folded(people.rep_name.get(request["rep_id"], request["rep_id"])),
               folded(request["requester"])}
        if folded(approver) in own:
            found.append(("self-approval", "approver", f"申请人“{request['requester']}”批准了自己的申请",
                          f"the requester '{request['requester']}' approved their own request"))
        elif request["region"] in regions:
            pass
        elif regions:
            found.append(("wrong-region-approver", "approver",
                          f"批复人“{approver}”不是{request['region']}区域的经理，业务员申请应由本区域批复",
                          f"the approver '{approver}' does not manage the region {request['region']}; a rep's "
                          "request is approved by the rep's own region"))
        elif is_hq:
            found.append(("wrong-level-approver", "approver",
                          f"业务员申请应由区域批复，不应由总部（{approver}）直接批复",
                          f"a rep's request is approved at region level, not by HQ ('{approver}')"))
        elif rep is not None:
            found.append(("wrong-level-approver", "approver", f"批复人“{approver}”是业务员，无权批复",
                          f"the approver '{approver}' is a rep and cannot approve"))
        else:
            found.append(unknown_approver(approver))
    else:
        if request["region"] in regions or folded(approver) == folded(request["requester"]):
            found.append(("self-approval", "approver",
                          f"{request['region']}区域的申请由本区域（{approver}）自己批准",
                          f"the region {request['region']}'s request was approved by the region itself ('{approver}')"))
        elif is_hq:
            pass
        elif regions or rep is not None:
            found.append(("wrong-level-approver", "approver",
                          f"区域申请应由总部批复，批复人“{approver}”不是总部审批人",
                          f"a region's request is approved at HQ; the approver '{approver}' is not an HQ approver"))
        else:
            found.append(unknown_approver(approver))
    return found


def unknown_approver(approver) -> tuple[str, str, str, str]:
    return ("unknown-approver", "approver",
            f"不认识批复人“{approver}”：应为区域经理（业务员表的主管列）或总部审批人（设置表）",
            f"the approver '{approver}' is unknown: a region manager (the Reps sheet's manager column) or an HQ "
            "approver (Settings) approves")


def holder_text(request) -> str:
    return f"业务员{request['rep_id']}" if request["holder_level"] == "rep" else f"{request['region']}区域"


def holder_text_en(request) -> str:
    return f"rep {request['rep_id']}" if request["holder_level"] == "rep" else f"region {request['region']}"


def default_as_of(log: pd.DataFrame, month: pd.Period) -> pd.Timestamp:
    """The log's own date: its latest request or decision date within the month (the month's first day if none)."""
    dates = pd.concat([log["date"], log["decision_date"]]).dropna()
    dates = dates[dates.dt.to_period("M") == month]
    return dates.max().normalize() if len(dates) else month.start_time.normalize()


def ledger_by_holder(log: pd.DataFrame, budget_lines: pd.DataFrame, people: People, elapsed: float) -> pd.DataFrame:
    keys = ["level", "region", "rep_id", "category"]
    budget = budget_lines[keys + ["budget"]].copy()
    budget["rep_id"] = [text(r) for r in budget["rep_id"]]
    requests = log.assign(level=log["holder_level"], rep_id=[text(r) for r in log["rep_id"]],
                          approved=log["counted"], verified=log["verified_amount"].fillna(0.0))
    sums = requests.groupby(keys, sort=False)[["amount", "approved", "refused", "verified", "unapproved"]].sum()
    sums = sums.rename(columns={"amount": "requested"}).reset_index()
    out = budget.merge(sums, on=keys, how="outer", sort=False)
    for column in ["budget", "requested", "approved", "refused", "verified", "unapproved"]:
        out[column] = out[column].fillna(0.0).astype("float64")
    out["remaining"] = out["budget"] - out["approved"]
    out["name"] = [people.rep_name.get(r) if r else None for r in out["rep_id"]]
    out["rep_id"] = out["rep_id"].replace("", None)
    # Region first, then its own lines, then its reps; categories in the budget's (the policy's) order.
    order = {c: i for i, c in enumerate(dict.fromkeys(list(budget_lines["category"]) + list(log["category"])))}
    out["_level"] = out["level"].map({"region": 0, "rep": 1})
    out["_category"] = out["category"].map(order)
    out = out.sort_values(["region", "_level", "rep_id", "_category"], na_position="first", kind="stable")
    out = out.drop(columns=["_level", "_category"]).reset_index(drop=True)
    return with_pace(out[["level", "region", "rep_id", "name", "category"] + MEASURES], elapsed)


def ledger_by_rep(by_holder: pd.DataFrame, elapsed: float) -> pd.DataFrame:
    reps = by_holder[by_holder["level"] == "rep"]
    out = reps.groupby(["region", "rep_id"], sort=False, dropna=False).agg(
        name=("name", "first"), **{m: (m, "sum") for m in MEASURES}).reset_index()
    return with_pace(out, elapsed)


def ledger_by_region(by_holder: pd.DataFrame, elapsed: float) -> pd.DataFrame:
    out = by_holder.groupby("region", sort=False)[MEASURES].sum().reset_index()
    return with_pace(out, elapsed)


def with_pace(frame: pd.DataFrame, elapsed: float) -> pd.DataFrame:
    frame = frame.copy()
    frame["burn"] = (frame["verified"] / frame["budget"].where(frame["budget"] > 0)).astype("float64")
    frame["elapsed"] = elapsed
    frame["pace"] = frame["burn"] - elapsed
    return frame
