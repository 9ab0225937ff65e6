"""Step 7, the month-end close 月末考核 (salesxl/steps/close.py): the incentive rules (with the notes that say
how the close settles what the rules leave open), the payout settings, what the close reads back from the
agreement, and the performance sheet (the actual sales are tracking's; the expense budget and requests the
expense step's).
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
            note_zh="档位奖金：达到的档位（达到的档位没有奖金行时，按其下有奖金行的最高档发放）；提成：从该档位起",
            note_en="bonus: the tier reached (a tier reached without a bonus row pays the bonus of the highest "
                    "tier below it that has one); commission: band from this tier"),
        col("threshold", "门槛", "Threshold", "percent", required=False, not_blank=False, minimum=0,
            ambiguous_up_to=5,
            note_zh="提成段起点或曲线点的达成率；加速、封顶的达成率；处罚线=基础目标的百分比；"
                    "结构条件=该角色目标的最低达成率；费用条件=预算使用率（默认100%）。"
                    "请写 120%：1 到 5 之间的裸数字（1.05）有歧义，会被拒绝",
            note_en="attainment where a band or curve point starts; accelerator or cap attainment; floor = % of base; "
                    "mix = minimum attainment of the role's target; expense = budget used (default 100%). "
                    "Type 120%: a bare number above 1 and up to 5 (1.05) is ambiguous and refused"),
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
    notes=(
        ("结算顺序 Pay order",
         "档位奖金 + 提成（含加速）→ 扣发（结构条件、处罚线与费用条件的取消奖励、须签署）→ 封顶（只封扣发后剩下的奖励）"
         "→ 扣款（处罚线、费用条件：不封顶，净发放可为负）。每条规则一行明细，每行取整到奖金取整单位，净发放 = 各行之和",
         "tier bonus + commission (with accelerators) → withholding (mix; floor, expense and must-be-signed "
         "forfeits) → cap (on the reward left after withholding) → penalties (floor and expense deductions: never "
         "capped, so the net may be negative). Each rule applied is one pay line, rounded to the payout unit; the "
         "net is the sum of the lines"),
        ("门槛金额 Threshold amounts",
         "档位以已下达的档位金额判定，到分：实际 192,649.80 未达挑战 192,650，虽显示 110.0%。"
         "门槛换算为金额（到分）：提成段、加速、封顶 × 目标；处罚线 × 基础目标；结构条件 × 该角色目标；费用条件 × 预算。"
         "绩效表列出下一档金额与差额",
         "a tier is reached when actual sales reach its issued amount, to the cent: 192,649.80 does not reach a "
         "challenge of 192,650, though it shows 110.0 %. Thresholds become amounts to the cent: band starts, "
         "accelerators and caps × the target; floors × the base; mix × the role's target; expense × the budget. "
         "The Performance sheet shows the next tier's amount and the gap to it"),
        ("无奖金行的档位 Tier without a bonus row",
         "达到的档位没有奖金行时，按其下有奖金行的最高档发放，明细行与提示会写明；冲刺应多发时请补一行",
         "a tier reached with no bonus row pays the bonus of the highest tier below it that has one; the pay line "
         "and a notice say so. Add the row if sprint should pay more"),
        ("多条规则 Several rules at once",
         "每条规则各自判断、各占一行：扣款相加（低于基础80%扣500与低于60%取消奖励同时生效）；奖励只取消一次，"
         "之后的取消奖励行为0。若希望更深的处罚线替代较浅的，请把金额写成差额",
         "every rule is checked on its own and has its own line: deductions add up (below 80 % of base −500 and "
         "below 60 % forfeit both apply); a reward is forfeited once, later forfeit lines show 0. For a deeper "
         "floor to replace a shallower one, give it the difference as its amount"),
        ("无目标 No target",
         "目标为0的业务员不结算：没有档位、奖金、提成（包括从第一元起的提成）与扣款；明细行写明本应得的提成，"
         "结算时警告，由主管在规则外决定，或下达目标后重新结算",
         "a rep whose target is 0 is not settled: no tier, bonus, commission (not even from the first yuan) or "
         "penalty. The pay line says what the first-yuan commission would have been and the close warns: the "
         "manager decides outside the rules, or issues a target and closes again"),
        ("月中入职 Hired during the month",
         "按已下达并签署的目标考核，结算时不折算；新人期与新人起始份额只在分解下达目标时起作用。明细行注明入职日期",
         "measured against the target as issued and signed: nothing is pro-rated at the close. The new-rep "
         "period and starting share (Settings) shape the target when the breakdown issues it. The pay lines give "
         "the hire date"),
        ("门槛的写法 Typing a threshold",
         "门槛写 120% 或 0.8；1 到 5 之间的裸数字（1.05）有歧义（105% 还是 1.05%？），被拒绝并指出单元格；"
         "百分比格式单元格中的 1.05 即 105%",
         "type 120% or 0.8. A bare number above 1 and up to 5 (1.05) is ambiguous (105 % or 1.05 %?) and refused "
         "with its cell; 1.05 in a cell formatted as a percentage is 105 %"),
        ("费用条件的日期 Expense condition's date",
         "结算时按月末重新审核“费用申请”（与费用审核同样的规则），以本月全部申请的已核查支出对照已下达的费用预算，"
         "不使用较早写出的费用台账",
         "the close reviews the Expense Requests as of the month's last day, with the expense review's rules, and "
         "sets the verified spend of every request of the month against the issued Expense Budget; an Expense "
         "Ledger written earlier in the month is not used"),
    ),
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

PERFORMANCE = OutputSheetName("performance", "月末绩效", "Performance")


OUTPUTS = (PERFORMANCE,)
