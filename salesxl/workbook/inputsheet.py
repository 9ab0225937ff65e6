"""An input sheet as the template lays it out: drawn for a new workbook, or added to a planner's own.

Each input sheet is an Excel Table with its bilingual header on row 1, a note on each header cell
saying what to type, number formats, drop-down lists (roles, yes/no, regions from the Regions
table through the workbook name ``salesxl_regions``) and a frozen header row. The template
(:mod:`salesxl.workbook.template`), ``salesxl init`` through the file writer
(:mod:`salesxl.workbook.splice`) and the ribbon's 添加输入表 through the live backend all draw it
with :func:`draw_input_sheet`, so an added sheet is the template's sheet.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from .backend import InputSheet
from .render import excel_value
from .schema import TYPE_LABEL, Column, SheetSchema
from .contract import SETTINGS
from .contract.base import SETTINGS_SHEET

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="375623")
INPUT_STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
TEMPLATE_ROWS = 500
"""Rows prepared (formats, drop-downs) below the header of an empty input sheet."""
REGION_LIST = "salesxl_regions"
"""The workbook name the region drop-downs list: the Regions table's first column."""


def region_list(sheet_name: str, column: str = "A", header_row: int = 1) -> dict[str, str]:
    """The ``salesxl_regions`` name for a Regions sheet called ``sheet_name`` (its region column and header row)."""
    return {REGION_LIST: f"{quote_sheetname(sheet_name)}!${column}${header_row + 1}:${column}$"
                         f"{header_row + TEMPLATE_ROWS}"}


def draw_input_sheet(ws, sheet: InputSheet, taken: set[str] = frozenset()) -> None:
    """Fill an empty worksheet with ``sheet``: on Settings one row per setting, else the table's rows.

    Its table is ``tbl_<key>``, or ``tbl_<key>_2``... when a table or name of the workbook has that name
    (``taken``, which gets the name chosen).
    """
    schema = sheet.schema
    if schema.key == SETTINGS_SHEET.key:
        frame = settings_frame(sheet.settings)
    else:
        frame = sheet.frame if sheet.frame is not None else pd.DataFrame(columns=[c.key for c in schema.columns])
    name, n = f"tbl_{schema.key}", 2
    while name.casefold() in {t.casefold() for t in taken}:
        name, n = f"tbl_{schema.key}_{n}", n + 1
    if isinstance(taken, set):
        taken.add(name)
    write_input_sheet(ws, schema, frame, table_name=name)


def settings_frame(values: dict[str, Any]) -> pd.DataFrame:
    """The Settings sheet rows: one per declared setting, with its value or default."""
    return pd.DataFrame({
        "key": [s.label for s in SETTINGS],
        "value": [values.get(s.key, s.default) for s in SETTINGS],
        "note": [" / ".join(x for x in (s.note_zh, s.note_en) if x) or None for s in SETTINGS],
    })


def write_input_sheet(ws, schema: SheetSchema, frame: pd.DataFrame, lists: Mapping[str, str] | None = None,
                      rows: int = TEMPLATE_ROWS, table_name: str | None = None) -> None:
    """The sheet as an Excel Table under bilingual headers with notes, formats and drop-downs on ``rows`` rows.

    ``lists`` gives some columns a drop-down of their own (column key -> list formula), as a rep's file
    limits the outlets to the rep's own. The table is ``table_name`` (default ``tbl_<key>``).
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
    table = Table(displayName=table_name or f"tbl_{schema.key}",
                  ref=f"A1:{get_column_letter(len(columns))}{last_row}")
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


