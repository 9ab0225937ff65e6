"""The ``月末绩效 Performance`` sheet: the month-end result and the game rules applied.

Top to bottom: the month-end summary (total vs target, top and bottom
performers, reps under the floor, payouts); attainment by rep, best first, with
a native bar chart and the base / challenge / sprint lines beside it; every rep's
figures, the next tier's amount and the gap to it, reward, penalty, net payout,
ranks and the reason in words; region and company totals; attainment by product
role and by core outlet; every rep's pay lines, one per rule applied, with the
amounts each was measured against; the rules applied (with their row on the
Incentive Rules sheet and how many reps follow each set); and how the close
settles (the Incentive Rules sheet's notes). A rep's net payout is the sum of
their pay lines, and each line with a rate pays its base × rate: the sheet
alone is enough to recompute every payout.
"""

from __future__ import annotations

import pandas as pd

from ..core.payout import TIER_LABEL
from ..core.performance import Performance
from ..workbook.backend import OutChart, OutColumn, OutTable, SheetOutput
from ..terms import ROLE_LABEL as ROLE_CELL, ROLES, TIERS, Choice
from ..workbook.contract.close import INCENTIVE_RULES, PERFORMANCE, RULE_KINDS, RULE_MODES

CHART_TABLE = "sx_performance_chart"
REP_TABLE = "sx_performance_reps"

SCOPE_EVERYONE = "全体 everyone"
SIGNED_LABEL = {True: "是 yes", False: "否 no", None: "未知 unknown"}
ROLE_LABEL = {**ROLE_CELL, "none": "未指定产品 no SKU", "total": "合计 Total"}

REP_COLUMNS = [
    OutColumn("rep_id", "业务员编号", "Rep ID"),
    OutColumn("name", "姓名", "Name"),
    OutColumn("region", "区域", "Region"),
    OutColumn("scope", "适用规则", "Rule set"),
    OutColumn("target", "目标", "Target", "amount", total=True),
    OutColumn("base", "基础目标", "Base", "amount", total=True),
    OutColumn("challenge", "挑战目标", "Challenge", "amount", total=True),
    OutColumn("sprint", "冲刺目标", "Sprint", "amount", total=True),
    OutColumn("actual", "实际", "Actual", "amount", total=True),
    OutColumn("attainment", "达成率", "Attainment", "percent", look="tier"),
    OutColumn("tier", "达到档位", "Tier reached"),
    OutColumn("next_tier", "下一档", "Next tier"),
    OutColumn("next_at", "下一档金额", "Next tier at", "amount"),
    OutColumn("short_by", "差额", "Short by", "amount"),
    *[OutColumn(f"att_{r.key}", f"{r.zh}达成", f"{r.key.capitalize()} attainment", "percent", look="tier") for r in ROLES],
    OutColumn("expense_budget", "费用预算", "Expense budget", "amount", total=True),
    OutColumn("expense_used", "已用费用", "Expense used", "amount", total=True),
    OutColumn("expense_ratio", "费用使用率", "Expense used %", "percent"),
    OutColumn("signed", "签署", "Signed"),
    OutColumn("bonus", "档位奖金", "Tier bonus", "amount", total=True),
    OutColumn("commission", "提成", "Commission", "amount", total=True),
    OutColumn("withheld", "扣发", "Withheld", "amount", total=True),
    OutColumn("cap_cut", "封顶扣减", "Cap cut", "amount", total=True),
    OutColumn("reward", "奖励", "Reward", "amount", total=True),
    OutColumn("penalty", "扣款", "Penalty", "amount", total=True),
    OutColumn("net", "净发放", "Net payout", "amount", total=True),
    OutColumn("below_floor", "低于处罚线", "Below floor", "bool"),
    OutColumn("rank_region", "区域名次", "Rank in region", "integer"),
    OutColumn("rank_company", "公司名次", "Rank in company", "integer"),
    OutColumn("reason_zh", "原因", "Reason (中文)"),
    OutColumn("reason_en", "原因说明", "Reason (English)"),
]

REGION_COLUMNS = [
    OutColumn("region", "区域", "Region"),
    OutColumn("reps", "人数", "Reps", "integer"),
    OutColumn("target", "目标", "Target", "amount"),
    OutColumn("actual", "实际", "Actual", "amount"),
    OutColumn("attainment", "达成率", "Attainment", "percent", look="tier"),
    OutColumn("reps_at_base", "达基础人数", "Reps at base or above", "integer"),
    OutColumn("reward", "奖励", "Reward", "amount"),
    OutColumn("penalty", "扣款", "Penalty", "amount"),
    OutColumn("net", "净发放", "Net payout", "amount"),
]

ROLE_COLUMNS = [
    OutColumn("role", "产品角色", "Role"),
    OutColumn("target", "目标", "Target", "amount"),
    OutColumn("actual", "实际", "Actual", "amount"),
    OutColumn("attainment", "达成率", "Attainment", "percent", look="tier"),
]

CORE_OUTLET_COLUMNS = [
    OutColumn("outlet_id", "网点编号", "Outlet ID"),
    OutColumn("name", "网点名称", "Outlet name"),
    OutColumn("rep_id", "业务员编号", "Rep ID"),
    OutColumn("region", "区域", "Region"),
    OutColumn("target", "目标", "Target", "amount", total=True),
    OutColumn("actual", "实际", "Actual", "amount", total=True),
    OutColumn("attainment", "达成率", "Attainment", "percent", look="tier"),
    OutColumn("skus_targeted", "考核产品数", "SKUs with a target", "integer"),
    OutColumn("skus_met", "达标产品数", "SKUs on target", "integer"),
]

SUMMARY_COLUMNS = [
    OutColumn("item", "项目", "Item"),
    OutColumn("who", "业务员", "Rep"),
    OutColumn("amount", "金额", "Amount", "amount"),
    OutColumn("attainment", "达成率", "Attainment", "percent", look="tier"),
]

CHART_COLUMNS = [
    OutColumn("rep", "业务员", "Rep"),
    OutColumn("attainment", "达成率", "Attainment", "percent", look="tier"),
    OutColumn("base", "基础线", "Base line", "percent"),
    OutColumn("challenge", "挑战线", "Challenge line", "percent"),
    OutColumn("sprint", "冲刺线", "Sprint line", "percent"),
]

LINE_COLUMNS = [
    OutColumn("rep_id", "业务员编号", "Rep ID"),
    OutColumn("line", "序号", "Line", "integer"),
    OutColumn("part", "计入", "Part"),
    OutColumn("rule", "规则", "Rule"),
    OutColumn("row", "规则行", "Rule row", "integer"),
    OutColumn("zh", "明细", "Detail (中文)"),
    OutColumn("en", "明细说明", "Detail (English)"),
    OutColumn("start", "起", "From", "amount"),
    OutColumn("end", "止", "To", "amount"),
    OutColumn("base", "基数", "Base", "amount"),
    OutColumn("rate", "比例", "Rate", "percent"),
    OutColumn("amount", "金额", "Amount", "amount", total=True),
]

PART_LABEL = {"bonus": "档位奖金 Tier bonus", "commission": "提成 Commission", "withheld": "扣发 Withheld",
              "cap_cut": "封顶扣减 Cap cut", "penalty": "扣款 Penalty", "": "说明 Note"}
"""The rep-table column each line adds to (a note adds to none)."""

FACT_LABEL = {"target": "目标 Target", "hire": "入职 Hired"}

SETTLEMENT_COLUMNS = [
    OutColumn("topic", "事项", "Topic"),
    OutColumn("zh", "规则", "Rule (中文)"),
    OutColumn("en", "规则说明", "Rule (English)"),
]

RULE_COLUMNS = [
    OutColumn("row", "规则行", "Rule row", "integer"),
    OutColumn("scope", "适用范围", "Applies to"),
    OutColumn("rule", "规则", "Rule"),
    OutColumn("tier", "档位", "Tier"),
    OutColumn("threshold", "门槛", "Threshold", "percent"),
    OutColumn("amount", "金额", "Amount", "amount"),
    OutColumn("rate", "比例", "Rate", "percent"),
    OutColumn("factor", "倍数", "Factor", "decimal"),
    OutColumn("mode", "方式", "Mode"),
    OutColumn("role", "产品角色", "Role"),
    OutColumn("note", "说明", "Note"),
    OutColumn("reps", "适用人数", "Reps following", "integer"),
]

SUMMARY_ITEMS = {
    "month_target": "月度目标 Month target",
    "month_actual": "实际销售 Actual",
    "month_gap": "差额 Gap to target",
    "under_floor": "低于处罚线 Under the floor",
    "rewards": "奖励合计 Rewards",
    "penalties": "扣款合计 Penalties",
    "net": "净发放合计 Net payout",
}

FORMULA_NOTE = ("净发放 = 档位奖金 + 提成 − 扣发 − 封顶扣减 − 扣款 = 该业务员各明细行金额之和；规则见“激励规则”表与本表末尾 | "
                "Net payout = tier bonus + commission − withheld − cap cut − penalty = the sum of the rep's pay "
                "lines; the rules are on the Incentive Rules sheet and at the end of this one")


def performance_sheet(result: Performance, actuals_through: pd.Timestamp | None = None) -> SheetOutput:
    """The Performance sheet for one closed month."""
    through = f" · 实际销售截至 actuals through {actuals_through:%Y-%m-%d}" if actuals_through is not None else ""
    reps = result.reps.assign(
        scope=result.reps["scope"].map(lambda s: s or SCOPE_EVERYONE),
        tier=result.reps["tier"].map(TIER_LABEL),
        next_tier=result.reps["next_tier"].map(lambda t: TIER_CHOICE.get(t, "")),
        signed=result.reps["signed"].map(lambda s: SIGNED_LABEL[None if pd.isna(s) else bool(s)]),
    )
    return SheetOutput(
        sheet=PERFORMANCE,
        subtitle=f"考核月份 Month {result.month}{through}",
        notes=[FORMULA_NOTE, *result.notes],
        tables=[
            OutTable(summary_rows(result.summary), SUMMARY_COLUMNS, heading="月末小结 Month-end summary"),
            OutTable(result.chart, CHART_COLUMNS, heading="达成率排行 Attainment by rep", name=CHART_TABLE),
            OutTable(reps, REP_COLUMNS, heading="业务员绩效 Rep performance", name=REP_TABLE),
            OutTable(result.regions, REGION_COLUMNS, heading="区域与公司 Regions and company"),
            OutTable(result.roles.assign(role=result.roles["role"].map(ROLE_LABEL)), ROLE_COLUMNS,
                     heading="产品角色达成 Attainment by product role"),
            OutTable(result.core_outlets, CORE_OUTLET_COLUMNS, heading="核心店达成 Core outlet attainment"),
            OutTable(line_rows(result.lines), LINE_COLUMNS,
                     heading="计算明细 Pay lines: 每条规则一行，净发放 = 各行金额之和 | one line per rule applied; "
                             "the net payout is the sum of a rep's lines"),
            OutTable(rule_rows(result.rules), RULE_COLUMNS, heading="适用的激励规则 Incentive rules applied"),
            OutTable(pd.DataFrame(INCENTIVE_RULES.notes, columns=["topic", "zh", "en"]), SETTLEMENT_COLUMNS,
                     heading="结算规则 How the close settles"),
        ],
        charts=[OutChart("column", "达成率 Attainment by rep", CHART_TABLE, "rep", ("attainment",),
                         y_title="达成率 Attainment", lines=("base", "challenge", "sprint"), y_kind="percent")],
    )


def summary_rows(summary: pd.DataFrame) -> pd.DataFrame:
    def item(key: str) -> str:
        if key.startswith("top:"):
            return f"第{key[4:]}名 Top {key[4:]}"
        if key.startswith("bottom:"):
            return f"倒数第{key[7:]}名 Bottom {key[7:]}"
        return SUMMARY_ITEMS[key]
    out = summary.assign(item=summary["item"].map(item))
    nobody = (summary["item"] == "under_floor") & (summary["who"] == "")
    out.loc[nobody, "who"] = "无 none"
    return out


TIER_CHOICE = {c.key: c.label for c in TIERS}


def line_rows(lines: pd.DataFrame) -> pd.DataFrame:
    kinds = {c.key: c.label for c in RULE_KINDS} | FACT_LABEL
    return lines.assign(part=lines["part"].map(PART_LABEL), rule=lines["rule"].map(kinds))


def rule_rows(rules: pd.DataFrame) -> pd.DataFrame:
    def label(choices: tuple[Choice, ...]):
        by_key = {c.key: c.label for c in choices}
        return lambda v: by_key.get(v, v) if isinstance(v, str) else v
    return rules.assign(
        scope=rules["scope"].map(lambda s: s or SCOPE_EVERYONE),
        rule=rules["rule"].map(label(RULE_KINDS)),
        tier=rules["tier"].map(label(TIERS)),
        mode=rules["mode"].map(label(RULE_MODES)),
        role=rules["role"].map(label(ROLES)),
    )
