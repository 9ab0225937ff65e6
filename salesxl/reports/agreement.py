"""The sheets of the feedback round: 反馈 Feedback, 目标确认 Agreed Targets, 目标确认历史 Agreement History.

The Feedback table is labelled exactly as its input schema (``FEEDBACK`` in
:mod:`salesxl.workbook.contract.agree`) and the Agreed Targets' first table as the issued
schema that reads it back, so salesxl reads both sheets back after a planner,
a rep or a manager typed into them. Agreement History is hidden: every round's
agreed table, appended, so a manager can see what changed between rounds.
"""

from __future__ import annotations

import pandas as pd

from ..core.agreement import Agreement
from ..workbook.backend import Kind, OutColumn, OutTable, SheetOutput, WorkbookBackend
from ..workbook.reader import find_sheet, read_table
from ..workbook.schema import Column, SheetSchema
from ..workbook.contract.agree import (AGREED_TARGETS, AGREEMENT_HISTORY, DECISIONS, FEEDBACK, FEEDBACK_SHEET,
                                       ISSUED_AGREED_TARGETS)

DECISION_LABEL = {c.key: f"{c.zh} {c.en}" for c in DECISIONS}


def labelled(schema: SheetSchema, key: str, kind: Kind = "text", total: bool = False) -> OutColumn:
    c = schema.column(key)
    return OutColumn(c.key, c.zh, c.en, kind, total)


# ---- 反馈 Feedback ----

FEEDBACK_KINDS: dict[str, Kind] = {"month": "month", "draft": "amount", "proposal": "amount",
                                   "manager_figure": "amount", "draft_seen": "amount"}


def feedback_sheet(rows: pd.DataFrame, month: pd.Period, currency: str) -> SheetOutput:
    shown = rows.assign(decision=rows["decision"].map(lambda d: DECISION_LABEL.get(d, d)))
    changed = int(rows["draft_changed"].notna().sum())
    notes = ["业务员填写“提议目标”和“理由”；主管填写“主管决定”（接受提议 / 维持草案 / 主管核定）、“主管核定数”和“主管意见”。"
             " Reps fill in the proposed target and reason; the manager the decision (accept proposal / keep draft "
             "/ manager figure), the figure and a comment. 留空的决定按维持草案 A blank decision keeps the draft.",
             "重新下发时保留已填写的内容 A re-issue keeps everything typed here."]
    if changed:
        notes.append(f"{changed} 名业务员反馈后草案有变，见“草案已变”列 / {changed} reps' drafts changed after "
                     "they answered: see Draft changed")
    columns = [labelled(FEEDBACK, c.key, FEEDBACK_KINDS.get(c.key, "text"), c.key == "draft")
               for c in FEEDBACK.columns]
    return SheetOutput(FEEDBACK_SHEET, subtitle=f"{month} · 草案目标 draft targets ({currency})", notes=notes,
                       tables=[OutTable(shown, columns, name="sx_feedback")])


# ---- 目标确认 Agreed Targets ----

AGREED_COLUMNS = [
    labelled(ISSUED_AGREED_TARGETS, "month", "month"), labelled(ISSUED_AGREED_TARGETS, "rep_id"),
    labelled(ISSUED_AGREED_TARGETS, "name"), OutColumn("region", "区域", "Region"),
    OutColumn("manager", "主管", "Manager"), labelled(ISSUED_AGREED_TARGETS, "draft", "amount", True),
    OutColumn("proposal", "提议目标", "Proposed target", "amount"),
    OutColumn("decision", "主管决定", "Manager decision"),
    labelled(ISSUED_AGREED_TARGETS, "agreed", "amount", True),
    OutColumn("change", "较草案变化", "Change vs draft", "amount", True),
    OutColumn("change_pct", "变化率", "Change %", "percent"),
    OutColumn("previous", "上轮确认", "Previous round", "amount"),
    OutColumn("reason", "理由", "Reason"), OutColumn("comment", "主管意见", "Comment"),
    labelled(ISSUED_AGREED_TARGETS, "signed", "bool"), labelled(ISSUED_AGREED_TARGETS, "signed_date", "date"),
]

SUMMARY_COLUMNS = [OutColumn("item", "项目", "Item"), OutColumn("amount", "金额", "Amount", "amount")]


def agreed_sheet(agreement: Agreement, round_no: int, by: str, timestamp: str, currency: str,
                 notes: list[str]) -> SheetOutput:
    table = agreement.table.assign(decision=agreement.table["decision"].map(lambda d: DECISION_LABEL.get(d, d)))
    summary = pd.DataFrame({"item": ["月度目标 Month target", "确认合计 Agreed total", "缺口 Shortfall",
                                     "超额 Surplus"],
                            "amount": [agreement.target, agreement.total, agreement.shortfall, agreement.surplus]})
    return SheetOutput(
        AGREED_TARGETS,
        subtitle=(f"{agreement.month} · 第 {round_no} 轮 round {round_no} · {by} · {timestamp} · {currency}"),
        notes=agreement.notes + notes + [
            "签署后在“签署”列填“是”并填写日期；重新确认时保留（确认目标有变的除外）/ Type yes and the date once a "
            "rep has signed; kept on re-agreement unless the rep's agreed target changed."],
        tables=[OutTable(table, AGREED_COLUMNS, name="sx_agreed_targets"),
                OutTable(summary, SUMMARY_COLUMNS, heading="团队合计 Team totals", name="sx_agreed_summary")],
    )


def read_agreed(book: WorkbookBackend) -> pd.DataFrame:
    """The Agreed Targets' first table as salesxl wrote it (signatures typed since), or an empty frame."""
    columns = [c.key for c in ISSUED_AGREED_TARGETS.columns]
    name = find_sheet(ISSUED_AGREED_TARGETS, book.sheet_names())
    if name is None:
        return pd.DataFrame(columns=columns)
    frame, _, _ = read_table(ISSUED_AGREED_TARGETS, book.read_sheet(name))
    return frame


# ---- 目标确认历史 Agreement History (hidden) ----

HISTORY_COLUMNS = [
    OutColumn("round", "轮次", "Round", "integer"), OutColumn("month", "月份", "Month", "month"),
    OutColumn("timestamp", "时间", "Timestamp"), OutColumn("by", "确认人", "By"),
    OutColumn("rep_id", "业务员编号", "Rep ID"), OutColumn("name", "姓名", "Name"),
    OutColumn("draft", "草案目标", "Draft target", "amount"),
    OutColumn("proposal", "提议目标", "Proposed target", "amount"),
    OutColumn("decision", "主管决定", "Manager decision"),
    OutColumn("agreed", "确认目标", "Agreed target", "amount"),
    OutColumn("change", "较草案变化", "Change vs draft", "amount"),
]
HISTORY_TYPES = {"round": "integer", "month": "month", "draft": "decimal", "proposal": "decimal",
                 "agreed": "decimal", "change": "decimal"}
HISTORY_SCHEMA = SheetSchema(
    key=AGREEMENT_HISTORY.key, zh=AGREEMENT_HISTORY.zh, en=AGREEMENT_HISTORY.en, required=False, issued=True,
    columns=tuple(Column(c.key, c.zh, c.en, HISTORY_TYPES.get(c.key, "text"), required=False, not_blank=False)
                  for c in HISTORY_COLUMNS),
)


def read_history(book: WorkbookBackend) -> pd.DataFrame:
    """Every earlier round's agreed rows (empty when there is no history sheet)."""
    keys = [c.key for c in HISTORY_COLUMNS]
    name = find_sheet(HISTORY_SCHEMA, book.sheet_names())
    if name is None:
        return pd.DataFrame(columns=keys)
    frame, _, _ = read_table(HISTORY_SCHEMA, book.read_sheet(name))
    return frame.reset_index(drop=True)[keys]


def history_sheet(history: pd.DataFrame) -> SheetOutput:
    return SheetOutput(AGREEMENT_HISTORY, subtitle="每轮确认追加，旧轮次保留 Each agreement round is appended; "
                                                   "earlier rounds are kept.",
                       tables=[OutTable(history, HISTORY_COLUMNS, name="sx_agreement_history")], hidden=True)
