"""Step 3, issue and agree (salesxl/steps/agree.py): the feedback round and the agreed targets.

反馈 Feedback is written by ``salesxl issue-draft`` (one row per active rep with the draft) and filled in by
the reps (proposal, reason) and the manager (decision, figure, comment). salesxl rewrites it on every issue
but keeps what was typed. It is read like an issued sheet: its table sits under a title block. The agreed
targets are read back by the breakdown, the commitments and the close (signed).
"""

from __future__ import annotations

from ...terms import Choice
from ..schema import OutputSheetName, SheetSchema, Setting
from .base import PERCENT, col

SETTINGS = (
    Setting("agree_cap", "上调上限", "Cap over draft", "percent", default=0.3, minimum=0, number_format=PERCENT,
            note_zh="再平衡时“维持草案”的业务员最多比草案高出此比例",
            note_en="rebalancing may raise a 'keep draft' rep at most this much over the draft"),
    Setting("allow_shortfall", "允许缺口", "Allow shortfall", "bool", default=False,
            note_zh="是：达到上限时接受团队合计低于月度目标，缺口显示在目标确认表上",
            note_en="yes: when the cap is reached, accept a team total below the month target (shown on the sheet)"),
    Setting("allow_surplus", "允许超额", "Allow surplus", "bool", default=False,
            note_zh="是：确定数超过月度目标时不压低“维持草案”的业务员，超额显示在目标确认表上",
            note_en="yes: when the fixed figures leave too little, 'keep draft' reps keep their drafts and the "
                    "team total exceeds the month target (shown on the sheet)"),
)


DECISIONS = (
    Choice("accept", "接受提议", "Accept proposal"),
    Choice("keep", "维持草案", "Keep draft"),
    Choice("manager", "主管核定", "Manager figure"),
)

FEEDBACK = SheetSchema(
    key="feedback", zh="反馈", en="Feedback", required=False, issued=True,
    columns=(
        col("month", "月份", "Month", "month"),
        col("rep_id", "业务员编号", "Rep ID"),
        col("name", "姓名", "Name", required=False, not_blank=False),
        col("region", "区域", "Region", required=False, not_blank=False),
        col("draft", "草案目标", "Draft target", "decimal", required=False, not_blank=False,
            note_zh="salesxl 填写，勿改", note_en="written by salesxl, do not edit"),
        col("proposal", "提议目标", "Proposed target", "decimal", required=False, not_blank=False, minimum=0,
            note_zh="业务员填写：希望的目标", note_en="the rep's proposed target"),
        col("reason", "理由", "Reason", required=False, not_blank=False),
        col("decision", "主管决定", "Manager decision", "choice", required=False, not_blank=False,
            choices=DECISIONS, note_zh="接受提议 / 维持草案 / 主管核定；留空 = 维持草案",
            note_en="accept proposal / keep draft / manager figure; blank = keep draft"),
        col("manager_figure", "主管核定数", "Manager figure", "decimal", required=False, not_blank=False,
            minimum=0, note_zh="决定为“主管核定”时必填", note_en="required when the decision is 'manager figure'"),
        col("comment", "主管意见", "Comment", required=False, not_blank=False),
        col("draft_seen", "反馈时草案", "Draft at feedback", "decimal", required=False, not_blank=False,
            note_zh="salesxl 记录：业务员反馈时看到的草案", note_en="kept by salesxl: the draft the rep answered"),
        col("draft_changed", "草案已变", "Draft changed", required=False, not_blank=False,
            note_zh="salesxl 标记：反馈后草案有变", note_en="flagged by salesxl: the draft changed after feedback"),
    ),
    unique=(("month", "rep_id"),),
    purpose_zh="下发草案后业务员的反馈与主管决定（第三步）。",
    purpose_en="The reps' answers to the draft and the manager's decisions (step 3).",
)


INPUTS = (FEEDBACK,)


ISSUED_AGREED_TARGETS = SheetSchema(
    key="agreed_targets", zh="目标确认", en="Agreed Targets", issued=True, required=False,
    columns=(
        col("month", "月份", "Month", "month"),
        col("rep_id", "业务员编号", "Rep ID"),
        col("name", "姓名", "Name", required=False, not_blank=False),
        col("draft", "草案目标", "Draft target", "decimal", required=False, not_blank=False),
        col("agreed", "确认目标", "Agreed target", "decimal", minimum=0),
        col("signed", "签署", "Signed", "bool", required=False, default=False,
            note_zh="业务员签署军令状后填“是”", note_en="type yes once the rep has signed the commitment"),
        col("signed_date", "签署日期", "Signed date", "date", required=False, not_blank=False),
    ),
    unique=(("rep_id",),),
    purpose_zh="确认后的业务员目标与签署情况（第一张表）。",
    purpose_en="The agreed rep targets and who has signed (first table).",
)
"""Not one of ISSUED_SHEETS (the release's tables): read on its own by the breakdown, commitments and close."""


FEEDBACK_SHEET = OutputSheetName("feedback", "反馈", "Feedback")  # also an input sheet: the reps fill it in
AGREED_TARGETS = OutputSheetName("agreed_targets", "目标确认", "Agreed Targets")
AGREEMENT_HISTORY = OutputSheetName("agreement_history", "目标确认历史", "Agreement History")
COMMITMENTS = OutputSheetName("commitments", "军令状", "Commitments")


OUTPUTS = (FEEDBACK_SHEET, AGREED_TARGETS, AGREEMENT_HISTORY, COMMITMENTS)
