"""Building a new workbook from the contract: the blank template and the demo.

Every input sheet becomes an Excel Table with bilingual headers, a note on each
header saying what to type, number formats, drop-down lists (roles, yes/no,
regions from the Regions table) and a frozen header row. A ``说明 Guide``
sheet comes first. Run ``python -m salesxl.workbook.template`` to regenerate
``workbook_templates/salesxl_template.xlsx`` and the demo's inputs,
``workbook_templates/salesxl_demo.xlsx``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from .filebook import save_atomically
from .render import excel_value
from .schema import TYPE_LABEL, Column, SheetSchema
from .contract import INPUT_SHEETS, OUTPUT_SHEETS, SETTINGS
from .contract.base import GUIDE, SETTINGS_SHEET
from .contract.target import REGIONS

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="375623")
INPUT_STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
TEMPLATE_ROWS = 500
"""Rows prepared (formats, drop-downs) below the header of an empty input sheet."""

REGION_LIST = "salesxl_regions"
TEMPLATES = Path(__file__).resolve().parents[2] / "workbook_templates"
DEFAULT_TEMPLATE = TEMPLATES / "salesxl_template.xlsx"
SHIPPED_DEMO = TEMPLATES / "salesxl_demo.xlsx"
"""The demo company's input sheets, as ``salesxl demo`` starts from them."""


WRITTEN_BY_SALESXL = {output.key for output in OUTPUT_SHEETS}
"""Input sheets that a step writes first and the planner then fills in; the template leaves them out."""


def build_workbook(settings: dict[str, Any] | None = None,
                   tables: dict[str, pd.DataFrame] | None = None,
                   schemas: tuple[SheetSchema, ...] = INPUT_SHEETS) -> Workbook:
    """A new workbook with the Guide and every input sheet, filled with ``tables`` if given."""
    book = Workbook()
    guide = book.active
    guide.title = GUIDE.name
    write_guide(guide, schemas)
    for schema in schemas:
        if schema.key in WRITTEN_BY_SALESXL:
            continue  # e.g. 反馈 Feedback: the step that writes it creates it, marked as salesxl's own
        ws = book.create_sheet(schema.name)
        if schema.key == "settings":
            frame = settings_frame(settings or {})
        else:
            frame = (tables or {}).get(schema.key, pd.DataFrame(columns=[c.key for c in schema.columns]))
        write_input_sheet(ws, schema, frame)
    regions = next(s for s in schemas if s.key == REGIONS.key)
    book.defined_names[REGION_LIST] = DefinedName(
        REGION_LIST, attr_text=f"{quote_sheetname(regions.name)}!$A$2:$A${TEMPLATE_ROWS + 1}")
    return book


def save_new_workbook(path: str | Path, settings=None, tables=None) -> Path:
    """Write a new template (or demo) workbook to ``path``, atomically, replacing any file there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomically(build_workbook(settings, tables), path, backup=False)
    return path


def settings_frame(values: dict[str, Any]) -> pd.DataFrame:
    """The Settings sheet rows: one per declared setting, with its value or default."""
    return pd.DataFrame({
        "key": [s.label for s in SETTINGS],
        "value": [values.get(s.key, s.default) for s in SETTINGS],
        "note": [" / ".join(x for x in (s.note_zh, s.note_en) if x) or None for s in SETTINGS],
    })


def write_input_sheet(ws, schema: SheetSchema, frame: pd.DataFrame, lists: Mapping[str, str] | None = None,
                      rows: int = TEMPLATE_ROWS) -> None:
    """The sheet as an Excel Table under bilingual headers with notes, formats and drop-downs on ``rows`` rows.

    ``lists`` gives some columns a drop-down of their own (column key -> list formula), as a rep's file
    limits the outlets to the rep's own.
    """
    columns = schema.columns
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=column.label)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(header_note(column), "salesxl", width=260, height=110)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = column.width or max(12, min(40, len(column.label) * 1.6))
    formats = row_formats(schema, frame)
    for i, record in enumerate(frame.reindex(columns=[c.key for c in columns]).itertuples(index=False), start=2):
        for j, (column, value) in enumerate(zip(columns, record), start=1):
            cell = ws.cell(row=i, column=j, value=cell_value(column, value))
            if formats[i - 2][j - 1]:
                cell.number_format = formats[i - 2][j - 1]
    last_row = max(len(frame) + 1, 2)
    table = Table(displayName=f"tbl_{schema.key}", ref=f"A1:{get_column_letter(len(columns))}{last_row}")
    table.tableStyleInfo = INPUT_STYLE
    ws.add_table(table)
    ws.freeze_panes = "A2"
    add_validations(ws, schema, max(last_row, rows + 1), lists or {})


def row_formats(schema: SheetSchema, frame: pd.DataFrame) -> list[list[str | None]]:
    """Number format per cell; on Settings each row takes its own setting's format."""
    if schema.key == SETTINGS_SHEET.key:
        by_label = {s.label: s for s in SETTINGS}
        out = []
        for key in frame["key"]:
            setting = by_label.get(key)
            fmt = setting.number_format if setting else None
            out.append([None, fmt, None])
        return out
    return [[c.number_format for c in schema.columns]] * len(frame)


def cell_value(column: Column, value: Any) -> Any:
    """A DataFrame value as the planner would type it in this column."""
    if column.type == "choice" and isinstance(value, str):
        choice = column.choice_for(value)
        return choice.label if choice else value
    return excel_value(value)


def header_note(column: Column) -> str:
    need = "必填 required" if column.must_fill else "可选 optional"
    return "\n".join(x for x in (column.label, f"{TYPE_LABEL[column.type]} · {need}", column_notes(column)) if x)


def column_notes(column: Column) -> str:
    choices = " / ".join(c.label for c in column.choices)
    note = " / ".join(x for x in (column.note_zh, column.note_en) if x)
    return " · ".join(x for x in (choices, note) if x)


def add_validations(ws, schema: SheetSchema, last_row: int, lists: Mapping[str, str]) -> None:
    for j, column in enumerate(schema.columns, start=1):
        letter = get_column_letter(j)
        if column.key in lists:
            formula = lists[column.key]
        elif column.type == "choice":
            formula = '"' + ",".join(c.label for c in column.choices) + '"'
        elif column.type == "bool":
            formula = '"是,否"'
        elif column.ref == ("regions", "region") and schema.key != "regions":
            formula = f"={REGION_LIST}"
        else:
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=not column.must_fill,
                            showErrorMessage=True, errorTitle="salesxl",
                            error=f"请从列表中选择 Choose from the list: {column.label}")
        dv.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(dv)


def write_guide(ws, schemas: tuple[SheetSchema, ...]) -> None:
    ws["A1"] = "salesxl 月度销售目标 Monthly sales targets"
    ws["A1"].font = Font(bold=True, size=16)
    lines = [
        "按顺序填写各输入表，然后运行各步骤（功能区按钮或命令行 salesxl）。",
        "Fill the input sheets in order, then run each step (ribbon buttons or the salesxl command).",
        "表头可用中文、英文或中英文；金额可写 30.9万；百分比可写 15% 或 0.15。",
        "Headers may be Chinese, English or both; amounts may be written as 30.9万; percentages as 15% or 0.15.",
    ]
    for i, line in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=line)
    row = len(lines) + 3
    for heading, width, letter in (("工作表 Sheet", 22, "A"), ("列 Column", 30, "B"), ("类型 Type", 16, "C"),
                                   ("必填 Required", 14, "D"), ("说明 Notes", 60, "E")):
        cell = ws[f"{letter}{row}"]
        cell.value, cell.font, cell.fill = heading, HEADER_FONT, HEADER_FILL
        ws.column_dimensions[letter].width = width
    for schema in schemas:
        row += 1
        ws.cell(row=row, column=1, value=schema.name).font = Font(bold=True)
        ws.cell(row=row, column=5, value=f"{schema.purpose_zh} {schema.purpose_en}")
        columns = schema.columns if schema.key != "settings" else ()
        for column in columns:
            row += 1
            ws.cell(row=row, column=2, value=column.label)
            ws.cell(row=row, column=3, value=TYPE_LABEL[column.type])
            ws.cell(row=row, column=4, value="是" if column.must_fill else "否")
            ws.cell(row=row, column=5, value=column_notes(column) or None)
        if schema.key == "settings":
            for setting in SETTINGS:
                row += 1
                ws.cell(row=row, column=2, value=setting.label)
                ws.cell(row=row, column=3, value=TYPE_LABEL[setting.type])
                ws.cell(row=row, column=4, value="是" if setting.default is None else "否")
                default = "" if setting.default is None else f"默认 default {setting.default}; "
                ws.cell(row=row, column=5, value=default + " / ".join(x for x in (setting.note_zh, setting.note_en) if x))
    ws.freeze_panes = "A8"


if __name__ == "__main__":
    from ..demo import demo_workbook_data

    print(save_new_workbook(DEFAULT_TEMPLATE))
    print(save_new_workbook(SHIPPED_DEMO, *demo_workbook_data()))
