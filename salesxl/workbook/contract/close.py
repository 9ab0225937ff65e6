"""Step 7, the month-end close 月末考核 (salesxl/steps/close.py): the incentive rules, the payout settings,
what the close reads back from the agreement and the expense ledger, and the performance sheet (the actual
sales are tracking's).
"""

from __future__ import annotations

from ...terms import ROLES, TIERS, Choice
from ..schema import OutputSheetName, SheetSchema, Setting
from .base import col

RULE_KINDS = (
    Choice("bonus", "档位奖金", "Tier bonus"),
    Choice("commission", "提成", "Commission"),
    Choice("accelerator", "加速", "Accelerator"),
    Choice("cap", "封顶", "Cap"),
    Choice("floor", "处罚线", "Floor penalty"),
    Choice("mix", "结构条件", "Product-mix condition"),
    Choice("expense", "费用条件", "Expense condition"),
    Choice("signed", "须签署", "Must be signed"),
)

RULE_MODES = (
    Choice("flat", "整体", "Flat"),
    Choice("step", "分段", "Step"),
    Choice("linear", "曲线", "Linear"),
    Choice("fixed", "固定扣款", "Fixed deduction"),
    Choice("rate", "比例扣款", "Rate deduction"),
    Choice("forfeit", "取消奖励", "Forfeit reward"),
    Choice("withhold_bonus", "扣发档位奖金", "Withhold tier bonus"),
)

SIGNATURE_RULES = (
    Choice("pay", "照发", "Pay"),
    Choice("withhold", "暂扣", "Withhold"),
)


SETTINGS = (
    Setting("signature_unknown", "签署状态未知时", "When signature is unknown", "choice", default="pay",
            choices=SIGNATURE_RULES,
            note_zh="有“须签署”规则但没有签署记录时：pay 照发（注明未核）或 withhold 暂扣",
            note_en="a must-be-signed rule with no signature record: pay (noted as unchecked) or withhold"),
    Setting("payout_unit", "奖金取整单位", "Payout rounding unit", "decimal", default=0.01, minimum=0.0001,
            note_zh="奖金、提成与扣款取整到此单位", note_en="bonus, commission and deductions are rounded to this unit",
            number_format="0.00"),
    Setting("summary_top_n", "前后名单人数", "Top and bottom list size", "integer", default=3, minimum=1,
            note_zh="月末小结列出的前几名与后几名", note_en="how many top and bottom performers the summary lists"),
)


INCENTIVE_RULES = SheetSchema(
    key="incentive_rules", zh="激励规则", en="Incentive Rules",
    columns=(
        col("scope", "适用范围", "Applies to", required=False, not_blank=False,
            note_zh="留空=全体；或填区域、业务员编号。一名业务员只用最具体的一组规则（业务员 > 区域 > 全体）",
            note_en="blank = everyone; or a region or rep ID. A rep follows only the most specific set "
                    "(rep > region > everyone)"),
        col("rule", "规则", "Rule", "choice", choices=RULE_KINDS, width=18),
        col("tier", "档位", "Tier", "choice", required=False, not_blank=False, choices=TIERS,
            note_zh="档位奖金：达到的档位；提成：从该档位起", note_en="bonus: the tier reached; commission: band from this tier"),
        col("threshold", "门槛", "Threshold", "percent", required=False, not_blank=False, minimum=0,
            note_zh="提成段起点或曲线点的达成率；加速、封顶的达成率；处罚线=基础目标的百分比；"
                    "结构条件=该角色目标的最低达成率；费用条件=预算使用率（默认100%）",
            note_en="attainment where a band or curve point starts; accelerator or cap attainment; floor = % of base; "
                    "mix = minimum attainment of the role's target; expense = budget used (default 100%)"),
        col("amount", "金额", "Amount", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="档位奖金、固定扣款、封顶金额；曲线方式为目标奖金",
            note_en="tier bonus, fixed deduction, cap amount; for a linear curve the target incentive"),
        col("rate", "比例", "Rate", "percent", required=False, not_blank=False, minimum=0,
            note_zh="提成比例；曲线方式为目标奖金的发放比例；比例扣款（处罚线：差基础目标部分×比例；费用：超支×比例）",
            note_en="commission rate; for a linear curve the % of target incentive paid; rate deduction "
                    "(floor: rate × shortfall to base; expense: rate × overspend)"),
        col("factor", "倍数", "Factor", "decimal", required=False, not_blank=False, minimum=0,
            number_format="0.00", note_zh="加速：门槛以上所得提成乘以此倍数",
            note_en="accelerator: commission earned above the threshold is multiplied by this"),
        col("mode", "方式", "Mode", "choice", required=False, not_blank=False, choices=RULE_MODES,
            note_zh="提成：整体/分段/曲线（默认整体）；处罚线、费用条件：固定扣款/比例扣款/取消奖励；"
                    "结构条件：扣发档位奖金（默认）/取消奖励",
            note_en="commission: flat/step/linear (default flat); floor and expense: fixed/rate/forfeit; "
                    "mix: withhold_bonus (default)/forfeit"),
        col("role", "产品角色", "Role", "choice", required=False, not_blank=False, choices=ROLES,
            note_zh="结构条件考核的产品角色", note_en="the product role a mix condition checks"),
        col("note", "说明", "Note", required=False, not_blank=False),
    ),
    required=False,
    purpose_zh="月末考核的“游戏规则”：档位奖金、提成、加速、封顶、处罚线、结构、费用与签署条件。",
    purpose_en="The month-end 'game rules': tier bonus, commission, accelerators, cap, floor, mix, expense and "
               "signature conditions.",
)


INPUTS = (INCENTIVE_RULES,)


AGREED_SIGNATURES = SheetSchema(
    key="agreed_signatures", zh="目标确认", en="Agreed Targets", issued=True, required=False,
    columns=(
        col("rep_id", "业务员编号", "Rep ID"),
        col("signed", "签署", "Signed", "bool", required=False, not_blank=False),
    ),
    unique=(("rep_id",),),
    purpose_zh="可选：确认步骤记录的军令状签署状态。", purpose_en="Optional: signed commitments recorded by the agreement step.",
)
"""Read by the close step when present; absent, a must-be-signed rule cannot be checked."""

EXPENSE_LEDGER_USE = SheetSchema(
    key="expense_ledger_use", zh="费用台账", en="Expense Ledger", issued=True, required=False,
    columns=(
        col("rep_id", "业务员编号", "Rep ID", not_blank=False),
        col("budget", "预算", "Budget", "decimal"),
        col("verified", "已核查支出", "Verified spend", "decimal"),
    ),
    purpose_zh="可选：费用台账“按业务员”表中各业务员持有的预算与已核查支出。",
    purpose_en="Optional: the budget and verified spend each rep holds, from the ledger's by-rep table.",
)
"""Read by the close step when present (the expense step writes it); absent, the expense condition is not checked."""


PERFORMANCE = OutputSheetName("performance", "月末绩效", "Performance")


OUTPUTS = (PERFORMANCE,)
