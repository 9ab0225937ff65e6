"""What every step's contract is written with: number formats, column helpers and the workbook-wide sheets.

The Settings sheet is read by every step; the Guide, Versions and Problems sheets are written by several.
"""

from __future__ import annotations

from ..schema import Column, OutputSheetName, SheetSchema

AMOUNT = "#,##0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
MONTH = "yyyy-mm"
INTEGER = "0"


def col(key, zh, en, type="text", **kw) -> Column:
    formats = {"decimal": AMOUNT, "percent": PERCENT, "date": DATE, "month": MONTH, "integer": INTEGER}
    kw.setdefault("number_format", formats.get(type))
    return Column(key, zh, en, type, **kw)

def hold_column() -> Column:
    """手工目标 Manual target: a hold at any level of the breakdown (added by step 4)."""
    return col("manual_target", "手工目标", "Manual target", "decimal", required=False, not_blank=False, minimum=0,
               note_zh="锁定此目标：整体减去锁定部分后再分给其他行",
               note_en="a hold: this figure is kept, and the whole minus the holds is spread over the other rows")

def optional(key, zh, en, type="text") -> Column:
    return col(key, zh, en, type, required=False, not_blank=False)

def readback(key: str, sheet: OutputSheetName, columns: tuple[Column, ...], what_zh: str, what_en: str
             ) -> SheetSchema:
    return SheetSchema(key=key, zh=sheet.zh, en=sheet.en, issued=True, required=False, columns=columns,
                       purpose_zh=what_zh, purpose_en=what_en)


SETTINGS_SHEET = SheetSchema(
    key="settings", zh="设置", en="Settings",
    columns=(
        col("key", "参数", "Key", note_zh="参数名，勿改", note_en="setting name, do not edit"),
        col("value", "值", "Value", "any", required=True, not_blank=False),
        col("note", "说明", "Note", required=False),
    ),
    unique=(("key",),),
    purpose_zh="计划月份、日历国家、币种、取整单位和各项权重。",
    purpose_en="Plan month, calendar country, currency, rounding unit and weights.",
)


GUIDE = OutputSheetName("guide", "说明", "Guide")
VERSIONS = OutputSheetName("versions", "版本", "Versions")
PROBLEMS = OutputSheetName("problems", "问题", "Problems")
