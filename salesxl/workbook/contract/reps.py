"""Out to every rep and back (issue-files, collect): what a rep's workbook holds and how the master logs a collect.

``salesxl issue-files`` writes one workbook per rep (:mod:`salesxl.workbook.repbook`), and
``salesxl collect`` reads them back (:mod:`salesxl.steps.reps`). Declared here, once:

* the input sheets a rep fills, as the master's own schemas (日志 Daily Log, 实际销售 Actuals,
  跟进记录 Touches, 反馈 Feedback) with the Rep ID left optional: the file is the rep's, so a blank
  Rep ID is the rep's own;
* the hidden 指纹 Fingerprint sheet: which master, month and version the file was issued from, and to whom;
* the master's 收回记录 Collection Log: one table of files per collect, one of conflicts, one of refusals,
  each read back by its headers so a collect appends to what earlier collects left.

The master gains one sheet (``OUTPUTS``); the rep files' sheets are not the master's, so they are declared
here but are not among the contract's inputs or outputs.
"""

from __future__ import annotations

from dataclasses import replace

from ..schema import Column, OutputSheetName, SheetSchema
from .agree import FEEDBACK
from .base import optional
from .tracking import ACTUALS, DAILY_LOG, TOUCHES


def rep_may_leave_blank(schema: SheetSchema) -> SheetSchema:
    """``schema`` with its Rep ID optional: in a rep's own file a blank Rep ID means the rep."""
    return replace(schema, columns=tuple(replace(c, not_blank=False) if c.key == "rep_id" else c
                                         for c in schema.columns))


REP_INPUTS: tuple[SheetSchema, ...] = tuple(rep_may_leave_blank(s) for s in (DAILY_LOG, ACTUALS, TOUCHES))
"""The input sheets a rep fills, appended to the master's sheets of the same names on collect."""

REP_FEEDBACK = rep_may_leave_blank(FEEDBACK)
"""The rep's Feedback row: their proposal and reason go to the master's 反馈 Feedback."""

FEEDBACK_ANSWERS = ("proposal", "reason")
"""The Feedback cells a rep fills (the only unlocked cells of the sheet)."""

# ---- 指纹 Fingerprint: a hidden key/value sheet in every rep's file ----

FINGERPRINT_SHEET = "指纹 Fingerprint"
FILE_KIND = "salesxl rep file 业务员文件 v1"
"""The first row's value: marks a workbook as a rep file salesxl issued (and the layout's version)."""

FINGERPRINT = SheetSchema(
    key="fingerprint", zh="指纹", en="Fingerprint", required=False,
    columns=(
        Column("key", "项目", "Key"),
        Column("value", "值", "Value", "text", required=True, not_blank=False),
    ),
    purpose_zh="业务员文件的来源：总表、月份、版本和业务员（隐藏，勿改）。",
    purpose_en="Where a rep's file came from: master, month, version and rep (hidden, do not edit).",
)

FINGERPRINT_KEYS = (
    ("kind", "文件类型 File kind"),
    ("master", "总表编号 Master ID"),
    ("master_name", "总表文件 Master file"),
    ("month", "月份 Month"),
    ("version", "版本 Version"),
    ("rep_id", "业务员编号 Rep ID"),
    ("rep_name", "姓名 Name"),
    ("issued_at", "下发时间 Issued at"),
)
"""Row order of the Fingerprint sheet: key, label. Every value is written as text, so no program
re-saving the file turns the month into a date or the version into a number with decimals."""

LISTS_SHEET = "清单 Lists"
"""A hidden sheet beside the fingerprint holding the rep's own outlets, SKUs and customers for the drop-downs."""

# ---- The sheets of a rep's file that the rep reads (protected) ----

REP_TARGETS = OutputSheetName("rep_file_targets", "我的目标", "My Targets")
REP_DAILY = OutputSheetName("rep_file_daily", "日目标", "Daily Targets")
REP_CUSTOMERS = OutputSheetName("rep_file_customers", "我的客户", "My Customers")

# ---- 收回记录 Collection Log, in the master ----

COLLECTION_LOG = OutputSheetName("collection_log", "收回记录", "Collection Log")


LOG_FILES = SheetSchema(
    key="collection_files", zh=COLLECTION_LOG.zh, en=COLLECTION_LOG.en, required=False, issued=True,
    columns=(
        optional("collected_at", "收回时间", "Collected at"),
        optional("file", "文件", "File"),
        optional("rep_id", "业务员编号", "Rep ID"),
        optional("version", "文件版本", "File version", "integer"),
        optional("status", "结果", "Outcome"),
        optional("daily_log", "新增日志", "Daily log rows added", "integer"),
        optional("actuals", "新增实际销售", "Actuals rows added", "integer"),
        optional("touches", "新增跟进", "Touches added", "integer"),
        optional("feedback", "新增反馈", "Feedback answers added", "integer"),
        optional("already", "已有行", "Rows already there", "integer"),
        optional("conflicts", "冲突", "Conflicts", "integer"),
        optional("note", "说明", "Note"),
    ),
    purpose_zh="每次收回的每个文件：结果、新增行数、已有行数和冲突数。",
    purpose_en="Each file of each collect: outcome, rows added, rows already there and conflicts.",
)

LOG_CONFLICTS = SheetSchema(
    key="collection_conflicts", zh=COLLECTION_LOG.zh, en=COLLECTION_LOG.en, required=False, issued=True,
    columns=(
        optional("collected_at", "收回时间", "Collected at"),
        optional("file", "文件", "File"),
        optional("cell", "文件单元格", "Cell in the file"),
        optional("row_key", "行", "Row"),
        optional("column", "列", "Column"),
        optional("master_value", "总表中的值", "Value in the master"),
        optional("master_cell", "总表单元格", "Cell in the master"),
        optional("file_value", "文件中的值", "Value in the file"),
    ),
    purpose_zh="与上次收回不同的行：两边的值都列出，总表未被覆盖。",
    purpose_en="Rows that changed since they were collected: both values, the master not overwritten.",
)

LOG_REFUSALS = SheetSchema(
    key="collection_refusals", zh=COLLECTION_LOG.zh, en=COLLECTION_LOG.en, required=False, issued=True,
    columns=(
        optional("collected_at", "收回时间", "Collected at"),
        optional("file", "文件", "File"),
        optional("where", "位置", "Where"),
        optional("reason_zh", "拒收原因", "Reason"),
        optional("reason_en", "英文原因", "Reason in English"),
        optional("code", "代码", "Code"),
    ),
    purpose_zh="拒收的文件及原因（文件、工作表、单元格）。",
    purpose_en="Files refused and why (file, sheet and cell).",
)

COLLECTION_LOG_TABLES: tuple[SheetSchema, ...] = (LOG_FILES, LOG_CONFLICTS, LOG_REFUSALS)

INPUTS: tuple[SheetSchema, ...] = ()
"""The reps' rows go to the tracking and agreement steps' own sheets: no input sheet of its own."""
SETTINGS: tuple = ()
OUTPUTS = (COLLECTION_LOG,)
